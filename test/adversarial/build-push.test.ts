import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, vi } from 'vitest';
import { dockerfile } from '../build-push/context.js';
import { dockerShim, SHIM_DIGEST, type DockerShim } from '../build-push/docker-shim.js';
import { startAcrExchange, type AcrExchange } from '../fakes/registry/acr-exchange.js';
import { runInProcess } from '../helpers/in-process.js';
import { expectNoLeak, runnerLog } from '../terraform/leaks.js';
import { badInput, fault, leak } from './kinds.js';

/**
 * build-push under attack. Docker is the `docker` of test/build-push/docker-shim.ts, first on PATH: it records
 * every call and answers as the CLI with buildx does, so the cases see exactly which Docker commands ran (none,
 * for a bad input) and what a failing RUN step prints. The registry's own API (ACR's token exchange) is the
 * local stand-in of test/fakes/registry/acr-exchange.ts.
 */

const ENTRA_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.adversarial-entra.sig';
const REFRESH_TOKEN = 'acr-refresh-adversarial-7c1d';

let servers: AcrExchange[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

/** A workspace holding a Dockerfile, and a RUNNER_TEMP of its own (nothing else of /tmp is allowed). */
function workspace(): { dir: string; temp: string } {
  const dir = mkdtempSync(join(tmpdir(), 'build-push-workspace-'));
  writeFileSync(join(dir, 'Dockerfile'), dockerfile('test.build-push.adversarial=1'));
  return { dir, temp: mkdtempSync(join(tmpdir(), 'runner-temp-')) };
}

async function step(
  inputs: Record<string, string>,
  shim: DockerShim,
  env: Record<string, string> = {},
  where = workspace(),
) {
  vi.resetModules();
  const { run } = await import('../../src/build-push/main.js');
  return runInProcess(
    run,
    { image: '127.0.0.1:5999/team/web', version: '1.4.2', 'tag-rules': 'version', ...inputs },
    {
      PATH: shim.path,
      DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'docker-config-')),
      GITHUB_WORKSPACE: where.dir,
      RUNNER_TEMP: where.temp,
      ...env,
    },
  );
}

