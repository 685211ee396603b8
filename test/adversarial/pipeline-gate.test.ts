import { afterEach, describe, expect } from 'vitest';
import { productionUsers } from '../../scripts/demo/gate.js';
import { jqAndCurl } from '../helpers/prereq.js';
import { gateWorld, type GateWorld } from '../pipelines/gate-world.js';
import { fault } from './kinds.js';

// The pipeline's run: steps use jq (and curl for the webhook), as GitHub's runners have them.
const tools = jqAndCurl();

/**
 * ecs-pipeline.yml's test-traffic gate attacked: the run cancelled at the gate, ECS throttling the answer, the
 * rollback's answer refused. Played with the real actions against the local ECS with real tasks and the local load
 * balancer (test/pipelines/gate-world.ts), production users calling the service all along; each ends in an exact
 * state, and production never served a request from a revision the gate did not pass.
 */

let w: GateWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const revisionOf = (arn: string | undefined) => (arn ?? '').replace(/^.*\//, '');

describe.skipIf(!tools.available)('ecs-pipeline.yml with gate: test-traffic', () => {
  fault(
    'the run is cancelled at the gate (during the test-traffic smoke test): the deployment is rolled back, production served 0 requests from it',
    async () => {
      w = await gateWorld();
      const before = w.runs();
      const users = productionUsers(w.lb.url);
      const result = await w.release(2, { cancelDuring: 'gate-smoke' }).finally(() => users.stop());
      expect(result.status).toBe('cancelled');
      expect(result.ran).toContain('gate-rollback');
      for (const step of ['continue', 'url', 'smoke', 'mark-good', 'Fail the run after the gate rolled back'])
        expect(result.ran).not.toContain(step);
      expect(result.step('gate-rollback')!.outputs).toMatchObject({ gate: 'rolled-back', 'rolled-back': 'true' });
      expect(w.runs()).toBe(before);
      const cancelled = revisionOf(result.step('deploy')!.outputs['task-definition-arn']);
      expect(w.lb.served().production[cancelled] ?? 0).toBe(0);
      expect(result.outputs['rolled-back']).toBe('true');
    },
    120_000,
  );

  fault(
    'ECS throttles ContinueServiceDeployment twice: the answer is retried and the canary reaches production',
    async () => {
      w = await gateWorld();
      w.ecs.inject({ operation: 'ContinueServiceDeployment', kind: 'throttle', times: 2 });
      const result = await w.release(2);
      expect(result.status, result.log).toBe('success');
      const answers = w.ecs.calls.filter((c) => c.operation === 'ContinueServiceDeployment').map((c) => c.result);
      expect(answers).toEqual(['throttle', 'throttle', 'ok']);
      expect(result.step('continue')!.outputs.gate).toBe('continued');
      expect(w.runs()).toBe(result.step('deploy')!.outputs['task-definition-arn']);
    },
    120_000,
  );

  fault(
    'ECS refuses the gate rollback (ContinueServiceDeployment ROLLBACK fails with 500s): the rollback step puts the previous revision back and the run says so',
    async () => {
      w = await gateWorld();
      const before = w.runs();
      w.ecs.inject({
        operation: 'ContinueServiceDeployment',
        kind: 'server-error',
        times: Number.POSITIVE_INFINITY,
        match: (body) => body.action === 'ROLLBACK',
      });
      const result = await w.release(3);
      expect(result.status).toBe('failure');
      expect(result.step('gate-rollback')!.outcome).toBe('failure');
      expect(result.step('gate-rollback')!.outputs['rolled-back']).not.toBe('true');
      expect(result.step('rollback')!.outputs, result.step('rollback')!.log).toMatchObject({
        outcome: 'rolled-back',
        'rolled-back-to': before,
      });
      expect(w.runs()).toBe(before);
      expect(result.ran).toContain('Fail the run after the gate rolled back');
      expect(result.log).toMatch(
        /::error::The new version failed the smoke test through the test listener .* the deployment was rolled back\./,
      );
    },
    180_000,
  );
});
