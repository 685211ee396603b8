import { afterEach, describe, expect, it } from 'vitest';
import { productionUsers } from '../../scripts/demo/gate.js';
import { startHttp, type HttpFake } from '../fakes/http/server.js';
import { jqAndCurl } from '../helpers/prereq.js';
import { gateWorld, SHA, type GateWorld } from './gate-world.js';

// The pipeline's run: steps use jq (and curl for the webhook), as GitHub's runners have them.
const tools = jqAndCurl();

/**
 * ecs-pipeline.yml's deploy job with `strategy: CANARY` and `gate: test-traffic`, played with the real actions
 * against the local ECS whose tasks are real processes of the sample service, behind the local load balancer with
 * its production and test listeners (gate-world.ts). Production users call the service meanwhile; the load balancer
 * counts what each revision served on each listener.
 */

let w: GateWorld | undefined;
let health: HttpFake | undefined;
afterEach(async () => {
  await Promise.all([w?.close(), health?.close()]);
  w = health = undefined;
});

describe.skipIf(!tools.available)('ecs-pipeline.yml with gate: test-traffic', () => {
  it('proves a good canary through the test listener before production serves it, continues, proves production after the shift, marks it good', async () => {
    w = await gateWorld();
    const users = productionUsers(w.lb.url);
    const result = await w.release(2).finally(() => users.stop());
    expect(result.status, result.log).toBe('success');
    const order = ['deploy', 'gate-smoke', 'continue', 'url', 'smoke', 'mark-good', 'report'];
    expect(result.ran.filter((step) => order.includes(step))).toEqual(order);
    expect(result.ran).not.toContain('gate-rollback');
    expect(result.ran).not.toContain('rollback');
    const deploy = result.step('deploy')!;
    expect(deploy.outputs).toMatchObject({ gate: 'paused', 'test-url': w.lb.testUrl, changed: 'true' });
    expect(result.step('gate-smoke')!.inputs.url).toBe(`${w.lb.testUrl}/health`);
    expect(result.step('gate-smoke')!.outputs.passed).toBe('true');
    expect(result.step('continue')!.outputs.gate).toBe('continued');
    const green = deploy.outputs['task-definition-arn']!;
    expect(w.runs()).toBe(green);
    // Production reached the new revision only after the smoke test had proven it through the test listener.
    const revision = green.replace(/^.*\//, '');
    const log = w.lb.requests().filter((r) => r.revision === revision);
    const tested = log.filter((r) => r.listener === 'test').map((r) => r.at);
    const shifted = log.filter((r) => r.listener === 'production').map((r) => r.at);
    expect(tested.length).toBeGreaterThan(0);
    expect(shifted.length).toBeGreaterThan(0);
    expect(Math.min(...shifted)).toBeGreaterThan(Math.max(...tested));
    expect(result.outputs).toMatchObject({
      'rolled-back': 'false',
      url: `${w.lb.url}/health`,
      'deployed-revision': green,
    });
  }, 120_000);

  it('rolls back a canary that fails its smoke test through the test listener: 0 production requests served, the run fails with the reason', async () => {
    w = await gateWorld();
    const before = w.runs();
    const users = productionUsers(w.lb.url);
    const result = await w.release(3).finally(() => users.stop());
    expect(result.status).toBe('failure');
    const order = ['deploy', 'gate-smoke', 'gate-rollback', 'Fail the run after the gate rolled back', 'report'];
    expect(result.ran.filter((step) => order.includes(step))).toEqual(order);
    for (const step of ['continue', 'url', 'smoke', 'rollback', 'mark-good']) expect(result.ran).not.toContain(step);
    expect(result.step('gate-smoke')!.outputs).toMatchObject({ passed: 'false' });
    expect(result.step('gate-rollback')!.outputs).toMatchObject({ gate: 'rolled-back', 'rolled-back': 'true' });
    const rejected = result.step('deploy')!.outputs['task-definition-arn']!.replace(/^.*\//, '');
    const served = w.lb.served();
    expect(served.production[rejected] ?? 0).toBe(0);
    expect(served.production['hello:1']).toBeGreaterThan(0);
    expect(served.test[rejected]).toBeGreaterThan(0);
    expect(w.runs()).toBe(before);
    expect(result.outputs['rolled-back']).toBe('true');
    expect(result.log).toMatch(
      /::error::The new version failed the smoke test through the test listener \(\w[^)]*\) before any production request reached it; the deployment was rolled back\./,
    );
    expect(result.summary).toMatch(/\| production \| production\/hello \| .* \| rolled-back \|/);
  }, 120_000);

  it('puts the previous revision back when production fails its smoke test after the traffic shift', async () => {
    w = await gateWorld();
    const before = w.runs();
    health = await startHttp(() => ({ status: 503, body: { status: 'unhealthy', version: SHA } }));
    const result = await w.release(2, { healthUrl: `${health.url}/health` });
    expect(result.status).toBe('failure');
    const order = ['deploy', 'gate-smoke', 'continue', 'url', 'smoke', 'rollback', 'Fail the run after a rollback'];
    expect(result.ran.filter((step) => order.includes(step))).toEqual(order);
    expect(result.step('rollback')!.outputs, result.step('rollback')!.log).toMatchObject({
      outcome: 'rolled-back',
      'rolled-back-to': before,
    });
    expect(w.runs()).toBe(before);
  }, 180_000);
});
