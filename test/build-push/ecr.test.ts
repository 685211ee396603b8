import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/build-push/main.js';
import { awsEnvironment } from '../fakes/aws/json-server.js';
import { ACCOUNT, startEcr, type FakeEcr } from '../fakes/ecr/index.js';
import { startRegistry, type LocalRegistry } from '../fakes/registry/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { canBuild, useDockerFixture } from './context.js';

const events = join(import.meta.dirname, 'events');
const ECR_PASSWORD = 'eyJwYXlsb2FkIjoiZWNyLXRva2VuLXBhc3N3b3JkIn0-ecr-3x9';
const TOKEN = Buffer.from(`AWS:${ECR_PASSWORD}`).toString('base64');
const runLabel = `test.build-push.run=${crypto.randomUUID()}`;
const unmasked = (log: string) => log.replace(/^::add-mask::.*$/gm, '');

/**
 * ECR end to end: the fake ECR's GetAuthorizationToken gives the token whose password the local registry's
 * htpasswd accepts for user AWS, so the real SDK call, the token decoding and docker login are all exercised.
 * The registry is on 127.0.0.1, so registry-type: ecr names the login, as for ECR behind a proxy host.
 */
describe.skipIf(!canBuild())('build-push to ECR', () => {
  let ecr: FakeEcr;
  let registry: LocalRegistry;
  const fixture = useDockerFixture(runLabel, {
    start: async () => {
      [ecr, registry] = await Promise.all([
        startEcr({ password: ECR_PASSWORD, repositories: ['existing/api'] }),
        startRegistry({ AWS: ECR_PASSWORD }),
      ]);
    },
    hosts: () => [registry?.host],
    stop: () => Promise.all([ecr?.close(), registry?.stop()]),
  });

  const step = (inputs: Record<string, string>) =>
    runInProcess(
      run,
      {
        context: fixture().context,
        network: 'host',
        labels: runLabel,
        'registry-type': 'ecr',
        'registry-id': ACCOUNT,
        ...inputs,
      },
      {
        ...awsEnvironment({ ECR: ecr.url }),
        DOCKER_CONFIG: fixture().dockerConfig,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: join(events, 'push-main.json'),
      },
    );

  it('logs in with the ECR token, creates the missing repository and pushes; the token never shows', async () => {
    const result = await step({ image: `${registry.host}/hello/api`, 'create-repository': 'true', version: '2.0.0' });
    expect(result.failed, result.log).toBe(false);
    expect(ecr.calls.map((call) => `${call.operation}:${call.result}`)).toEqual([
      'GetAuthorizationToken:ok',
      'DescribeRepositories:RepositoryNotFoundException',
      'CreateRepository:ok',
    ]);
    expect(ecr.calls[0]?.body).toEqual({ registryIds: [ACCOUNT] });
    expect(ecr.repositories.has('hello/api')).toBe(true);
    expect(result.log).toContain("Created the ECR repository 'hello/api'");
    expect(result.log).toContain(`Logged in to ${registry.host} as AWS.`);
    expect(await registry.tags('hello/api', { username: 'AWS', password: ECR_PASSWORD })).toEqual([
      '2.0.0',
      'latest',
      'main',
      'sha-0123456',
    ]);
    expect(result.outputs.image).toMatch(new RegExp(`^${registry.host}/hello/api@sha256:[a-f0-9]{64}$`));
    expect(JSON.parse(result.outputs.metadata ?? '{}')).toMatchObject({ registryType: 'ecr' });
    for (const secret of [TOKEN, ECR_PASSWORD]) {
      expect(result.log).toContain(`::add-mask::${secret}`);
      expect(unmasked(result.log)).not.toContain(secret);
      expect(result.summary).not.toContain(secret);
    }
  });

  it('stops before building when the repository is missing and may not be created, saying how to fix it', async () => {
    ecr.calls.length = 0;
    const result = await step({ image: `${registry.host}/missing/api` });
    expect(result.failed).toBe(true);
    expect(result.outputs['failure-reason']).toBe('cloud-error');
    expect(result.log).toContain("The ECR repository 'missing/api' does not exist.");
    expect(result.log).toContain('create-repository: true');
    expect(result.log).not.toContain('Step 1/');
    expect(ecr.calls.map((call) => call.operation)).not.toContain('CreateRepository');
  });

  it('reports an AWS refusal of the token with the AWS error name', async () => {
    ecr.inject({ operation: 'GetAuthorizationToken', kind: 'access-denied', times: 1 });
    const result = await step({ image: `${registry.host}/existing/api` });
    expect(result.failed).toBe(true);
    expect(result.log).toContain('ecr:GetAuthorizationToken failed: AccessDeniedException');
  });
});
