import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/deploy-ecs/main.js';
import { until } from '../fakes-ecs/client.js';
import { runInProcess } from '../helpers/in-process.js';
import { startLiveGate, versionAt, type LiveGate } from './live-gate.js';

/**
 * The gate against tasks that really serve, behind a load balancer that counts the requests each revision served
 * on each listener: production never reaches the revision waiting at the gate, and the one-step form probes the
 * test URL through the shared probe code and continues or rolls back in the same step.
 */

let live: LiveGate | undefined;
afterEach(async () => {
  await live?.close();
  live = undefined;
});

const deploy = (inputs: Record<string, string>) => runInProcess(run, inputs, live?.env);

async function started(): Promise<LiveGate> {
  live = await startLiveGate();
  const { lb } = live;
  await until(async () => ((await versionAt(lb.url).catch(() => '')) === '1.0.0' ? true : undefined), 30_000, 50);
  return live;
}

describe('the gate with real traffic', () => {
  it('holds production: 0 production requests reach the new revision while it waits at the gate', async () => {
    const { lb, inputs } = await started();
    const step = await deploy(inputs('hello:2'));
    expect(step.failed).toBe(false);
    expect(step.outputs.gate).toBe('paused');
    const testUrl = step.outputs['test-url'] ?? '';
    expect(testUrl).toBe(lb.testUrl);
    const production = await Promise.all(Array.from({ length: 10 }, () => versionAt(lb.url)));
    const test = await Promise.all(Array.from({ length: 4 }, () => versionAt(testUrl)));
    expect(new Set(production)).toEqual(new Set(['1.0.0']));
    expect(new Set(test)).toEqual(new Set(['2.0.0']));
    const served = lb.served();
    expect(served.production['hello:2'] ?? 0).toBe(0);
    expect(served.production['hello:1']).toBeGreaterThanOrEqual(10);
    expect(served.test['hello:2']).toBe(4);
    const answered = await deploy({ mode: 'rollback', cluster: 'default', service: 'hello', 'poll-interval': '0.1' });
    expect(answered.failed).toBe(true);
    expect(answered.outputs['rolled-back']).toBe('true');
    expect(await versionAt(lb.url)).toBe('1.0.0');
    expect(lb.served().production['hello:2'] ?? 0).toBe(0);
  }, 60_000);

  it('one-step form: a revision whose test probe passes is continued to production in the same step', async () => {
    const { lb, inputs } = await started();
    const step = await deploy(
      inputs('hello:2', {
        'gate-url-path': '/health',
        'gate-expect-json': 'version=2.0.0',
        'gate-probe-timeout': '10s',
        'gate-probe-interval': '0.2',
      }),
    );
    expect(step.failed).toBe(false);
    expect(step.outputs.gate).toBe('continued');
    expect(step.outputs['rollout-state']).toBe('COMPLETED');
    expect(step.log).toContain(`probing ${lb.testUrl}/health through the test listener`);
    expect(step.summary).toContain('✅');
    expect(step.summary).toContain(`${lb.testUrl}/health passed (200)`);
    expect(await versionAt(lb.url)).toBe('2.0.0');
  }, 60_000);

  it('one-step form: a revision whose test probe fails is rolled back, having served production 0 requests', async () => {
    const { lb, inputs } = await started();
    const step = await deploy(
      inputs('hello:bad', {
        'gate-url-path': '/health',
        'gate-probe-timeout': '1s',
        'gate-probe-interval': '0.2',
      }),
    );
    expect(step.failed).toBe(true);
    expect(step.outputs.gate).toBe('rolled-back');
    expect(step.outputs['rolled-back']).toBe('true');
    const error = step.log.split('\n').find((line) => line.startsWith('::error::')) ?? '';
    expect(error).toContain(`The test probe failed: ${lb.testUrl}/health did not pass within 1s`);
    expect(error).toContain('status 503');
    expect(error).toContain('ROLLBACK_SUCCESSFUL');
    // The load balancer counts by family:revision; the rejected image's revision is the one deployed.
    const rejected = (step.outputs['task-definition-arn'] ?? '').split('/').pop() ?? '';
    expect(rejected).toBe('hello:2');
    expect(lb.served().test[rejected]).toBeGreaterThan(0);
    expect(lb.served().production[rejected] ?? 0).toBe(0);
    expect(await versionAt(lb.url)).toBe('1.0.0');
  }, 60_000);
});
