import { afterEach, describe, expect, it } from 'vitest';
import { cancelRollback } from '../../src/deploy-ecs/cancel.js';
import { until } from '../fakes-ecs/client.js';
import { runInProcess } from '../helpers/in-process.js';
import { startGateFixture, type GateFixture } from './gate-fixture.js';
import { deploySteps } from './steps.js';

/**
 * A traffic-shifting deployment that cannot finish is stopped with StopServiceDeployment ROLLBACK: by the post step
 * of a run cancelled while it is in progress (at the gate here), and by the rollback after a failure while it is
 * still in progress (wait-for-minutes ran out at a stage held by a hook).
 */

let fixture: GateFixture;
afterEach(() => fixture?.close());
const { deployV2, calls } = deploySteps(() => fixture);
const web = () => fixture.ecs.service('default', 'web');
const WEB1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';

describe('a cancelled run', () => {
  it('stops the service deployment waiting at the gate with rollback, from its post step', async () => {
    fixture = await startGateFixture();
    const paused = await deployV2(fixture.inputs('BLUE_GREEN', { gate: 'test-traffic' }));
    expect(paused.outputs.gate).toBe('paused');
    const arn = paused.outputs['service-deployment-arn'] ?? '';
    // What the main step saved when the run was cancelled at the gate: the service, its previous revision, its
    // service deployment.
    const state = {
      rollback: JSON.stringify({
        cluster: 'default',
        services: [{ service: 'web', previous: WEB1, serviceDeploymentArn: arn }],
      }),
    };
    const post = await runInProcess(cancelRollback, { service: 'web' }, fixture.env, state);
    expect(post.failed).toBe(false);
    expect(post.log).toContain(
      `::warning::The run was cancelled during the rollout: web's service deployment ${arn} (IN_PROGRESS at POST_TEST_TRAFFIC_SHIFT) was stopped with rollback.`,
    );
    expect(post.summary).toContain("web's service deployment was stopped with rollback to web:1");
    expect(calls('StopServiceDeployment').map((c) => c.body)).toEqual([
      { serviceDeploymentArn: arn, stopType: 'ROLLBACK' },
    ]);
    expect(calls('UpdateService')).toHaveLength(1);
    await until(async () =>
      fixture.ecs.serviceDeployments.find(arn)?.status === 'ROLLBACK_SUCCESSFUL' ? true : undefined,
    );
    expect(web().taskDefinition).toBe(WEB1);
  });

  it('points a service back with UpdateService when its service deployment is already over', async () => {
    fixture = await startGateFixture();
    const done = await deployV2(fixture.inputs('BLUE_GREEN'));
    expect(done.failed).toBe(false);
    const state = {
      rollback: JSON.stringify({
        cluster: 'default',
        services: [{ service: 'web', previous: WEB1, serviceDeploymentArn: done.outputs['service-deployment-arn'] }],
      }),
    };
    const post = await runInProcess(cancelRollback, { service: 'web' }, fixture.env, state);
    expect(post.log).toContain(`web was pointed back at ${WEB1}`);
    expect(calls('StopServiceDeployment')).toHaveLength(0);
  });
});

describe('a failure while the service deployment is in progress', () => {
  it('stops it with rollback and reports the service back on its previous revision', async () => {
    fixture = await startGateFixture();
    Object.assign(web().deploymentConfiguration, {
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }],
    });
    const step = await deployV2(fixture.inputs('BLUE_GREEN', { 'wait-for-minutes': '0.02' }));
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('timeout');
    expect(step.log).toContain("stopping web's service deployment");
    expect(step.log).toContain('with rollback (StopServiceDeployment ROLLBACK)');
    expect(step.outputs['rolled-back']).toBe('true');
    expect(calls('StopServiceDeployment')).toHaveLength(1);
    // UpdateService once: the deploy; never a second deployment to put the old revision back.
    expect(calls('UpdateService')).toHaveLength(1);
    expect(step.log).toContain(
      '::notice::Every service this run changed is back on its previous revision, proven steady: web (web:1).',
    );
    expect(JSON.parse(step.outputs.services ?? '[]')).toMatchObject([{ service: 'web', rolledBackBy: 'deploy-ecs' }]);
    expect(fixture.ecs.serviceDeployments.find(step.outputs['service-deployment-arn'] ?? '')?.status).toBe(
      'ROLLBACK_SUCCESSFUL',
    );
    expect(web().taskDefinition).toBe(WEB1);
  });
});
