import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readInputs } from '../../src/build-push/inputs.js';
import { planLogin } from '../../src/build-push/registry.js';
import { references } from '../../src/build-push/report.js';
import { factsFromEnvironment, planTags, type Flavor, type TagRule } from '../../src/build-push/tags.js';
import { hasDockerLogin } from '../../src/lib/docker.js';
import { quietInputs, withInputs } from '../helpers/inputs.js';
import { runBundle } from '../helpers/runner.js';
import { canBuild, useDockerfileOnly, useRegistries } from './context.js';

/**
 * build-push in place of docker/build-push-action v6 (with docker/login-action before it): its README's
 * `with:` blocks, tags as full references (Docker Hub short names, several registries), and the login an
 * earlier step left in the Docker config.
 */

const events = join(import.meta.dirname, 'events');

/** A Docker config as docker/login-action leaves it: an auths entry per registry logged in to. */
function dockerConfig(auths: Record<string, unknown>, credHelpers: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths, credHelpers }));
  return dir;
}

describe('reading build-push-action inputs (no Docker needed)', () => {
  const contextDir = useDockerfileOnly();
  quietInputs();

  /** The inputs read on a push to main, and the references they tag. */
  function inputsOf(inputs: Record<string, string>) {
    vi.stubEnv('GITHUB_EVENT_NAME', 'push');
    vi.stubEnv('GITHUB_EVENT_PATH', join(events, 'push-main.json'));
    vi.stubEnv('GITHUB_REF', 'refs/heads/main');
    vi.stubEnv('GITHUB_SHA', '0123456789abcdef0123456789abcdef01234567');
    vi.stubEnv('GITHUB_WORKSPACE', contextDir());
    const inputsRead = withInputs({ context: contextDir(), ...inputs }, readInputs);
    const plan = planTags(factsFromEnvironment(process.env), {
      rules: inputsRead.tagRules,
      flavor: inputsRead.flavor,
      version: inputsRead.version,
      explicit: inputsRead.tags,
      labels: inputsRead.labels,
    });
    return { inputs: inputsRead, references: references(inputsRead, plan) };
  }

  it("reads the README's first example (push, tags: user/app:latest) as Docker Hub, with exactly that tag", () => {
    const { inputs, references: refs } = inputsOf({ push: 'true', tags: 'user/app:latest' });
    expect(inputs).toMatchObject({ image: 'docker.io/user/app', registry: 'docker.io', repository: 'user/app' });
    expect(refs).toEqual(['docker.io/user/app:latest']);
    expect(inputs.push).toBe(true);
    // Without push, as there, nothing is pushed; with image given, this action's default (push) holds.
    expect(inputsOf({ tags: 'user/app:latest' }).inputs.push).toBe(false);
    expect(inputsOf({ image: 'user/app' }).inputs.push).toBe(true);
  });

  it('pushes one build to several registries when tags name them', () => {
    const { inputs, references: refs } = inputsOf({
      push: 'true',
      tags: 'user/app:latest\nuser/app:1.0.0\nghcr.io/user/app:latest\nghcr.io/user/app:1.0.0',
    });
    expect(refs).toEqual([
      'docker.io/user/app:latest',
      'docker.io/user/app:1.0.0',
      'ghcr.io/user/app:latest',
      'ghcr.io/user/app:1.0.0',
    ]);
    expect(inputs.extraTargets).toEqual([
      { image: 'ghcr.io/user/app', registry: 'ghcr.io', repository: 'user/app', registryType: 'ghcr' },
    ]);
  });

  it('reads flavor as metadata-action does, and refuses its type= tag expressions with the rule names to use', () => {
    const { inputs, references: refs } = inputsOf({
      image: 'ghcr.io/octo-org/web',
      flavor: 'latest=false\nsuffix=-slim,onlatest=true',
      'tag-rules': 'sha, latest',
    });
    expect(inputs.flavor).toEqual({ latest: 'false', prefix: '', suffix: '-slim', onLatest: true });
    expect(refs).toEqual(['ghcr.io/octo-org/web:sha-0123456-slim']);
    expect(() => inputsOf({ image: 'ghcr.io/octo-org/web', tags: 'type=sha' })).toThrow(
      "Input 'tags' has 'type=sha', a docker/metadata-action tag expression: here the rules have names.",
    );
    expect(() => inputsOf({ image: 'ghcr.io/octo-org/web', flavor: 'latest=maybe' })).toThrow(/Input 'flavor'/);
  });

  it('keeps its own tag rules when image is given, and a one-part Docker Hub name is an official image', () => {
    const { references: refs } = inputsOf({ image: 'nginx-fork', version: '1.2.3' });
    expect(refs).toEqual(
      ['1.2.3', 'main', 'sha-0123456', 'latest'].map((tag) => `docker.io/library/nginx-fork:${tag}`),
    );
  });
});

