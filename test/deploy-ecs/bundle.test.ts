import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandFile, runBundle } from '../helpers/runner.js';
import { OOM, startFixture, useStrategy, V2, webTaskDefinition, type Fixture } from './fixture.js';

/** actions/deploy-ecs/dist run as the runner runs it: Node 24, INPUT_* variables, runner files. */

let fixture: Fixture;
afterEach(() => fixture?.close());

const WEB1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
const WEB2 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2';

/** The step that deploys image 2.0.0 of web from a file, polling fast; `inputs` add to it or override. */
function deployV2(inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  return runBundle('deploy-ecs', {
    inputs: {
      'task-definition': fixture.file('td.json', webTaskDefinition(V2)),
      service: 'web',
      'poll-interval': '0.1',
      ...inputs,
    },
    env: { ...fixture.env, ...env },
  });
}

describe('the deploy-ecs bundle', () => {
  it('deploys and writes its outputs and job summary', async () => {
    fixture = await startFixture();
    const step = await runBundle('deploy-ecs', {
      inputs: {
        'task-definition': fixture.file('td.json', webTaskDefinition()),
        'container-name': 'web',
        image: V2,
        service: 'web',
        'poll-interval': '0.1',
      },
      env: fixture.env,
    });
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({
      'task-definition-arn': WEB2,
      'previous-task-definition-arn': WEB1,
      'rollout-state': 'COMPLETED',
    });
    expect(step.summary).toMatch(/^### deploy-ecs: ✅ Succeeded/);
    expect(step.log).toContain('::group::Watch rollout');
  });

  it('writes service-url for a service behind a load balancer with HTTPS, found through the ELBv2 endpoint', async () => {
    fixture = await startFixture({
      listeners: [
        { protocol: 'HTTP', port: 80 },
        { protocol: 'HTTPS', port: 443 },
      ],
    });
    const step = await deployV2();
    expect(step.exitCode).toBe(0);
    const dns = [...fixture.elb.loadBalancers.values()][0]?.DNSName;
    expect(dns).toMatch(/^web-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    expect(step.outputs['service-url']).toBe(`https://${dns}`);
    expect(step.summary).toContain(`| Service URL | https://${dns} |`);
    expect(step.log).toContain('::group::Service URL');
  });

  it('names the service deployment and follows a blue/green one stage by stage into the job summary', async () => {
    fixture = await startFixture({ minuteMs: 100 });
    await useStrategy(fixture, { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 });
    const step = await deployV2();
    expect(step.exitCode).toBe(0);
    const arn = step.outputs['service-deployment-arn'] ?? '';
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:service-deployment\/default\/web\//);
    expect(step.log).toContain(`service deployment ${arn}`);
    expect(step.log).toContain('stage BAKE_TIME');
    expect(step.summary).toContain(`| Service deployment | <code>${arn}</code> (BLUE_GREEN) |`);
    expect(step.summary).toMatch(/\| PRODUCTION_TRAFFIC_SHIFT \| \d{4}-[\d-]+T[\d:.]+Z \| /);
  });

  it('exits 1 with the exit code of the crashing container', async () => {
    fixture = await startFixture();
    fixture.ecs.behaviour = (td) => (td.containerDefinitions[0]?.image === V2 ? OOM : { kind: 'healthy' });
    const step = await deployV2();
    expect(step.exitCode).toBe(1);
    expect(step.log).toMatch(/::error::Rollout failed\..*exited with code 137/);
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
    expect(step.summary).toMatch(/^### deploy-ecs: ❌ Failed/);
    expect(step.summary).toContain('**web**: ');
    expect(step.summary).toContain('exited with code 137');
    expect(step.summary).toContain('| Failure reason | <code>rollout-failed</code> |');
    expect(step.outputs['previous-task-definition-arn']).toBe(WEB1);
  });

  it('fails on invalid input without a request to AWS', async () => {
    fixture = await startFixture();
    const step = await runBundle('deploy-ecs', {
      inputs: { 'task-definition': fixture.file('td.json', '{"family": "web",'), service: 'web' },
      env: fixture.env,
    });
    expect(step.exitCode).toBe(1);
    expect(step.log).toMatch(/::error::The task definition file .*td\.json is not valid JSON/);
    expect(fixture.ecs.calls).toHaveLength(0);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.summary).toMatch(/^### deploy-ecs: ❌ Failed\n\nThe task definition file .*td\.json is not valid JSON/);
    expect(step.summary).toContain('| Failure reason | <code>invalid-input</code> |');
  });

  it('fails on an invalid time input with the expected syntax in the summary and failure-reason', async () => {
    fixture = await startFixture();
    const step = await deployV2({ 'wait-for-minutes': 'half an hour' });
    expect(step.exitCode).toBe(1);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.summary).toMatch(/^### deploy-ecs: ❌ Failed/);
    expect(step.summary).toContain("Input 'wait-for-minutes' must be a duration such as 500ms, 30s, 5m or 1m30s");
    expect(fixture.ecs.calls).toHaveLength(0);
  });

  it('never prints a credential or a secret value it was given', async () => {
    fixture = await startFixture();
    fixture.ecs.behaviour = () => OOM;
    const secrets = {
      AWS_SECRET_ACCESS_KEY: fixture.env.AWS_SECRET_ACCESS_KEY ?? '',
      AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLESESSIONTOKENdeployactions0123456789',
    };
    const step = await deployV2(
      {
        'container-name': 'web',
        'environment-variables': 'API_TOKEN=tok_live_0123456789abcdef',
        'run-task-command': 'echo migrate',
      },
      { ...secrets, ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
    );
    expect(step.exitCode).toBe(1);
    // The variable named like a credential is registered as a mask (the runner reads and hides that command),
    // and appears nowhere else.
    expect(step.log).toContain('::add-mask::tok_live_0123456789abcdef');
    const log = step.log.replace(/^::add-mask::.*$/gm, '');
    const everything = [log, step.summary, JSON.stringify(step.outputs), JSON.stringify(step.state)].join('\n');
    for (const value of [...Object.values(secrets), 'tok_live_0123456789abcdef'])
      expect(everything).not.toContain(value);
  });

  it('puts the previous revision back from its post step when the run is cancelled during the watch', async () => {
    fixture = await startFixture();
    fixture.ecs.behaviour = (td) =>
      td.containerDefinitions[0]?.image === V2 ? { kind: 'pending' } : { kind: 'healthy' };
    const inputs = {
      'task-definition': fixture.file('td.json', webTaskDefinition(V2)),
      service: 'web',
      'poll-interval': '0.1',
    };
    let stateFile = '';
    const main = await runBundle('deploy-ecs', {
      inputs,
      env: fixture.env,
      onFiles: (files) => (stateFile = files.state),
      onSpawn: (child) => {
        // The runner cancels a step with SIGINT once the run is cancelled; here, once the watch has begun.
        const timer = setInterval(() => {
          // The watch has begun once the saved state names the update's service deployment.
          if (readFileSync(stateFile, 'utf8').includes('serviceDeploymentArn')) {
            clearInterval(timer);
            child.kill('SIGINT');
          }
        }, 50);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(main.exitCode).not.toBe(0);
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB2);
    const state = parseCommandFile(readFileSync(stateFile, 'utf8'));
    const post = await runBundle('deploy-ecs', { inputs, env: fixture.env, state, post: true });
    expect(post.exitCode).toBe(0);
    // The update's service deployment is known: it is stopped with rollback (StopServiceDeployment ROLLBACK).
    expect(post.log).toMatch(
      /::warning::The run was cancelled during the rollout: web's service deployment arn:aws:ecs:us-east-1:123456789012:service-deployment\/default\/web\/[\w-]+ \(IN_PROGRESS at no stage\) was stopped with rollback\./,
    );
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB1);
    expect(post.summary).toMatch(/^### deploy-ecs \(run cancelled\): ⏹️ Cancelled/);
    expect(post.summary).toContain("web's service deployment was stopped with rollback to web:1");
  });

  it('leaves the service alone in the post step when no rollout was in progress', async () => {
    fixture = await startFixture();
    const post = await runBundle('deploy-ecs', { inputs: { service: 'web' }, env: fixture.env, state: {}, post: true });
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain('nothing to put back');
    expect(post.summary).toContain('nothing to put back');
    expect(fixture.ecs.calls).toHaveLength(0);
  });
});
