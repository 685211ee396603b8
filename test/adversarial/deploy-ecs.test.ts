import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { run as rollback } from '../../src/rollback/main.js';
import { OOM, REGISTRY, startFixture, V2, webTaskDefinition, type Fixture } from '../deploy-ecs/fixture.js';
import { deploySteps } from '../deploy-ecs/steps.js';
import { runInProcess } from '../helpers/in-process.js';
import { badInput, fault, leak } from './kinds.js';

/**
 * deploy-ecs and the rollback action's ECS target, tried as an adversary would: names and files that must never
 * reach ECS, secrets that must never leave the runner, and ECS (the local one, as strict as the real) failing
 * at every point after production changed.
 */

const WEB1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
const WEB2 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2';

let fixture: Fixture;
const { deploy, deployV2, calls } = deploySteps(() => fixture);
const rollBack = (inputs: Record<string, string>) =>
  runInProcess(rollback, { target: 'ecs', service: 'web', 'poll-interval': '0.1', ...inputs }, fixture.env);

describe('bad input: refused before any ECS request, the input named', () => {
  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(() => fixture.close());

  const file = () => fixture.file('td.json', webTaskDefinition(V2));
  const deployCases: [string, string, () => Record<string, string>][] = [
    ['a cluster name with a space', 'cluster', () => ({ cluster: 'prod cluster' })],
    ['a cluster name with a line break', 'cluster', () => ({ cluster: 'prod\n::error::forged' })],
    ['a service name with a dot', 'service', () => ({ service: 'web.api' })],
    ['a service name with a slash', 'service', () => ({ service: 'we/b' })],
    ['a Region in capitals', 'aws-region', () => ({ 'aws-region': 'US-EAST-1' })],
    ['a container name with a space', 'container-name', () => ({ 'container-name': 'web app', image: V2 })],
    ['an images line for a container name with a space', 'images (container)', () => ({ images: `web app=${V2}` })],
    [
      'an environment variable for a badly named container',
      'environment-variables (container of',
      () => ({
        'task-definition': file(),
        'environment-variables': 'api app:LOG_LEVEL=debug',
      }),
    ],
    [
      'an environment variable name with a space',
      'environment-variables',
      () => ({
        'task-definition': file(),
        'container-name': 'web',
        'environment-variables': 'LOG LEVEL=debug',
      }),
    ],
    [
      'a secret whose value is not a reference',
      'secrets (DB_PASSWORD)',
      () => ({
        'task-definition': file(),
        'container-name': 'web',
        secrets: 'DB_PASSWORD=correct horse battery staple',
      }),
    ],
    [
      'a task role that is not a role ARN',
      'task-role-arn',
      () => ({ 'task-definition': file(), 'task-role-arn': 'deploy' }),
    ],
    [
      'an execution role with a short account',
      'execution-role-arn',
      () => ({
        'task-definition': file(),
        'execution-role-arn': 'arn:aws:iam::12:role/x',
      }),
    ],
    [
      'a tag key in the aws: namespace',
      'task-definition-tags (key)',
      () => ({
        'task-definition': file(),
        'task-definition-tags': 'aws:owner=me',
      }),
    ],
    [
      'a tag value with a semicolon',
      'task-definition-tags (value of team)',
      () => ({
        'task-definition': file(),
        'task-definition-tags': 'team=a;b',
      }),
    ],
    [
      'a one-off task tag key in the aws: namespace',
      'run-task-tags (key)',
      () => ({
        'task-definition': file(),
        'run-task': 'true',
        'run-task-tags': '[{"key": "aws:x", "value": "1"}]',
      }),
    ],
    [
      'a load balancer ARN given as target group',
      'target-group-arn',
      () => ({
        'task-definition': file(),
        service: 'api',
        'create-service': 'true',
        subnets: 'subnet-0123456789abcdef0',
        'container-port': '8080',
        'target-group-arn': 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef',
      }),
    ],
    [
      'a subnet that is not a subnet id',
      'subnets',
      () => ({
        'task-definition': file(),
        service: 'api',
        'create-service': 'true',
        subnets: 'subnet-xyz',
      }),
    ],
    [
      'a security group that is not an id',
      'security-groups',
      () => ({
        'task-definition': file(),
        service: 'api',
        'create-service': 'true',
        subnets: 'subnet-0123456789abcdef0',
        'security-groups': 'sg-1',
      }),
    ],
    [
      'a one-off task subnet that is not an id',
      'run-task-subnets',
      () => ({
        'task-definition': file(),
        'run-task': 'true',
        'run-task-subnets': 'subnet-0123456789abcdef0\nsubnet-$(id)',
      }),
    ],
    [
      'a one-off task container with a semicolon',
      'run-task-container',
      () => ({
        'task-definition': file(),
        'run-task': 'true',
        'run-task-container': 'web;rm',
      }),
    ],
    [
      'a startedBy with an @',
      'run-task-started-by',
      () => ({
        'task-definition': file(),
        'run-task': 'true',
        'run-task-started-by': 'me@example.com',
      }),
    ],
    [
      'an env file given as an s3:// URL',
      'env-files',
      () => ({
        'task-definition': file(),
        'container-name': 'web',
        'env-files': 's3://bucket/app.env',
      }),
    ],
    [
      'a log driver ECS does not have',
      'log-configuration-log-driver',
      () => ({
        'task-definition': file(),
        'container-name': 'web',
        'log-configuration-log-driver': 'cloudwatch',
      }),
    ],
    [
      'a task definition file outside the workspace',
      'task-definition',
      () => ({ 'task-definition': '../../etc/passwd' }),
    ],
    ['a family with a revision in it', 'task-definition-family', () => ({ 'task-definition-family': 'web:1' })],
    ['a family:revision given as an ARN', 'task-definition-arn', () => ({ 'task-definition-arn': 'web:1' })],
    ['a request timeout of 0', 'request-timeout', () => ({ 'task-definition': file(), 'request-timeout': '0' })],
    ['a wait in words', 'wait-for-minutes', () => ({ 'task-definition': file(), 'wait-for-minutes': '5 minutes' })],
    [
      'an image with a workflow command after a line break',
      'image',
      () => ({
        'task-definition': file(),
        'container-name': 'web',
        image: `${V2}\n::set-output name=changed::false`,
      }),
    ],
    ['a teardown given an image', 'image', () => ({ mode: 'teardown', image: V2 })],
    ['a teardown told to create the service', 'create-service', () => ({ mode: 'teardown', 'create-service': 'true' })],
    [
      'a teardown given secret environment variables',
      'secret-environment-variables',
      () => ({
        mode: 'teardown',
        'secret-environment-variables': 'API_TOKEN=abc',
      }),
    ],
    ['a mode that does not exist', 'mode', () => ({ mode: 'delete', 'task-definition': file() })],
    [
      'a secret environment line without =',
      'secret-environment-variables',
      () => ({
        'task-definition': file(),
        'container-name': 'web',
        'secret-environment-variables': 'just-the-token-value',
      }),
    ],
  ];
  for (const [name, input, inputs] of deployCases) {
    badInput(`deploy-ecs: ${name}`, async () => {
      const before = fixture.ecs.calls.length;
      const step = await deploy(inputs());
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('invalid-input');
      expect(step.log).toContain(`Input '${input}`);
      expect(fixture.ecs.calls.length - before).toBe(0);
    });
  }

  const rollbackCases: [string, string, Record<string, string>][] = [
    ['a cluster name with a space', 'cluster', { cluster: 'a b' }],
    ['two services', 'service', { service: 'web\nweb-canary' }],
    ['a service ARN of another service type', 'service', { service: 'arn:aws:ecs:us-east-1:123456789012:task/web' }],
    ['a known-good tag in the aws: namespace', 'known-good-tag', { 'known-good-tag': 'aws:good' }],
    ['a Region that is not one', 'aws-region', { 'aws-region': 'mars-1' }],
    ['an Azure input on an ECS rollback', 'app-name', { 'app-name': 'web-prod' }],
    ['a GitOps input on an ECS rollback', 'revert', { revert: '0123abc' }],
    ['a request timeout of ten minutes', 'request-timeout', { 'request-timeout': '10m' }],
    ['a revision that is not one', 'previous-task-definition-arn', { 'previous-task-definition-arn': 'web' }],
  ];
  for (const [name, input, inputs] of rollbackCases) {
    badInput(`rollback (ecs): ${name}`, async () => {
      const before = fixture.ecs.calls.length;
      const step = await rollBack(inputs);
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('invalid-input');
      expect(step.log).toContain(`Input '${input}'`);
      expect(fixture.ecs.calls.length - before).toBe(0);
    });
  }

  badInput('rollback (azure): an ECS revision on an Azure rollback', async () => {
    const before = fixture.ecs.calls.length;
    const step = await runInProcess(
      rollback,
      { target: 'azure', 'app-name': 'web-prod', 'previous-image': V2, 'previous-task-definition-arn': WEB1 },
      fixture.env,
    );
    expect(step.failed).toBe(true);
    expect(step.log).toContain("Input 'previous-task-definition-arn' is for target ecs");
    expect(fixture.ecs.calls.length - before).toBe(0);
  });
});

