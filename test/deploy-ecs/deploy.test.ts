import { afterEach, describe, expect, it } from 'vitest';
import {
  failsToStart,
  listedRevisions,
  OOM,
  REGISTRY,
  startFixture,
  V1,
  V2,
  webTaskDefinition,
  type Fixture,
} from './fixture.js';
import { deploySteps } from './steps.js';

/** Scenarios of deploy-ecs's run() against the local ECS endpoint, read as a user reads the step. */

let fixture: Fixture;
afterEach(() => fixture?.close());

const WEB1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
const WEB2 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2';
const { deploy, deployV2, calls } = deploySteps(() => fixture);

describe('a healthy rollout', () => {
  it('registers the rendered revision, updates the service and succeeds when ECS completes the deployment', async () => {
    fixture = await startFixture();
    const step = await deploy({
      'task-definition': fixture.file('td.json', webTaskDefinition()),
      'container-name': 'web',
      image: V2,
    });
    expect(step.failed).toBe(false);
    expect(step.outputs).toMatchObject({
      'task-definition-arn': WEB2,
      'previous-task-definition-arn': WEB1,
      'rollout-state': 'COMPLETED',
      'rolled-back': 'false',
    });
    expect(step.outputs['deployment-id']).toMatch(/^ecs-svc\/\d{19}$/);
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB2);
    expect(step.log).toContain('deployment completed.');
    expect(step.summary).toContain('deploy-ecs: ✅ Succeeded');
    expect(step.summary).toContain('web:1 → web:2: COMPLETED');
  });

  it('succeeds by running counts where ECS sends no rolloutState', async () => {
    fixture = await startFixture({ rolloutState: false });
    const step = await deployV2();
    expect(step.failed).toBe(false);
    expect(fixture.ecs.service('default', 'web').deployments).toHaveLength(1);
  });

  it('updates several services to one revision and watches each', async () => {
    fixture = await startFixture();
    fixture.ecs.seedService({ name: 'web-canary', taskDefinition: WEB1, desiredCount: 1 });
    const step = await deployV2({ service: 'web\nweb-canary' });
    expect(step.failed).toBe(false);
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB2);
    expect(fixture.ecs.service('default', 'web-canary').taskDefinition).toBe(WEB2);
    expect(step.log).toMatch(/\[web-canary\] rollout completed/);
    expect(JSON.parse(step.outputs.services ?? '[]')).toHaveLength(2);
  });

  it('sets the image of each container of a multi-container task from images', async () => {
    fixture = await startFixture();
    const worker = `${REGISTRY}/worker@sha256:${'d'.repeat(64)}`;
    const step = await deploy({
      'task-definition': fixture.file('td.json', webTaskDefinition()),
      images: `web=${V2}\nworker=${worker}`,
    });
    expect(step.failed).toBe(false);
    const registered = fixture.ecs.definitions.get('web')?.at(-1);
    expect(registered?.containerDefinitions.map((c) => c.image)).toEqual([V2, worker]);
  });
});

