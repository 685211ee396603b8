import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandFile, runBundle } from '../helpers/runner.js';
import { startCodeDeployFixture, untilServing, type CodeDeployFixture } from './codedeploy-fixture.js';

/**
 * deploy-ecs's bundle for a CODE_DEPLOY service, run as the runner runs it (node, INPUT_* variables, the runner
 * files): the gate and its answer in two steps, and a run cancelled while CodeDeploy holds the deployment.
 */

let fixture: CodeDeployFixture;
afterEach(() => fixture?.close());

const inputs = {
  'poll-interval': '0.1',
  cluster: 'default',
  service: 'hello',
  'container-name': 'hello',
  image: 'hello:2',
};
const ready = { service: 'hello', ready: { actionOnTimeout: 'STOP_DEPLOYMENT', waitMinutes: 600 } } as const;

describe('the deploy-ecs bundle with CodeDeploy', () => {
  it('pauses at the gate in one step and continues in the next', async () => {
    fixture = await startCodeDeployFixture({ group: ready });
    await untilServing(fixture);
    const gate = await runBundle('deploy-ecs', { inputs: { ...inputs, gate: 'test-traffic' }, env: fixture.env });
    expect(gate.exitCode).toBe(0);
    expect(gate.outputs.gate).toBe('paused');
    expect(gate.outputs['test-url']).toBe(fixture.lb.testUrl);
    expect(await fixture.probe(gate.outputs['test-url'] ?? '', 2)).toEqual(['2.0.0', '2.0.0']);
    const id = gate.outputs['codedeploy-deployment-id'] ?? '';
    const next = await runBundle('deploy-ecs', {
      inputs: { 'poll-interval': '0.1', mode: 'continue', 'codedeploy-deployment-id': id },
      env: fixture.env,
    });
    expect(next.exitCode).toBe(0);
    expect(next.outputs.gate).toBe('continued');
    expect(next.summary).toContain('was continued');
    expect(await fixture.probe(fixture.lb.url, 2)).toEqual(['2.0.0', '2.0.0']);
  });

  it('stops the deployment with rollback from its post step when the run is cancelled during the watch', async () => {
    fixture = await startCodeDeployFixture({ group: ready });
    await untilServing(fixture);
    let stateFile = '';
    const main = await runBundle('deploy-ecs', {
      inputs,
      env: fixture.env,
      onFiles: (files) => (stateFile = files.state),
      onSpawn: (child) => {
        // The runner sends SIGINT when the run is cancelled: here once CodeDeploy holds the deployment in Ready.
        const timer = setInterval(() => {
          const held = [...fixture.codedeploy.deployments.values()].some((d) => d.status === 'Ready');
          if (held && readFileSync(stateFile, 'utf8').includes('codedeploy')) {
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
    const [deployment] = [...fixture.codedeploy.deployments.values()];
    expect(post.log).toContain(
      `CodeDeploy deployment ${deployment?.deploymentId}: it was stopped with automatic rollback`,
    );
    expect(deployment?.status).toBe('Stopped');
    expect(fixture.lb.served().production['hello:2'] ?? 0).toBe(0);
    expect(await fixture.probe(fixture.lb.url, 2)).toEqual(['1.0.0', '1.0.0']);
  });
});