/** Everything that leaves the runner: outputs, summary, and the log but for the ::add-mask:: commands themselves. */
function leaving(step: { log: string; summary: string; outputs: Record<string, string> }): string {
  return [step.log.replace(/^::add-mask::.*$/gm, ''), step.summary, JSON.stringify(step.outputs)].join('\n');
}

/** The forms a value is printed in: raw, JSON-escaped, URL-encoded. */
function forms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
}

function expectAbsent(step: Parameters<typeof leaving>[0], secret: string): void {
  expect(step.log).toContain(`::add-mask::${secret}`);
  const text = leaving(step);
  for (const form of forms(secret)) expect(text).not.toContain(form);
}

describe('leak: a secret given to deploy-ecs never leaves the runner', () => {
  afterEach(() => fixture?.close());

  leak('a secret-environment-variables value, whatever its name, on a successful deploy', async () => {
    fixture = await startFixture();
    const secret = 'leak1-"quoted"\\path/ü';
    const step = await deployV2({ 'container-name': 'web', 'secret-environment-variables': `GREETING=${secret}` });
    expect(step.failed).toBe(false);
    // It reached the task definition, as asked.
    expect(fixture.ecs.definitions.get('web')?.at(-1)?.containerDefinitions[0]?.environment).toContainEqual({
      name: 'GREETING',
      value: secret,
    });
    expectAbsent(step, secret);
  });

  leak('an environment variable named like a credential', async () => {
    fixture = await startFixture();
    const secret = 'leak2-s3cr3t&value=1';
    const step = await deployV2({ 'container-name': 'web', 'environment-variables': `DB_PASSWORD=${secret}` });
    expect(step.failed).toBe(false);
    expectAbsent(step, secret);
  });

  leak("another container's variable named like a credential", async () => {
    fixture = await startFixture();
    const secret = 'leak3-worker-token-0123456789';
    const step = await deployV2({ 'environment-variables': `worker:API_TOKEN=${secret}` });
    expect(step.failed).toBe(false);
    expectAbsent(step, secret);
  });

  leak('a secret that ECS quotes, JSON-escaped, in a refusal of the task definition', async () => {
    fixture = await startFixture();
    const secret = 'leak4-"json"\\escaped';
    const quoted = JSON.stringify({ name: 'GREETING', value: secret });
    fixture.ecs.inject({
      operation: 'RegisterTaskDefinition',
      kind: 'error',
      times: 1,
      error: { type: 'ClientException', message: `Container.environment is invalid: ${quoted}` },
    });
    const step = await deployV2({ 'container-name': 'web', 'secret-environment-variables': `GREETING=${secret}` });
    expect(step.failed).toBe(true);
    expect(step.log).toContain('ecs:RegisterTaskDefinition failed: ClientException');
    expect(step.log).toContain('"value":"***"');
    expectAbsent(step, secret);
  });

  leak('a secret that ECS quotes, URL-encoded, in a refusal of the update', async () => {
    fixture = await startFixture();
    const secret = 'leak5 url&encoded=yes';
    fixture.ecs.inject({
      operation: 'UpdateService',
      kind: 'error',
      times: 1,
      error: { type: 'InvalidParameterException', message: `Invalid request: ${encodeURIComponent(secret)}` },
    });
    const step = await deployV2({ 'container-name': 'web', 'secret-environment-variables': `TOKEN=${secret}` });
    expect(step.failed).toBe(true);
    expect(step.outputs.changed).toBe('false');
    expectAbsent(step, secret);
  });

  leak('a secret that ECS quotes in a failed rollback, in the NOT proven report and its outputs', async () => {
    fixture = await startFixture({ circuitBreaker: { enable: false, rollback: false } });
    fixture.ecs.behaviour = (td) => (td.containerDefinitions[0]?.image === V2 ? OOM : { kind: 'healthy' });
    const secret = 'leak6-rollback-echo';
    fixture.ecs.inject({
      operation: 'UpdateService',
      kind: 'error',
      times: 1,
      after: 'UpdateService',
      error: { type: 'InvalidParameterException', message: `Cannot update: environment SESSION_KEY=${secret}` },
    });
    const step = await deployV2({ 'container-name': 'web', 'environment-variables': `SESSION_KEY=${secret}` });
    expect(step.outputs['rollout-state']).toBe('NOT_PROVEN');
    expect(step.summary).toContain('SESSION_KEY=***');
    expectAbsent(step, secret);
  });

  leak('a secret value pasted where a secret reference belongs', async () => {
    fixture = await startFixture();
    const secret = 'leak7 pasted password';
    const step = await deployV2({ 'container-name': 'web', secrets: `DB_PASSWORD=${secret}` });
    expect(step.failed).toBe(true);
    expect(calls('RegisterTaskDefinition')).toHaveLength(0);
    expectAbsent(step, secret);
  });

  leak('a malformed secret-environment-variables line', async () => {
    fixture = await startFixture();
    const secret = 'leak8-bare-token-without-a-name';
    const step = await deployV2({ 'container-name': 'web', 'secret-environment-variables': secret });
    expect(step.failed).toBe(true);
    expectAbsent(step, secret);
  });
});