describe('where the task definition comes from', () => {
  it('deploys a registered family:revision as it is, without a new revision', async () => {
    fixture = await startFixture();
    fixture.ecs.register(webTaskDefinition(V2));
    const step = await deploy({ 'task-definition': 'web:2' });
    expect(step.failed).toBe(false);
    expect(calls('RegisterTaskDefinition')).toHaveLength(0);
    expect(step.outputs['task-definition-arn']).toBe(WEB2);
    expect(step.log).toContain('deploying it as it is, no new revision');
  });

  it("starts from the service's current task definition when none is given, and tags the new revision", async () => {
    fixture = await startFixture();
    // No task-definition: revision 1, which the service runs, is the base of what is rendered.
    const fromTheService = {
      'container-name': 'web',
      image: V2,
      'environment-variables': 'FEATURE_FLAGS=a=1,b=2',
      'task-definition-tags': 'git-sha=0123abc\nteam=platform',
    };
    const step = await deploy(fromTheService);
    expect(step.failed).toBe(false);
    const registered = fixture.ecs.definitions.get('web')?.at(-1);
    expect(registered?.revision).toBe(2);
    expect(registered?.containerDefinitions[0]?.environment).toContainEqual({
      name: 'FEATURE_FLAGS',
      value: 'a=1,b=2',
    });
    expect(registered?.cpu).toBe('256');
    expect(fixture.ecs.tags.get(WEB2)).toEqual([
      { key: 'git-sha', value: '0123abc' },
      { key: 'team', value: 'platform' },
    ]);
  });

  it('registers a file saved from describe-task-definition, read-only fields and all', async () => {
    fixture = await startFixture();
    const described = {
      taskDefinition: {
        ...webTaskDefinition(V2),
        taskDefinitionArn: WEB1,
        revision: 1,
        status: 'ACTIVE',
        compatibilities: ['FARGATE'],
        registeredAt: 1767225600,
      },
    };
    const step = await deploy({ 'task-definition': fixture.file('described.json', described) });
    expect(step.failed).toBe(false);
    expect(calls('RegisterTaskDefinition')[0]?.result).toBe('ok');
  });
});

describe('a rollout whose tasks crash', () => {
  it('fails as soon as ECS marks it FAILED, naming the exit code and reason, and says ECS rolls back', async () => {
    fixture = await startFixture({ circuitBreaker: { enable: true, rollback: true } });
    fixture.ecs.behaviour = (td) => (td.containerDefinitions[0]?.image === V2 ? OOM : { kind: 'healthy' });
    const step = await deployV2();
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
    expect(step.outputs['rolled-back']).toBe('true');
    expect(step.log).toMatch(
      /::error::Rollout failed\. web: .*container web exited with code 137 \(OutOfMemoryError: Container killed due to memory usage\)/,
    );
    expect(step.log).toMatch(
      /stopped: task \w+ stopped \[EssentialContainerExited\]: Essential container in task exited/,
    );
    expect(step.summary).toContain('deploy-ecs: ❌ Failed');
    expect(step.summary).toContain('stopped tasks');
    // It did not wait for ECS to finish rolling back: the old revision is still rolling out again, or just done.
    const failedAt = [...fixture.ecs.failedAt.values()][0];
    expect(failedAt).toBeDefined();
  });

  it('without a circuit breaker, fails at max-failed-tasks and points the service back at the previous revision', async () => {
    fixture = await startFixture({ circuitBreaker: { enable: false, rollback: false } });
    fixture.ecs.behaviour = (td) =>
      td.containerDefinitions[0]?.image === V2 ? { ...OOM, exitCode: 1, reason: undefined } : { kind: 'healthy' };
    const step = await deployV2({ 'max-failed-tasks': '2' });
    expect(step.failed).toBe(true);
    expect(step.log).toContain('(max-failed-tasks is 2)');
    expect(step.log).toContain('exited with code 1');
    expect(step.outputs['rolled-back']).toBe('true');
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB1);
  });

  it('does not claim a rollback when another update overtakes the one pointing the service back', async () => {
    fixture = await startFixture({ circuitBreaker: { enable: false, rollback: false } });
    fixture.ecs.behaviour = (td) =>
      td.containerDefinitions[0]?.image === V2 ? { ...OOM, exitCode: 1, reason: undefined } : { kind: 'healthy' };
    // Someone else's revision (web:2) lands just as deploy-ecs points the service back at web:1.
    const other = fixture.ecs.register(webTaskDefinition(`${REGISTRY}/web:1.0.1`)).taskDefinitionArn;
    fixture.ecs.raceUpdateService({ whenAsked: WEB1, runs: other });
    const step = await deployV2({ 'max-failed-tasks': '2' });
    expect(step.failed).toBe(true);
    // The rollout of the new revision (web:3), then the point back at web:1, which web:2 overtook.
    expect(calls('UpdateService').map((c) => c.body.taskDefinition)).toEqual([WEB2.replace(':2', ':3'), WEB1]);
    expect(step.outputs['rolled-back']).toBe('false');
    expect(step.outputs['rollout-state']).toBe('NOT_PROVEN');
    expect(step.outputs['failure-reason']).toBe('not-proven');
    expect(step.log).toContain(
      `::error::service web runs revision web:2, which is NOT proven; rollback failed: pointing it back at web:1 started no deployment of that revision (ECS answered with web:2).`,
    );
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(other);
  });

  it('fails instead of watching another revision when another update overtakes its own', async () => {
    fixture = await startFixture();
    // Someone else's revision (web:2) lands just as deploy-ecs points the service at its new web:3.
    const other = fixture.ecs.register(webTaskDefinition(`${REGISTRY}/web:1.0.1`)).taskDefinitionArn;
    const web3 = WEB2.replace(':2', ':3');
    fixture.ecs.raceUpdateService({ whenAsked: web3, runs: other });
    const step = await deployV2();
    expect(calls('UpdateService').map((c) => c.body.taskDefinition)).toEqual([web3]);
    expect(step.failed).toBe(true);
    expect(step.log).toContain(`answered with a PRIMARY deployment of ${other}, not ${web3}`);
    // ECS accepted the update, so production changed; the revision it runs now is another caller's, which
    // deploy-ecs neither watched nor overrides: it says so.
    expect(step.outputs.changed).toBe('true');
    expect(step.outputs['failure-reason']).toBe('not-proven');
    expect(step.log).toContain(
      "service web runs revision web:2, which is NOT proven; rollback failed: another deployment (web:2) replaced this run's",
    );
    expect(step.outputs['rollout-state']).toBe('NOT_PROVEN');
    expect(step.summary).toContain('deploy-ecs: ❌ Failed');
  });

  it('leaves the failed revision in place when rollback-on-failure is false, and says so', async () => {
    fixture = await startFixture({ circuitBreaker: { enable: false, rollback: false } });
    fixture.ecs.behaviour = () =>
      failsToStart('CannotPullContainerError: pull image manifest has been retried 5 time(s): not found');
    const step = await deployV2({ 'rollback-on-failure': 'false' });
    expect(step.failed).toBe(true);
    expect(step.log).toContain('[TaskFailedToStart]: CannotPullContainerError');
    expect(step.outputs['rolled-back']).toBe('false');
    expect(step.outputs['rollout-state']).toBe('NOT_PROVEN');
    expect(step.summary).toContain(
      'service web runs revision web:2, which is NOT proven; rollback is off (rollback-on-failure: false).',
    );
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB2);
  });
});