describe('build-push refuses bad inputs before any docker command or registry request', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['an image with a tag', { image: 'ghcr.io/octo-org/web:1' }, 'image'],
    ['an image with a space', { image: 'ghcr.io/octo org/web' }, 'image'],
    ['an image name over 255 characters', { image: `registry.example.com/${'a'.repeat(250)}` }, 'image'],
    ['a tag with characters Docker refuses', { tags: 'bad tag!' }, 'tags'],
    ['a tag reference with an upper-case repository', { tags: 'ghcr.io/Octo/web:1' }, 'tags'],
    ['a version starting with a hyphen', { version: '-v1' }, 'version'],
    ['a version of 129 characters', { version: `v${'1'.repeat(128)}` }, 'version'],
    ['a Dockerfile outside the workspace', { file: '../../../etc/passwd' }, 'file'],
    ['a context outside the workspace', { context: '/etc' }, 'context'],
    ['a Git URL context', { context: 'https://github.com/octo-org/web.git#main' }, 'context'],
    ['a secret file outside the workspace', { 'secret-files': 'aws=/etc/shadow' }, 'secret-files'],
    ['a build secret id with a space', { secrets: 'npm token=x' }, 'secrets'],
    ['an unknown registry type', { 'registry-type': 'quay' }, 'registry-type'],
    ['a platform with a shell command', { platforms: 'linux/amd64;reboot' }, 'platforms'],
    ['a network mode buildx does not take', { network: 'container:abc' }, 'network'],
    ['a target that is no stage name', { target: 'build stage' }, 'target'],
    ['an AWS region with a command in it', { 'aws-region': 'us-east-1; rm -rf /' }, 'aws-region'],
    ['a registry-id that is no account ID', { 'registry-id': '1234' }, 'registry-id'],
    ['skip-build without a source image', { 'skip-build': 'true' }, 'source-image'],
    ['push that is not a boolean', { push: 'yes' }, 'push'],
    ['a flavor metadata-action does not know', { flavor: 'latest=maybe' }, 'flavor'],
    ['an unknown tag rule', { 'tag-rules': 'nightly' }, 'tag-rules'],
    ['a builder name with a space', { builder: 'my builder' }, 'builder'],
    ['a username without a password', { username: 'ci' }, 'username'],
    ['a request-timeout of zero', { 'request-timeout': '0s' }, 'request-timeout'],
    ['a build-args line without =', { 'build-args': 'NODE_ENV' }, 'build-args'],
    ['an image line with a line break', { image: 'ghcr.io/octo-org/web\n::warning::forged' }, 'image'],
    ['an ssh key outside the workspace (the runner user keys)', { ssh: 'default=/home/runner/.ssh/id_rsa' }, 'ssh'],
    ['a second ssh key path outside the workspace', { ssh: 'github=./key,/root/.ssh/id_ed25519' }, 'ssh'],
    [
      'a local cache read from outside the workspace',
      { 'cache-from': 'type=local,src=/home/runner/.docker' },
      'cache-from',
    ],
    [
      'a local cache written outside the workspace',
      { 'cache-to': 'type=local,dest=/usr/local/bin,mode=max' },
      'cache-to',
    ],
    ['an output written over the runner', { outputs: 'type=local,dest=../../runner' }, 'outputs'],
    ['a tarball output outside the workspace', { outputs: 'type=tar,dest=/etc/cron.d/x' }, 'outputs'],
    ['a named build context from outside the workspace', { 'build-contexts': 'keys=/root/.ssh' }, 'build-contexts'],
  ];
  for (const [name, inputs, input] of cases) {
    badInput(`build-push: ${name}`, async () => {
      const shim = dockerShim();
      const acr = await startAcrExchange({ accessToken: ENTRA_TOKEN, refreshToken: REFRESH_TOKEN });
      servers.push(acr);
      const result = await step({ 'azure-access-token': ENTRA_TOKEN, ...inputs }, shim);
      expect(result.exitCode, result.log).toBe(1);
      expect(result.outputs['failure-reason']).toBe('invalid-input');
      expect(/^::error::.*$/m.exec(result.log)?.[0]).toContain(`'${input}'`);
      expect(shim.calls()).toEqual([]);
      expect(acr.requests).toEqual([]);
    });
  }
});

describe('build-push lets no secret leave the runner', () => {
  const places = (result: Awaited<ReturnType<typeof step>>) => ({
    log: runnerLog(result.log),
    summary: result.summary,
    outputs: JSON.stringify(result.outputs),
  });

  leak('build-push: a build secret a failing RUN step prints, whatever its id', async () => {
    const secret = 'npm_"quoted"\\path-é-value';
    const shim = dockerShim('run-fails');
    const result = await step({ secrets: `cache=${secret}` }, shim);
    expect(result.exitCode).toBe(1);
    expect(result.outputs['failure-reason']).toBe('cloud-error');
    expect(result.log).toContain('did not complete successfully: exit code: 1');
    // What Docker printed reached the raw log; the runner hides it, and the message quotes it scrubbed.
    expect(result.log).toContain(`#5 0.245 ${secret}`);
    expect(/^::error::.*$/m.exec(result.log)?.[0]).toContain('0.245 ***');
    expectNoLeak([secret], places(result));
  });

  leak('build-push: the value behind secret-envs, printed by the build', async () => {
    const secret = 'env-held-secret-4711';
    const shim = dockerShim('run-fails');
    const result = await step({ 'secret-envs': 'token=DEPLOY_TOKEN' }, shim, { DEPLOY_TOKEN: secret });
    expect(result.log).toContain(`#5 0.245 ${secret}`);
    expectNoLeak([secret], places(result));
  });

  leak('build-push: the contents of a secret file, printed by the build', async () => {
    const secret = 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG';
    const where = workspace();
    writeFileSync(join(where.temp, 'credentials'), `${secret}\n`);
    const shim = dockerShim('run-fails');
    const result = await step({ 'secret-files': `aws=${join(where.temp, 'credentials')}` }, shim, {}, where);
    expect(result.log).toContain(`#5 0.245 ${secret}`);
    expectNoLeak([secret], places(result));
  });

  leak(
    'build-push: credentials inside cache-to attributes and a build-contexts URL, on the buildx command line',
    async () => {
      const [key, password] = ['s3-secret-access-key-0123', 'ctx-url-password-9876'];
      const shim = dockerShim();
      const result = await step(
        {
          'cache-to': `type=s3,region=us-east-1,bucket=cache,access_key_id=AKIAEXAMPLE,secret_access_key=${key}`,
          'build-contexts': `assets=https://ci:${password}@assets.example.com/assets.tar`,
          username: 'ci',
          password: 'registry-password-5555',
        },
        shim,
      );
      expect(result.exitCode, result.log).toBe(0);
      expect(shim.calls().some((call) => call.includes(key) && call.includes(password))).toBe(true);
      expectNoLeak([key, password, 'registry-password-5555'], places(result));
    },
  );

  leak('build-push: a registry refusal whose body echoes the access token', async () => {
    const acr = await startAcrExchange({ accessToken: ENTRA_TOKEN, refreshToken: REFRESH_TOKEN, faults: ['401-echo'] });
    servers.push(acr);
    const result = await step(
      { image: `${acr.host}/team/web`, 'registry-type': 'acr', 'azure-access-token': ENTRA_TOKEN },
      dockerShim(),
    );
    expect(result.outputs['failure-reason']).toBe('cloud-error');
    expect(result.log).toContain('token rejected for request');
    expectNoLeak([ENTRA_TOKEN], places(result));
  });
});

