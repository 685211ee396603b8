import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/build-push/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { canBuild, registryDigest, useRegistries } from './context.js';

const events = join(import.meta.dirname, 'events');
const PASSWORD = 'registry-pa55word-7f3k';
/** What a reader of the job log sees: the runner hides every value registered with ::add-mask::. */
const unmasked = (log: string) => log.replace(/^::add-mask::.*$/gm, '');
const runLabel = `test.build-push.run=${crypto.randomUUID()}`;

describe.skipIf(!canBuild())('build-push against a Docker engine and a registry', () => {
  const servers = useRegistries(runLabel, PASSWORD);
  const { fixture } = servers;

  const step = (inputs: Record<string, string>, event = 'push-main.json', env: Record<string, string> = {}) =>
    runInProcess(
      run,
      { context: fixture().context, network: 'host', labels: runLabel, 'build-args': 'GREETING=hi from CI', ...inputs },
      {
        DOCKER_CONFIG: fixture().dockerConfig,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: join(events, event),
        ...env,
      },
    );

  it('first push: logs in, builds with the classic builder (saying why), pushes every tag and reports the digest', async () => {
    const result = await step({
      image: `${servers.registry.host}/hello/web`,
      version: '1.0.0',
      username: 'ci',
      password: PASSWORD,
    });
    expect(result.failed, result.log).toBe(false);
    expect(result.log).toContain('Builder: docker build + docker push, because buildx is not installed');
    const digest = result.outputs.digest ?? '';
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(result.outputs.image).toBe(`${servers.registry.host}/hello/web@${digest}`);
    expect(result.outputs.tags?.split('\n')).toEqual(
      ['1.0.0', 'main', 'sha-0123456', 'latest'].map((tag) => `${servers.registry.host}/hello/web:${tag}`),
    );
    expect(await servers.registry.tags('hello/web', { username: 'ci', password: PASSWORD })).toEqual([
      '1.0.0',
      'latest',
      'main',
      'sha-0123456',
    ]);
    expect(await registryDigest(servers.registry.host, 'hello/web', 'latest', `ci:${PASSWORD}`)).toBe(digest);

    const labels = JSON.parse(
      execFileSync(
        'docker',
        ['image', 'inspect', '--format', '{{json .Config.Labels}}', result.outputs['image-id'] ?? ''],
        {
          encoding: 'utf8',
        },
      ),
    ) as Record<string, string>;
    expect(labels).toMatchObject({
      'org.opencontainers.image.source': 'https://github.com/octo-org/hello-service',
      'org.opencontainers.image.revision': '0123456789abcdef0123456789abcdef01234567',
      'org.opencontainers.image.version': '1.0.0',
    });
    const greeting = execFileSync('docker', ['run', '--rm', '--network', 'host', result.outputs['image-id'] ?? ''], {
      encoding: 'utf8',
    });
    expect(greeting.trim()).toBe('hi from CI');

    const metadata = JSON.parse(result.outputs.metadata ?? '{}') as Record<string, unknown>;
    expect(metadata).toMatchObject({ digest, builder: 'docker', registryType: 'basic', pushed: true });
    expect(result.summary).toContain(digest);
    expect(result.summary).toContain('Build time');
    expect(result.log).toContain(`::add-mask::${PASSWORD}`);
    expect(unmasked(result.log)).not.toContain(PASSWORD);
    expect(result.summary).not.toContain(PASSWORD);
    // logout: true leaves no credential behind
    expect(execFileSync('cat', [join(fixture().dockerConfig, 'config.json')], { encoding: 'utf8' })).not.toContain(
      servers.registry.host,
    );
  });

  it('re-push of an unchanged context: the build steps come from the layer cache, and the summary says so', async () => {
    const result = await step({ image: `${servers.registry.host}/hello/web`, username: 'ci', password: PASSWORD });
    expect(result.failed, result.log).toBe(false);
    const cache = /\((\d+) of (\d+) steps cached\)/.exec(result.summary);
    expect(cache, result.summary).not.toBeNull();
    // Every Dockerfile step but the two FROM scratch (7 of 9) comes from the cache; the label steps after them cannot,
    // since org.opencontainers.image.created is new on each run.
    expect(Number(cache?.[1])).toBe(7);
  });

  it('a pull request build gets pr-<number> and the head sha; a registry without auth needs no credentials', async () => {
    const result = await step({ image: `${servers.open.host}/hello/web` }, 'pull-request.json', {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/42/merge',
    });
    expect(result.failed, result.log).toBe(false);
    expect(result.log).toContain('No credentials given');
    expect(await servers.open.tags('hello/web')).toEqual(['pr-42', 'sha-fedcba9']);
  });

  it('a release tag promotes the pushed image without building: skip-build adds 1.4.2, 1.4 and 1', async () => {
    const source = `${servers.registry.host}/hello/web:sha-0123456`;
    const result = await step(
      {
        image: `${servers.registry.host}/hello/web`,
        'skip-build': 'true',
        'source-image': source,
        username: 'ci',
        password: PASSWORD,
      },
      'tag-release.json',
      { GITHUB_REF: 'refs/tags/v1.4.2' },
    );
    expect(result.failed, result.log).toBe(false);
    expect(result.log).not.toContain('Step 1/');
    expect(await servers.registry.tags('hello/web', { username: 'ci', password: PASSWORD })).toEqual(
      expect.arrayContaining(['1', '1.4', '1.4.2']),
    );
    expect(await registryDigest(servers.registry.host, 'hello/web', '1.4.2', `ci:${PASSWORD}`)).toBe(
      await registryDigest(servers.registry.host, 'hello/web', 'sha-0123456', `ci:${PASSWORD}`),
    );
  });

  it('registry-type ghcr logs in with the job token as the actor (here: to promote an image)', async () => {
    const result = await step(
      {
        image: `${servers.registry.host}/hello/web`,
        'registry-type': 'ghcr',
        'github-token': PASSWORD,
        'skip-build': 'true',
        'source-image': `${servers.registry.host}/hello/web:sha-0123456`,
        'tag-rules': 'version',
        version: 'promoted-by-ghcr-login',
      },
      'push-main.json',
      { GITHUB_ACTOR: 'ci' },
    );
    expect(result.failed, result.log).toBe(false);
    expect(result.log).toContain(`Log in to ${servers.registry.host} (ghcr)`);
    expect(result.log).toContain(`Logged in to ${servers.registry.host} as ci.`);
    expect(unmasked(result.log)).not.toContain(PASSWORD);
    expect(await servers.registry.tags('hello/web', { username: 'ci', password: PASSWORD })).toContain(
      'promoted-by-ghcr-login',
    );
  });

  it('a wrong password is refused by the registry: the step fails naming the registry, and pushes nothing', async () => {
    const wrong = 'not-the-pa55word-91x';
    const result = await step({ image: `${servers.registry.host}/other/web`, username: 'ci', password: wrong });
    expect(result.failed).toBe(true);
    expect(result.outputs['failure-reason']).toBe('cloud-error');
    expect(result.log).toMatch(
      new RegExp(`docker login to ${servers.registry.host.replace(/\./g, '\\.')} as 'ci' was refused`),
    );
    expect(unmasked(result.log)).not.toContain(wrong);
    expect(await servers.registry.tags('other/web', { username: 'ci', password: PASSWORD })).toEqual([]);
  });

  it('fails before anything runs on a missing Dockerfile, and on secrets or platforms without buildx', async () => {
    const missing = await step({
      image: `${servers.registry.host}/hello/web`,
      file: join(fixture().context, 'Nope.Dockerfile'),
    });
    expect(missing.failed).toBe(true);
    expect(missing.outputs['failure-reason']).toBe('invalid-input');
    expect(missing.log).toContain('No Dockerfile at');
    expect(missing.log).not.toContain('Log in');

    const secrets = await step({ image: `${servers.open.host}/hello/web`, secrets: 'npm-token=npm_s3cr3tvalue' });
    expect(secrets.failed).toBe(true);
    expect(secrets.log).toMatch(/'secrets' .* need buildx, and buildx is not installed/);
    expect(unmasked(secrets.log)).not.toContain('npm_s3cr3tvalue');

    const platforms = await step({ image: `${servers.open.host}/hello/web`, platforms: 'linux/amd64,linux/arm64' });
    expect(platforms.log).toMatch(/'platforms' need buildx/);
    expect(platforms.outputs['failure-reason']).toBe('invalid-input');
  });
});