describe('a rollout that never stabilises', () => {
  it.each([
    ['a bare number of minutes', { 'wait-for-minutes': '0.02' }],
    ['durations with units', { 'wait-for-minutes': '1s200ms', 'poll-interval': '100ms' }],
  ])('fails at wait-for-minutes with the counts and the pending state (%s)', async (_, timing) => {
    fixture = await startFixture();
    fixture.ecs.behaviour = (td) =>
      td.containerDefinitions[0]?.image === V2 ? { kind: 'pending' } : { kind: 'healthy' };
    const step = await deployV2(timing);
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('timeout');
    expect(step.log).toMatch(
      /::error::Rollout timed out\. web: The rollout did not finish within 1\.2 s: 0\/2 running, 2 pending, 0 failed/,
    );
  });
});

describe('errors from AWS', () => {
  it('reports access denied while polling at once, without retrying until the timeout', async () => {
    fixture = await startFixture();
    fixture.ecs.behaviour = () => ({ kind: 'pending' });
    const file = fixture.file('td.json', webTaskDefinition(V2));
    const before = fixture.ecs.calls.length;
    fixture.ecs.inject({ operation: 'DescribeServices', kind: 'access-denied', times: 1 });
    // The first DescribeServices (before registering) is the one denied: nothing is registered.
    const step = await deploy({ 'task-definition': file });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/ecs:DescribeServices failed: AccessDeniedException \(HTTP 400\)/);
    expect(step.log).toContain('add the action named above to its IAM policy');
    expect(fixture.ecs.calls.slice(before).map((c) => c.operation)).toEqual(['DescribeServices']);
  });

  it('stops watching at the first expired-credentials answer', async () => {
    fixture = await startFixture();
    fixture.ecs.behaviour = (td) =>
      td.containerDefinitions[0]?.image === V2 ? { kind: 'pending' } : { kind: 'healthy' };
    const file = fixture.file('td.json', webTaskDefinition(V2));
    const watch = deploy({ 'task-definition': file, 'wait-for-minutes': '5' });
    while (calls('UpdateService').length === 0) await new Promise((r) => setTimeout(r, 20));
    fixture.ecs.inject({ operation: 'DescribeServices', kind: 'expired-token', times: 1 });
    const step = await watch;
    expect(step.failed).toBe(true);
    expect(step.log).toContain('ExpiredTokenException');
    expect(step.outputs['failure-reason']).toBe('cloud-error');
  });

  it('rides out throttling, 500s and a dropped connection with the SDK retries', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({ operation: 'RegisterTaskDefinition', kind: 'throttle', times: 2 });
    fixture.ecs.inject({ operation: 'UpdateService', kind: 'server-error', times: 1 });
    fixture.ecs.inject({ operation: 'DescribeServices', kind: 'drop', times: 1 });
    const step = await deployV2();
    expect(step.failed).toBe(false);
    expect(calls('RegisterTaskDefinition').map((c) => c.result)).toEqual(['throttle', 'throttle', 'ok']);
    expect(calls('UpdateService').map((c) => c.result)).toEqual(['server-error', 'ok']);
  });

  it('changes nothing when the service does not exist and create-service is off', async () => {
    fixture = await startFixture();
    const step = await deployV2({ service: 'api' });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/Service 'api' was not found in cluster 'default' \(MISSING\)/);
    expect(calls('RegisterTaskDefinition')).toHaveLength(0);
  });

  it('names the cluster that does not exist', async () => {
    fixture = await startFixture();
    const step = await deployV2({ cluster: 'prod' });
    expect(step.log).toMatch(/ClusterNotFoundException.*Check the cluster name and the region/s);
  });
});