describe('build-push faults end in an exact, reported state', () => {
  const acrStep = async (faults: ('503' | 'hang')[], extra: Record<string, string> = {}) => {
    const acr = await startAcrExchange({ accessToken: ENTRA_TOKEN, refreshToken: REFRESH_TOKEN, faults });
    servers.push(acr);
    const shim = dockerShim();
    const result = await step(
      { image: `${acr.host}/team/web`, 'registry-type': 'acr', 'azure-access-token': ENTRA_TOKEN, ...extra },
      shim,
    );
    return { acr, shim, result };
  };

  fault('build-push: ACR answers 503 once, then exchanges the token: the image is pushed', async () => {
    const { acr, shim, result } = await acrStep(['503']);
    expect(result.exitCode, result.log).toBe(0);
    expect(acr.requests).toEqual(['access_token 127.0.0.1', 'access_token 127.0.0.1']);
    expect(result.log).toContain('The ACR token exchange answered HTTP 503; asking again.');
    expect(shim.passwords()).toEqual([REFRESH_TOKEN]);
    expect(result.outputs.digest).toBe(SHIM_DIGEST);
    expect(result.outputs.image).toBe(`${acr.host}/team/web@${SHIM_DIGEST}`);
  });

  fault(
    'build-push: ACR never answers: the exchange is cut at request-timeout, nothing is built or pushed',
    async () => {
      const { acr, shim, result } = await acrStep(['hang'], { 'request-timeout': '1s' });
      expect(result.exitCode).toBe(1);
      expect(result.outputs['failure-reason']).toBe('timeout');
      expect(result.log).toContain(
        `The ACR token exchange at http://${acr.host}/oauth2/exchange did not answer within 1 s`,
      );
      expect(acr.requests).toHaveLength(1);
      expect(shim.calls().filter((call) => call.startsWith('login') || call.startsWith('buildx build'))).toEqual([]);
      expect(result.outputs.digest).toBeUndefined();
    },
    20_000,
  );

  fault(
    'build-push: ACR answers 503 three times: it fails after three tries, saying so, with nothing pushed',
    async () => {
      const { acr, shim, result } = await acrStep(['503', '503', '503']);
      expect(result.exitCode).toBe(1);
      expect(result.outputs['failure-reason']).toBe('cloud-error');
      expect(result.log).toContain('was refused (HTTP 503, try 3 of 3)');
      expect(acr.requests).toHaveLength(3);
      expect(shim.calls().filter((call) => call.startsWith('buildx build'))).toEqual([]);
    },
    20_000,
  );
});
