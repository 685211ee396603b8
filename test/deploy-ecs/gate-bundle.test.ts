import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandFile, runBundle } from '../helpers/runner.js';
import { V2, webTaskDefinition } from './fixture.js';
import { startGateFixture, type GateFixture } from './gate-fixture.js';

/**
 * actions/deploy-ecs/dist with the test-traffic gate, run as the runner runs it (Node 24, INPUT_* variables with
 * action.yml's defaults as the runner passes them, runner files): the two-step gate, and a run cancelled while the
 * service deployment is held at a stage.
 */

let fixture: GateFixture;
afterEach(() => fixture?.close());

/** What the runner passes for inputs the workflow leaves out (action.yml's defaults). */
const DEFAULTS = {
  mode: 'deploy',
  cluster: 'default',
  'wait-for-service-stability': 'true',
  gate: 'none',
  'gate-timeout': '60m',
  'gate-timeout-action': 'ROLLBACK',
  'alarm-rollback': 'true',
  'rollback-on-cancel': 'true',
};

const WEB1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
const WEB2 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2';

describe('the deploy-ecs bundle with the gate', () => {
  it('pauses at the gate in one step and continues in the next', async () => {
    fixture = await startGateFixture();
    const inputs = {
      ...DEFAULTS,
      service: 'web',
      'poll-interval': '0.1',
      'task-definition': fixture.file('td.json', webTaskDefinition(V2)),
      ...fixture.inputs('BLUE_GREEN', { gate: 'test-traffic' }),
    };
    const paused = await runBundle('deploy-ecs', { inputs, env: fixture.env });
    expect(paused.exitCode).toBe(0);
    expect(paused.outputs).toMatchObject({
      gate: 'paused',
      'test-url': fixture.testUrl,
      'rollout-state': 'IN_PROGRESS',
    });
    expect(paused.summary).toMatch(/^### deploy-ecs: ✅ Succeeded/);
    const arn = paused.outputs['service-deployment-arn'] ?? '';
    const answered = await runBundle('deploy-ecs', {
      inputs: { ...DEFAULTS, mode: 'continue', service: 'web', 'service-deployment-arn': arn, 'poll-interval': '0.1' },
      env: fixture.env,
    });
    expect(answered.exitCode).toBe(0);
    expect(answered.outputs).toMatchObject({
      gate: 'continued',
      'rollout-state': 'COMPLETED',
      'service-deployment-arn': arn,
      'task-definition-arn': WEB2,
      'previous-task-definition-arn': WEB1,
    });
    expect(answered.summary).toMatch(/^### deploy-ecs gate: ✅ Succeeded/);
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB2);
  });

  it('stops the service deployment with rollback from its post step when the run is cancelled at a stage', async () => {
    fixture = await startGateFixture();
    // Held at POST_SCALE_UP by a hook nobody answers: the run is cancelled there.
    Object.assign(fixture.ecs.service('default', 'web').deploymentConfiguration, {
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }],
    });
    const inputs = {
      ...DEFAULTS,
      service: 'web',
      'poll-interval': '0.1',
      'task-definition': fixture.file('td.json', webTaskDefinition(V2)),
      ...fixture.inputs('LINEAR', { 'linear-percent': '25' }),
    };
    let stateFile = '';
    const main = await runBundle('deploy-ecs', {
      inputs,
      env: fixture.env,
      onFiles: (files) => (stateFile = files.state),
      onSpawn: (child) => {
        // The runner cancels a step with SIGINT; here once the state names the service deployment and the
        // deployment is held at POST_SCALE_UP.
        const timer = setInterval(() => {
          const held = [...fixture.ecs.serviceDeployments.records].some((r) => r.traffic?.stage === 'POST_SCALE_UP');
          if (held && readFileSync(stateFile, 'utf8').includes('serviceDeploymentArn')) {
            clearInterval(timer);
            child.kill('SIGINT');
          }
        }, 50);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(main.exitCode).not.toBe(0);
    const state = parseCommandFile(readFileSync(stateFile, 'utf8'));
    const post = await runBundle('deploy-ecs', { inputs, env: fixture.env, state, post: true });
    expect(post.exitCode).toBe(0);
    expect(post.log).toMatch(
      /::warning::The run was cancelled during the rollout: web's service deployment arn:aws:ecs:us-east-1:123456789012:service-deployment\/default\/web\/[\w-]+ \(IN_PROGRESS at POST_SCALE_UP\) was stopped with rollback\./,
    );
    expect(post.summary).toMatch(/^### deploy-ecs \(run cancelled\): ⏹️ Cancelled/);
    const record = fixture.ecs.serviceDeployments.records.at(-1);
    expect(record?.status).toMatch(/^ROLLBACK_(IN_PROGRESS|SUCCESSFUL)$/);
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB1);
  });

  it('stops the answered deployment with rollback when the run is cancelled during mode: continue', async () => {
    fixture = await startGateFixture();
    const deployInputs = {
      ...DEFAULTS,
      service: 'web',
      'poll-interval': '0.1',
      'task-definition': fixture.file('td.json', webTaskDefinition(V2)),
      // A bake time of 100 minutes (10 s here): the run is cancelled while it bakes.
      ...fixture.inputs('BLUE_GREEN', { gate: 'test-traffic', 'bake-time': '100m' }),
    };
    const paused = await runBundle('deploy-ecs', { inputs: deployInputs, env: fixture.env });
    expect(paused.outputs.gate).toBe('paused');
    const arn = paused.outputs['service-deployment-arn'] ?? '';
    const inputs = { ...DEFAULTS, mode: 'continue', service: 'web', 'poll-interval': '0.1' };
    let stateFile = '';
    const main = await runBundle('deploy-ecs', {
      inputs,
      env: fixture.env,
      onFiles: (files) => (stateFile = files.state),
      onSpawn: (child) => {
        const timer = setInterval(() => {
          const baking = fixture.ecs.serviceDeployments.find(arn)?.traffic?.stage === 'BAKE_TIME';
          if (baking && readFileSync(stateFile, 'utf8').includes('serviceDeploymentArn')) {
            clearInterval(timer);
            child.kill('SIGINT');
          }
        }, 50);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(main.exitCode).not.toBe(0);
    const state = parseCommandFile(readFileSync(stateFile, 'utf8'));
    const post = await runBundle('deploy-ecs', { inputs, env: fixture.env, state, post: true });
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain(`web's service deployment ${arn} (IN_PROGRESS at BAKE_TIME) was stopped with rollback.`);
    expect(fixture.ecs.serviceDeployments.find(arn)?.status).toMatch(/^ROLLBACK_(IN_PROGRESS|SUCCESSFUL)$/);
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB1);
  });
});