describe('creating the service', () => {
  it('creates a Fargate service with the circuit breaker on when it is missing', async () => {
    fixture = await startFixture();
    const step = await deployV2({
      service: 'api',
      'create-service': 'true',
      subnets: 'subnet-0123456789abcdef0\nsubnet-0fedcba9876543210',
      'security-groups': 'sg-0123456789abcdef0',
      'desired-count': '3',
      'container-name': 'web',
      'target-group-arn': 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef',
      'container-port': '8080',
    });
    expect(step.failed).toBe(false);
    const created = fixture.ecs.calls.find((c) => c.operation === 'CreateService')?.body;
    expect(created).toMatchObject({
      launchType: 'FARGATE',
      desiredCount: 3,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
          assignPublicIp: 'DISABLED',
        },
      },
      loadBalancers: [{ containerName: 'web', containerPort: 8080 }],
    });
    expect(step.outputs['previous-task-definition-arn']).toBe('');
    expect(fixture.ecs.service('default', 'api').runningCount).toBe(3);
  });
});

describe('the one-off task before the update', () => {
  it('runs the migration from the new revision with the command override, then updates the service', async () => {
    fixture = await startFixture();
    const step = await deployV2({ 'container-name': 'web', 'run-task-command': 'npm run migrate -- --to "v 2"' });
    expect(step.failed).toBe(false);
    const runTask = calls('RunTask')[0]?.body;
    expect(runTask).toMatchObject({
      taskDefinition: WEB2,
      overrides: { containerOverrides: [{ name: 'web', command: ['npm', 'run', 'migrate', '--', '--to', 'v 2'] }] },
    });
    // The service's own network configuration is used for the task.
    expect(runTask?.networkConfiguration).toMatchObject({
      awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'] },
    });
    // A JSON array of ARNs, as aws-actions/amazon-ecs-deploy-task-definition gives it.
    const [taskArn, ...more] = JSON.parse(step.outputs['run-task-arn'] ?? '[]') as string[];
    expect(taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/default\/\w+$/);
    expect(more).toEqual([]);
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB2);
  });

  it('fails with the exit code and reason, and does not update the service', async () => {
    fixture = await startFixture();
    fixture.ecs.oneOff = () => ({ exitCode: 3, reason: 'migration 042 failed' });
    const step = await deployV2({ 'run-task': 'true' });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(
      /The one-off task failed with exit code 3: .*container web exited with code 3 \(migration 042 failed\)/,
    );
    expect(step.log).toContain('The service was not updated');
    expect(calls('UpdateService')).toHaveLength(0);
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB1);
  });
});