/** What the local ECS says the service points at now. */
const runs = (service = 'web') => fixture.ecs.service('default', service).taskDefinition;
const healthyExceptV2 = (td: { containerDefinitions: { image?: string }[] }) =>
  td.containerDefinitions[0]?.image === V2 ? OOM : ({ kind: 'healthy' } as const);

describe('fault: ECS failing around the change ends in an exact state', () => {
  afterEach(() => fixture?.close());

  fault('throttling on the update is ridden out: web runs web:2, proven', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({ operation: 'UpdateService', kind: 'throttle', times: 3 });
    const step = await deployV2();
    expect(step.failed).toBe(false);
    expect(calls('UpdateService').map((c) => c.result)).toEqual(['throttle', 'throttle', 'throttle', 'ok']);
    expect(runs()).toBe(WEB2);
    expect(step.outputs).toMatchObject({ changed: 'true', 'rollout-state': 'COMPLETED', 'rolled-back': 'false' });
  });

  fault('5xx answers while watching are ridden out: web runs web:2, proven', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({ operation: 'DescribeServices', kind: 'server-error', times: 2, after: 'UpdateService' });
    const step = await deployV2();
    expect(step.failed).toBe(false);
    expect(calls('DescribeServices').filter((c) => c.result === 'server-error')).toHaveLength(2);
    expect(runs()).toBe(WEB2);
  });

  fault('a reset before the registration is retried: one new revision, web runs it', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({ operation: 'RegisterTaskDefinition', kind: 'drop', times: 1 });
    const step = await deployV2();
    expect(step.failed).toBe(false);
    expect(fixture.ecs.definitions.get('web')?.map((d) => d.revision)).toEqual([1, 2]);
    expect(runs()).toBe(WEB2);
  });

  fault('a call hung past request-timeout is cut and retried: web runs web:2, proven', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({ operation: 'DescribeServices', kind: 'hang', times: 1, after: 'UpdateService' });
    const step = await deployV2({ 'request-timeout': '300ms' });
    expect(step.failed).toBe(false);
    expect(calls('DescribeServices').map((c) => c.result)).toContain('hang');
    expect(runs()).toBe(WEB2);
  });

  fault('a call hung past the deadline is cut, named, and the service put back and proven', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({ operation: 'DescribeServices', kind: 'hang', times: 1, after: 'UpdateService' });
    const step = await deployV2({ 'wait-for-minutes': '1500ms' });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(
      /ecs:DescribeServices was cut at the deadline \(wait-for-minutes\) after waiting [\d.]+ m?s/,
    );
    expect(runs()).toBe(WEB1);
    expect(step.outputs).toMatchObject({
      changed: 'true',
      'rolled-back': 'true',
      'rollout-state': 'FAILED',
      'failure-reason': 'timeout',
    });
    expect(step.summary).toContain('rolled back by deploy-ecs');
  });

  fault('a lost answer to an update that was applied: the read-back finds web:2, and it is proven', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({ operation: 'UpdateService', kind: 'apply-then-drop', times: 1 });
    const step = await deployV2({ 'max-retries': '0' });
    expect(step.failed).toBe(false);
    expect(step.log).toContain('web points at arn:aws:ecs:us-east-1:123456789012:task-definition/web:2');
    expect(step.log).toContain('the update was applied');
    expect(runs()).toBe(WEB2);
    expect(step.outputs).toMatchObject({ changed: 'true', 'rollout-state': 'COMPLETED' });
  });

  fault('a lost answer to an update that was not applied: nothing changed, said so', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({ operation: 'UpdateService', kind: 'drop', times: 1 });
    const step = await deployV2({ 'max-retries': '0' });
    expect(step.failed).toBe(true);
    expect(step.log).toContain('web still points at arn:aws:ecs:us-east-1:123456789012:task-definition/web:1');
    expect(step.log).toMatch(
      /::error::ecs:UpdateService \(web\) failed: .* DescribeServices shows web still points at web:1: the update was not applied, nothing was changed\./,
    );
    expect(runs()).toBe(WEB1);
    expect(calls('UpdateService')).toHaveLength(1);
    expect(step.outputs).toMatchObject({ changed: 'false', 'rolled-back': 'false', 'failure-reason': 'cloud-error' });
  });

  fault('a lost answer and a failed read-back: counted as changed, put back on web:1 and proven', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({ operation: 'UpdateService', kind: 'apply-then-drop', times: 1 });
    // The DescribeServices after the registration is the read-back (the services were found before it).
    fixture.ecs.inject({
      operation: 'DescribeServices',
      kind: 'server-error',
      times: 1,
      after: 'RegisterTaskDefinition',
    });
    const step = await deployV2({ 'max-retries': '0' });
    expect(step.failed).toBe(true);
    expect(step.log).toContain('web could not be read back');
    expect(calls('UpdateService').map((c) => c.body.taskDefinition)).toEqual([WEB2, WEB1]);
    expect(runs()).toBe(WEB1);
    expect(step.outputs).toMatchObject({ changed: 'true', 'rolled-back': 'true', 'rollout-state': 'FAILED' });
  });

  fault('DescribeServices failing after the update, then answering: web put back on web:1 and proven', async () => {
    fixture = await startFixture();
    // Five failed attempts: one whole DescribeServices call, retries included.
    fixture.ecs.inject({ operation: 'DescribeServices', kind: 'server-error', times: 5, after: 'UpdateService' });
    const step = await deployV2();
    expect(step.failed).toBe(true);
    expect(calls('UpdateService').map((c) => c.body.taskDefinition)).toEqual([WEB2, WEB1]);
    expect(runs()).toBe(WEB1);
    expect(step.outputs).toMatchObject({ changed: 'true', 'rolled-back': 'true', 'failure-reason': 'cloud-error' });
  });

  fault('DescribeServices failing for good after the update: pointed back, reported NOT proven', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({
      operation: 'DescribeServices',
      kind: 'server-error',
      times: Number.POSITIVE_INFINITY,
      after: 'UpdateService',
    });
    const step = await deployV2({ 'max-retries': '1' });
    expect(step.failed).toBe(true);
    expect(runs()).toBe(WEB1);
    const report =
      'service web runs revision web:1, which is NOT proven; rollback failed: ecs:DescribeServices failed: ServerException (HTTP 500) (2 attempts): Service Unavailable. Please try again later.';
    expect(step.summary).toContain(report);
    expect(step.log).toContain(`::error::${report}`);
    expect(step.outputs).toMatchObject({
      changed: 'true',
      'rolled-back': 'false',
      'rollout-state': 'NOT_PROVEN',
      'failure-reason': 'not-proven',
    });
    expect(JSON.parse(step.outputs.services ?? '[]')[0]).toMatchObject({ notProven: report });
  });

  fault(
    "the second service's update refused: the first put back on web:1 and proven, the second untouched",
    async () => {
      fixture = await startFixture();
      fixture.ecs.seedService({ name: 'web-canary', taskDefinition: WEB1, desiredCount: 1 });
      fixture.ecs.inject({
        operation: 'UpdateService',
        kind: 'access-denied',
        times: 1,
        match: (body) => body.service === 'web-canary',
      });
      const step = await deployV2({ service: 'web\nweb-canary' });
      expect(step.failed).toBe(true);
      expect(runs('web')).toBe(WEB1);
      expect(runs('web-canary')).toBe(WEB1);
      expect(fixture.ecs.service('default', 'web').deployments[0]?.rolloutState).toBe('COMPLETED');
      expect(step.outputs).toMatchObject({ changed: 'true', 'rolled-back': 'true', 'failure-reason': 'cloud-error' });
      expect(JSON.parse(step.outputs.services ?? '[]')).toMatchObject([
        { service: 'web', changed: true, rolledBackBy: 'deploy-ecs' },
        { service: 'web-canary', changed: false },
      ]);
      expect(step.summary).toContain('not changed: still runs web:1');
    },
  );

  fault('the rollback call refused: web left on web:2, reported NOT proven with the reason', async () => {
    fixture = await startFixture({ circuitBreaker: { enable: false, rollback: false } });
    fixture.ecs.behaviour = healthyExceptV2;
    fixture.ecs.inject({ operation: 'UpdateService', kind: 'access-denied', times: 1, after: 'UpdateService' });
    const step = await deployV2({ 'max-failed-tasks': '1' });
    expect(step.failed).toBe(true);
    expect(runs()).toBe(WEB2);
    expect(step.log).toContain(
      '::error::service web runs revision web:2, which is NOT proven; rollback failed: ecs:UpdateService (web, back to web:1) failed: AccessDeniedException (HTTP 400)',
    );
    expect(step.outputs).toMatchObject({ 'rolled-back': 'false', 'rollout-state': 'NOT_PROVEN' });
  });

  fault('a failed one-off task before the update: nothing changed', async () => {
    fixture = await startFixture();
    fixture.ecs.oneOff = () => ({ exitCode: 2, reason: 'migration failed' });
    const step = await deployV2({ 'run-task': 'true' });
    expect(step.failed).toBe(true);
    expect(calls('UpdateService')).toHaveLength(0);
    expect(runs()).toBe(WEB1);
    expect(step.outputs).toMatchObject({ changed: 'false', 'rolled-back': 'false' });
  });

  fault('a created service that fails: no earlier revision, reported NOT proven', async () => {
    fixture = await startFixture();
    fixture.ecs.behaviour = healthyExceptV2;
    const step = await deployV2({
      service: 'api',
      'create-service': 'true',
      subnets: 'subnet-0123456789abcdef0',
      'max-failed-tasks': '1',
    });
    expect(step.failed).toBe(true);
    expect(runs('api')).toBe(WEB2);
    expect(step.summary).toContain(
      'service api runs revision web:2, which is NOT proven; rollback failed: the service was created by this run, it has no earlier revision.',
    );
    expect(step.outputs).toMatchObject({ changed: 'true', 'failure-reason': 'not-proven' });
  });

  fault('the changed output is written the moment ECS accepts the update, before the watch ends', async () => {
    fixture = await startFixture();
    fixture.ecs.behaviour = () => ({ kind: 'healthy', startMs: 1500 });
    const step = deployV2();
    while (calls('UpdateService').length === 0 || calls('DescribeServices').length < 3)
      await new Promise((r) => setTimeout(r, 20));
    // Mid-watch: the step's output file already says so (a cancelled run keeps it).
    expect(readFileSync(process.env.GITHUB_OUTPUT as string, 'utf8')).toMatch(/^changed<<.*\ntrue\n/m);
    expect((await step).outputs.changed).toBe('true');
  });

  fault('the rollback action: a DescribeServices hung past its deadline is cut and named', async () => {
    fixture = await startFixture();
    fixture.ecs.register(webTaskDefinition(`${REGISTRY}/web:1.0.1`));
    fixture.ecs.inject({ operation: 'DescribeServices', kind: 'hang', times: 1, after: 'UpdateService' });
    const step = await rollBack({ 'task-definition': 'web:2', 'wait-for-minutes': '1500ms' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('timeout');
    expect(step.log).toMatch(/ecs:DescribeServices was cut at the deadline \(wait-for-minutes\)/);
    expect(runs()).toBe(WEB2);
  });

  fault('teardown: a DescribeServices hung past the deadline is cut and named; the delete stands', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({ operation: 'DescribeServices', kind: 'hang', times: 1, after: 'DeleteService' });
    const step = await deploy({ mode: 'teardown', 'wait-for-minutes': '1s' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('timeout');
    expect(step.log).toMatch(/ecs:DescribeServices was cut at the deadline \(wait-for-minutes\)/);
    expect(calls('DeleteService').map((c) => c.result)).toEqual(['ok']);
    expect(fixture.ecs.service('default', 'web').status).not.toBe('ACTIVE');
  });
});