describe('a login an earlier step left in the Docker config', () => {
  it('is found for Docker Hub under its v1 key, for a registry by host, and through a credential helper', () => {
    const config = dockerConfig(
      { 'https://index.docker.io/v1/': {}, 'contoso.azurecr.io': { auth: 'eC15OnBhc3M=' } },
      { '123456789012.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
    );
    const env = { DOCKER_CONFIG: config };
    expect(hasDockerLogin('docker.io', env)).toBe(true);
    expect(hasDockerLogin('contoso.azurecr.io', env)).toBe(true);
    expect(hasDockerLogin('123456789012.dkr.ecr.us-east-1.amazonaws.com', env)).toBe(true);
    expect(hasDockerLogin('ghcr.io', env)).toBe(false);
    expect(hasDockerLogin('docker.io', { DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'empty-')) })).toBe(false);
  });

  it('is used for Docker Hub and ACR instead of refusing for want of credentials', () => {
    const ecr = { createRepository: false };
    expect(planLogin('docker.io', 'basic', {}, ecr, true)).toEqual({ type: 'none', host: 'docker.io' });
    expect(planLogin('contoso.azurecr.io', 'acr', {}, ecr, true)).toEqual({ type: 'none', host: 'contoso.azurecr.io' });
    expect(() => planLogin('docker.io', 'basic', {}, ecr, false)).toThrow(/Pushing to Docker Hub needs credentials/);
    expect(() => planLogin('contoso.azurecr.io', 'acr', {}, ecr, false)).toThrow(/needs credentials/);
    // Credentials given win over the earlier login.
    expect(planLogin('docker.io', 'basic', { username: 'u', password: 'p' }, ecr, true)).toMatchObject({
      type: 'basic',
    });
  });
});

const PASSWORD = 'drop-in-pa55-k3j4h5';
const runLabel = `test.build-push.run=${crypto.randomUUID()}`;

describe.skipIf(!canBuild())('build-push-action examples against a Docker engine and registries', () => {
  const servers = useRegistries(runLabel, PASSWORD);
  const { fixture } = servers;

  it('pushes to two registries with the login docker/login-action left, and sets imageid', async () => {
    // What docker/login-action does before the build step: docker login, into the job's Docker config.
    execFileSync('docker', ['login', '--username', 'ci', '--password-stdin', servers.registry.host], {
      input: PASSWORD,
      env: { ...process.env, DOCKER_CONFIG: fixture().dockerConfig },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const result = await runBundle('build-push', {
      inputs: {
        context: fixture().context,
        network: 'host',
        labels: runLabel,
        push: 'true',
        tags: `${servers.registry.host}/user/app:latest\n${servers.open.host}/user/app:latest`,
      },
      env: {
        DOCKER_CONFIG: fixture().dockerConfig,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: join(events, 'push-main.json'),
      },
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs.tags?.split('\n')).toEqual([
      `${servers.registry.host}/user/app:latest`,
      `${servers.open.host}/user/app:latest`,
    ]);
    expect(result.outputs.imageid).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(result.outputs.imageid).toBe(result.outputs['image-id']);
    expect(await servers.registry.tags('user/app', { username: 'ci', password: PASSWORD })).toEqual(['latest']);
    expect(await servers.open.tags('user/app')).toEqual(['latest']);
  });
});

/** What metadata-action sees on a push to main. */
const pushToMain = {
  eventName: 'push',
  ref: 'refs/heads/main',
  sha: '0123456789abcdef0123456789abcdef01234567',
  defaultBranch: 'main',
  now: new Date('2026-01-02T15:04:05Z'),
};

describe("metadata-action's flavor and tag expressions", () => {
  const plan = (flavor: Flavor, rules: TagRule[] = ['sha', 'branch', 'latest']) =>
    planTags(pushToMain, { rules, flavor, explicit: ['edge'], labels: new Map() }).tags.map((t) => t.tag);

  it('adds prefix and suffix to computed tags, to latest only with onlatest, never to tags given', () => {
    expect(plan({ latest: 'auto', prefix: 'v', suffix: '-alpine', onLatest: false })).toEqual([
      'vmain-alpine',
      'vsha-0123456-alpine',
      'latest',
      'edge',
    ]);
    expect(plan({ latest: 'auto', prefix: '', suffix: '-alpine', onLatest: true })).toContain('latest-alpine');
  });

  it('latest=false never adds latest, latest=true always does', () => {
    expect(plan({ latest: 'false', prefix: '', suffix: '', onLatest: false })).not.toContain('latest');
    expect(plan({ latest: 'true', prefix: '', suffix: '', onLatest: false }, ['sha'])).toContain('latest');
  });
});
