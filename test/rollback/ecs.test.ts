import { afterEach, describe, expect, it } from 'vitest';
import { run as deployEcs } from '../../src/deploy-ecs/main.js';
import { run as rollback } from '../../src/rollback/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { runBundle } from '../helpers/runner.js';
import {
  failsToStart,
  listedRevisions,
  OOM,
  REGISTRY,
  startFixture,
  V2,
  webTaskDefinition,
  type Fixture,
} from '../deploy-ecs/fixture.js';

/** rollback against the local ECS endpoint, from the outputs of a real deploy-ecs run. */

let fixture: Fixture;
afterEach(() => fixture?.close());

const arn = (revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${revision}`;
const fast = { 'poll-interval': '0.1', cluster: 'default', service: 'web' };
const roll = (inputs: Record<string, string>) => runInProcess(rollback, { ...fast, ...inputs }, fixture.env);
const current = () => fixture.ecs.service('default', 'web').taskDefinition;
const updates = () => fixture.ecs.calls.filter((c) => c.operation === 'UpdateService');

/**
 * A service with a past: revisions 2 to `running` of web registered (image web:<n>.0.0), the `good` ones marked
 * known-good by rollback's mark-good mode, then `running` deployed by deploy-ecs.
 */
async function history({ good, running }: { good: number[]; running: number }) {
  fixture = await startFixture();
  for (let i = 2; i <= running; i++) fixture.ecs.register(webTaskDefinition(`${REGISTRY}/web:${i}.0.0`));
  for (const revision of good) await roll({ mode: 'mark-good', 'task-definition': `web:${revision}` });
  await runInProcess(deployEcs, { ...fast, 'task-definition': `web:${running}` }, fixture.env);
}

describe('rollback on ECS', () => {
  it('after a rollout that passed deploy-ecs but failed its smoke test, returns to the previous revision', async () => {
    fixture = await startFixture();
    const deployed = await runInProcess(
      deployEcs,
      { ...fast, 'task-definition': fixture.file('td.json', webTaskDefinition(V2)) },
      fixture.env,
    );
    expect(deployed.outputs['task-definition-arn']).toBe(arn(2));
    const step = await roll({
      'previous-task-definition-arn': deployed.outputs['previous-task-definition-arn'] ?? '',
      reason: 'smoke test failed: version 2.0.0 answered 500',
    });
    expect(step.failed).toBe(false);
    expect(step.outputs).toMatchObject({
      outcome: 'rolled-back',
      'rolled-back-to': arn(1),
      'rolled-back-from': arn(2),
      'rollout-state': 'COMPLETED',
    });
    expect(current()).toBe(arn(1));
    expect(step.summary).toContain('### rollback: ✅ Succeeded');
    expect(step.summary).toContain('smoke test failed: version 2.0.0 answered 500');
  });

  it('succeeds without a new deployment when the circuit breaker already put the previous revision back', async () => {
    fixture = await startFixture({ circuitBreaker: { enable: true, rollback: true } });
    fixture.ecs.behaviour = (td) => (td.containerDefinitions[0]?.image === V2 ? OOM : { kind: 'healthy' });
    const deployed = await runInProcess(
      deployEcs,
      { ...fast, 'task-definition': fixture.file('td.json', webTaskDefinition(V2)) },
      fixture.env,
    );
    expect(deployed.failed).toBe(true);
    // Let ECS finish its own rollback before ours looks.
    while (fixture.ecs.service('default', 'web').deployments.length > 1) await new Promise((r) => setTimeout(r, 50));
    const before = updates().length;
    const step = await roll({ 'previous-task-definition-arn': deployed.outputs['previous-task-definition-arn'] ?? '' });
    expect(step.failed).toBe(false);
    expect(step.outputs.outcome).toBe('already-current');
    expect(step.log).toContain('already runs web:1: no new deployment');
    expect(updates()).toHaveLength(before);
  });

  it('never returns to a revision that did not prove healthy: picks the newest known-good one', async () => {
    fixture = await startFixture();
    // 1 proved healthy (marked); 2 was deployed but never marked; 3 is what runs now and fails.
    await roll({ mode: 'mark-good' });
    expect(fixture.ecs.tags.get(arn(1))?.[0]?.key).toBe('deploy-actions:known-good');
    for (const version of ['2.0.0', '3.0.0']) {
      const step = await runInProcess(
        deployEcs,
        { ...fast, 'task-definition': fixture.file('td.json', webTaskDefinition(`${REGISTRY}/web:${version}`)) },
        fixture.env,
      );
      expect(step.failed).toBe(false);
    }
    const step = await roll({ 'previous-task-definition-arn': arn(2) });
    expect(step.outputs['rolled-back-to']).toBe(arn(1));
    expect(step.log).toContain('web:2 never proved healthy');
    expect(current()).toBe(arn(1));
  });

  it('with no previous revision given, returns to the newest earlier known-good revision', async () => {
    await history({ good: [2, 3], running: 4 });
    const step = await roll({});
    expect(step.outputs).toMatchObject({ 'rolled-back-to': arn(3), 'rolled-back-from': arn(4) });
  });

  it.each(['string', 'reversed'] as const)(
    'picks the newest known-good revision by number when ECS lists revisions in %s order',
    async (order) => {
      // 2, 9 and 10 proved healthy; 12 runs now. String order lists web:9 before web:10, reversed web:2 first.
      await history({ good: [2, 9, 10], running: 12 });
      fixture.ecs.listOrder = order;
      const listed = await listedRevisions(fixture, 'web', 'DESC');
      expect(listed).not.toEqual([...listed].sort((a, b) => b - a));
      const step = await roll({});
      expect(step.failed).toBe(false);
      expect(step.outputs).toMatchObject({ 'rolled-back-to': arn(10), 'rolled-back-from': arn(12) });
      expect(current()).toBe(arn(10));
    },
  );

  it('reports another update that overtakes its own instead of claiming the rollback', async () => {
    fixture = await startFixture();
    fixture.ecs.register(webTaskDefinition(V2));
    await runInProcess(deployEcs, { ...fast, 'task-definition': 'web:2' }, fixture.env);
    // Someone else's revision 3 lands just as rollback points the service at 1.
    fixture.ecs.register(webTaskDefinition(`${REGISTRY}/web:3.0.0`));
    fixture.ecs.raceUpdateService({ whenAsked: 'web:1', runs: 'web:3' });
    const step = await roll({ 'task-definition': 'web:1' });
    expect(step.failed).toBe(true);
    expect(updates().at(-1)?.body.taskDefinition).toBe(arn(1));
    expect(step.log).toContain(`answered with a PRIMARY deployment of ${arn(3)}, not ${arn(1)}`);
    expect(step.outputs['rollout-state']).toBeUndefined();
    expect(step.summary).toContain('### rollback: ❌ Failed');
    expect(current()).toBe(arn(3));
  });

  it('says clearly that a target does not exist, and changes nothing', async () => {
    fixture = await startFixture();
    const step = await roll({ 'task-definition': 'web:99' });
    expect(step.failed).toBe(true);
    expect(step.log).toContain("::error::Task definition 'web:99' does not exist: nothing was changed.");
    expect(updates()).toHaveLength(0);
    expect(step.summary).toContain('### rollback: ❌ Failed');
  });

  it('refuses a deregistered (INACTIVE) revision before changing anything, as ECS would refuse to deploy it', async () => {
    fixture = await startFixture();
    fixture.ecs.register(webTaskDefinition(V2));
    await runInProcess(deployEcs, { ...fast, 'task-definition': 'web:2' }, fixture.env);
    const first = fixture.ecs.definitions.get('web')?.[0];
    if (first) first.status = 'INACTIVE';
    const step = await roll({ 'previous-task-definition-arn': arn(1) });
    expect(step.failed).toBe(true);
    expect(step.log).toContain('web:1 (previous-task-definition-arn) is INACTIVE');
    expect(updates().filter((c) => c.body.taskDefinition === arn(1))).toHaveLength(0);
    expect(current()).toBe(arn(2));
  });

  it('returns to the newest known-good revision, sorted by number, when the previous one was deregistered', async () => {
    await history({ good: [1, 2], running: 4 });
    const third = fixture.ecs.definitions.get('web')?.[2];
    if (third) third.status = 'INACTIVE';
    const step = await roll({ 'previous-task-definition-arn': arn(3) });
    expect(step.failed).toBe(false);
    expect(step.log).toContain('web:3 was deregistered (INACTIVE): returning to web:2');
    expect(step.outputs).toMatchObject({ 'rolled-back-to': arn(2), 'rollout-state': 'COMPLETED' });
    expect(current()).toBe(arn(2));
  });

  it('refuses when nothing is known-good and no revision is given, and changes nothing', async () => {
    fixture = await startFixture();
    const step = await roll({});
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/No earlier revision of web is marked known-good/);
    expect(updates()).toHaveLength(0);
  });

  it('fails with the reasons when the revision it returns to does not start either', async () => {
    fixture = await startFixture({ circuitBreaker: { enable: false, rollback: false } });
    fixture.ecs.register(webTaskDefinition(V2));
    await runInProcess(deployEcs, { ...fast, 'task-definition': 'web:2' }, fixture.env);
    fixture.ecs.behaviour = () => failsToStart('ResourceInitializationError: unable to pull secrets');
    const step = await roll({ 'task-definition': 'web:1' });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/The rollback to web:1 failed too: .*ResourceInitializationError/);
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
  });

  it.each([
    [{ service: '' }, /Nothing says what to roll back/],
    [{ 'task-definition': 'web' }, /must be a task definition ARN or family:revision/],
    [{ mode: 'undo' }, /'mode' must be one of rollback, mark-good/],
    [
      { 'wait-for-minutes': '-3' },
      /'wait-for-minutes' must be a duration such as 500ms, 30s, 5m or 1m30s \(a bare number is minutes\), got '-3'/,
    ],
    [{ 'wait-for-minutes': '0' }, /'wait-for-minutes' must be from 0.01 minutes to 360 minutes, got '0'/],
    [{ 'poll-interval': '5 seconds' }, /'poll-interval' must be a duration such as .*\(a bare number is seconds\)/],
  ])('%j fails before any call to AWS', async (inputs, message) => {
    fixture = await startFixture();
    const step = await roll(inputs);
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(message);
    expect(fixture.ecs.calls).toHaveLength(0);
  });

  it('reads the service back when the answer to its update is lost: applied, it watches and proves it', async () => {
    await history({ good: [], running: 2 });
    fixture.ecs.inject({ operation: 'UpdateService', kind: 'apply-then-drop', times: 1 });
    // One try (the user's AWS_MAX_ATTEMPTS): the lost answer is not retried away.
    const step = await runInProcess(
      rollback,
      { ...fast, 'task-definition': 'web:1' },
      { ...fixture.env, AWS_MAX_ATTEMPTS: '1' },
    );
    expect(step.log).toContain("The answer to web's update was lost");
    expect(step.log).toContain(`web points at ${arn(1)}`);
    expect(step.failed).toBe(false);
    expect(step.outputs).toMatchObject({
      outcome: 'rolled-back',
      'rolled-back-to': arn(1),
      'rollout-state': 'COMPLETED',
    });
    expect(current()).toBe(arn(1));
  });

  it('reads the service back when the answer to its update is lost: not applied, it fails saying so', async () => {
    await history({ good: [], running: 2 });
    fixture.ecs.inject({ operation: 'UpdateService', kind: 'drop', times: 1 });
    const step = await runInProcess(
      rollback,
      { ...fast, 'task-definition': 'web:1' },
      { ...fixture.env, AWS_MAX_ATTEMPTS: '1' },
    );
    expect(step.failed).toBe(true);
    expect(step.log).toContain(`web points at ${arn(2)}: the update was not applied.`);
    expect(step.log).toMatch(/::error::ecs:UpdateService \(web\) failed/);
    expect(current()).toBe(arn(2));
  });

  it('runs as the bundle the runner runs', async () => {
    fixture = await startFixture();
    fixture.ecs.register(webTaskDefinition(V2));
    await runInProcess(deployEcs, { ...fast, 'task-definition': 'web:2' }, fixture.env);
    const step = await runBundle('rollback', {
      inputs: { ...fast, 'previous-task-definition-arn': arn(1) },
      env: fixture.env,
    });
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ outcome: 'rolled-back', 'rolled-back-to': arn(1) });
    expect(step.summary).toMatch(/^### rollback: ✅ Succeeded/);
  });
});