describe('pruning old revisions', () => {
  /** Deploys the V2 file with deregister-old-revisions 2 and returns the revision numbers of web left ACTIVE. */
  async function activeAfterPruningToTwo() {
    const step = await deployV2({ 'deregister-old-revisions': '2' });
    expect(step.failed).toBe(false);
    return fixture.ecs.definitions
      .get('web')
      ?.filter((d) => d.status === 'ACTIVE')
      .map((d) => d.revision);
  }

  it('keeps the newest N ACTIVE revisions, and never the one rollback needs', async () => {
    fixture = await startFixture();
    for (let i = 0; i < 4; i++) fixture.ecs.register(webTaskDefinition(`${REGISTRY}/web:0.${i}`));
    const active = await activeAfterPruningToTwo();
    // 6 is new, 5 is the next newest; 1 is what the service ran before, kept for rollback.
    expect(active).toEqual([1, 5, 6]);
  });

  it.each(['string', 'reversed'] as const)(
    'sorts revisions by number itself when ECS lists them in %s order',
    async (order) => {
      fixture = await startFixture();
      // Revisions 2-10 exist, so string order puts web:10 next to web:1; the deploy registers 11.
      for (let i = 2; i <= 10; i++) fixture.ecs.register(webTaskDefinition(`${REGISTRY}/web:0.${i}`));
      fixture.ecs.listOrder = order;
      const listed = await listedRevisions(fixture, 'web', 'DESC');
      expect(listed).not.toEqual([...listed].sort((a, b) => b - a));
      const active = await activeAfterPruningToTwo();
      // 11 is new, 10 the next newest, 1 kept for rollback: whatever order the list came in.
      expect(active).toEqual([1, 10, 11]);
    },
  );
});

describe('invalid input', () => {
  it.each([
    [{ image: V2 }, /'image' needs 'container-name'/],
    [{ 'container-name': 'web', image: 'not an image' }, /not a valid image reference/],
    [{ 'wait-for-minutes': 'ten' }, /'wait-for-minutes' must be a duration such as .*\(a bare number is minutes\)/],
    [{ 'poll-interval': '10m' }, /'poll-interval' must be from 0\.05 seconds to 300 seconds, got '10m'/],
    [{ 'desired-count': '-1' }, /'desired-count' must be a whole number from 0/],
    [{ 'task-definition': 'missing/td.json' }, /neither a file nor a task definition/],
    [{ service: '', 'task-definition': '' }, /'service' is required/],
    [{ 'create-service': 'true' }, /'create-service' needs 'subnets'/],
    [{ 'environment-variables': 'NOT A PAIR' }, /line 1 is not KEY=value/],
    [{ images: `api=${V2}` }, /names container 'api'/],
  ])('%j fails before any call to AWS', async (inputs, message) => {
    fixture = await startFixture();
    const step = await deploy({ 'task-definition': fixture.file('td.json', webTaskDefinition(V1)), ...inputs });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toMatch(message);
    expect(fixture.ecs.calls).toHaveLength(0);
  });
});
