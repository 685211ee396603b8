import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CodeDeployClient, CreateDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { afterEach, describe, expect, it } from 'vitest';
import { cancelRollback } from '../../src/deploy-ecs/cancel.js';
import { runInProcess } from '../helpers/in-process.js';
import { startCodeDeployFixture, untilServing, type CodeDeployFixture } from './codedeploy-fixture.js';

/**
 * deploy-ecs for a service on the CODE_DEPLOY controller, against the local CodeDeploy that performs the
 * blue/green on the local ECS: the replacement task set runs as real processes and the local load balancer moves
 * production requests only at AllowTraffic (a CodeDeploy minute lasts 100 ms here).
 */

let fixture: CodeDeployFixture;
afterEach(() => fixture?.close());

const EVENTS = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
];
const DEPLOYMENT_ID = /^d-[A-Z0-9]{9}$/;
const APPSPEC_WITH_HOOK = [
  'version: 0.0',
  'Resources:',
  '  - TargetService:',
  '      Type: AWS::ECS::Service',
  '      Properties: { TaskDefinition: placeholder, LoadBalancerInfo: { ContainerName: hello, ContainerPort: 8080 } }',
  'Hooks:',
  '  - BeforeAllowTraffic: CheckFunction',
  '',
].join('\n');
const created = () => fixture.codedeploy.calls.filter((c) => c.operation === 'CreateDeployment');
const gated = { ready: { actionOnTimeout: 'STOP_DEPLOYMENT', waitMinutes: 600 } } as const;
/** Production requests the new revision (hello:2) served, by the load balancer's count. */
const productionOnV2 = () => fixture.lb.served().production['hello:2'] ?? 0;

async function start(options: Parameters<typeof startCodeDeployFixture>[0] = {}) {
  fixture = await startCodeDeployFixture(options);
  await untilServing(fixture);
}

const decide = (mode: 'continue' | 'rollback', id: string) =>
  fixture.deploy({ mode, 'codedeploy-deployment-id': id, image: '', 'container-name': '' });

describe('a CODE_DEPLOY service', () => {
  it('is deployed through CodeDeploy with a generated AppSpec, each lifecycle event logged, production on the new revision', async () => {
    await start();
    const step = await fixture.deploy();
    expect(step.failed).toBe(false);
    const id = step.outputs['codedeploy-deployment-id'] ?? '';
    expect(id).toMatch(DEPLOYMENT_ID);
    expect(step.outputs.changed).toBe('true');
    expect(step.outputs['task-definition-arn']).toMatch(/task-definition\/hello:2$/);
    expect(step.outputs['previous-task-definition-arn']).toBe(fixture.blue);
    // The anchor's default names, and the AppSpec it sends: a JSON string and its SHA-256.
    const [call] = created();
    expect(call?.body).toMatchObject({
      applicationName: 'AppECS-default-hello',
      deploymentGroupName: 'DgpECS-default-hello',
    });
    const { content, sha256 } = (call?.body.revision as { appSpecContent: { content: string; sha256: string } })
      .appSpecContent;
    expect(createHash('sha256').update(content).digest('hex')).toBe(sha256);
    expect(JSON.parse(content).Resources[0].TargetService.Properties).toEqual({
      TaskDefinition: step.outputs['task-definition-arn'],
      LoadBalancerInfo: { ContainerName: 'hello', ContainerPort: 8080 },
    });
    for (const event of EVENTS) expect(step.log).toContain(`  ${event}: Succeeded`);
    expect(step.log).toContain(`deployment ${id}: Succeeded`);
    expect(step.summary).toContain('CodeDeploy lifecycle events (8)');
    expect(step.summary).toContain(id);
    expect(await fixture.probe(fixture.lb.url, 4)).toEqual(['2.0.0', '2.0.0', '2.0.0', '2.0.0']);
  });

  it('fills the TaskDefinition of a given AppSpec file (YAML, keys as the anchor matches them) and runs its hooks', async () => {
    await start();
    const hooks: string[] = [];
    fixture.codedeploy.lambda = ({ event, functionName }) => {
      hooks.push(`${event}=${functionName}`);
      return 'Succeeded';
    };
    fixture.file(
      'appspec.yaml',
      [
        'version: 0.0',
        'Resources:',
        '  - TargetService:',
        '      Type: AWS::ECS::Service',
        '      Properties:',
        '        TaskDefinition: <TASK_DEFINITION>',
        '        LoadBalancerInfo:',
        '          ContainerName: hello',
        '          ContainerPort: 8080',
        'Hooks:',
        '  - AfterAllowTestTraffic: "SmokeTestFunction"',
        '  - BeforeAllowTraffic: "CheckFunction"',
        '',
      ].join('\n'),
    );
    // No codedeploy-appspec: appspec.yaml in the workspace, as the anchor defaults to.
    const step = await fixture.deploy({ 'codedeploy-deployment-description': 'x'.repeat(600) });
    expect(step.failed).toBe(false);
    expect(hooks).toEqual(['AfterAllowTestTraffic=SmokeTestFunction', 'BeforeAllowTraffic=CheckFunction']);
    const body = created()[0]?.body ?? {};
    const content = (body.revision as { appSpecContent: { content: string } }).appSpecContent.content;
    expect(JSON.parse(content).Resources[0].TargetService.Properties.TaskDefinition).toBe(
      step.outputs['task-definition-arn'],
    );
    // Cut to CodeDeploy's 512 characters with an ellipsis, as the anchor cuts it.
    expect(body.description).toBe(`${'x'.repeat(511)}…`);
  });

  it('fails at once with CodeDeploy errorInformation when the replacement task set cannot start, production untouched', async () => {
    await start();
    const step = await fixture.deploy({ image: 'hello:crash' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
    expect(step.outputs['codedeploy-deployment-id']).toMatch(DEPLOYMENT_ID);
    expect(step.outputs['rollout-state']).toBe('FAILED');
    expect(step.log).toContain('::error::CodeDeploy deployment');
    expect(step.log).toContain('ECS_UPDATE_ERROR');
    expect(step.log).toContain('(at Install)');
    expect(step.summary).toContain('ECS_UPDATE_ERROR');
    expect(productionOnV2()).toBe(0);
    expect(await fixture.probe(fixture.lb.url, 2)).toEqual(['1.0.0', '1.0.0']);
  });

  it('fails with the hook named when a lifecycle hook reports Failed, rolled back before production saw the new revision', async () => {
    await start();
    fixture.codedeploy.lambda = ({ event }) => (event === 'AfterAllowTestTraffic' ? 'Failed' : 'Succeeded');
    fixture.file(
      'appspec.json',
      JSON.stringify({
        version: 0.0,
        Resources: [
          {
            TargetService: {
              Type: 'AWS::ECS::Service',
              Properties: {
                TaskDefinition: 'placeholder',
                LoadBalancerInfo: { ContainerName: 'hello', ContainerPort: 8080 },
              },
            },
          },
        ],
        Hooks: [{ AfterAllowTestTraffic: 'SmokeTestFunction' }],
      }),
    );
    const step = await fixture.deploy({ 'codedeploy-appspec': 'appspec.json' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
    expect(step.log).toContain('HOOK_EXECUTION_FAILURE');
    expect(step.log).toContain('AfterAllowTestTraffic');
    expect(step.log).toContain('SmokeTestFunction');
    expect(step.outputs['rolled-back']).toBe('true');
    expect(productionOnV2()).toBe(0);
    expect(await fixture.probe(fixture.lb.url, 2)).toEqual(['1.0.0', '1.0.0']);
  });

  it('returns once CodeDeploy accepted the deployment with wait-for-service-stability: false', async () => {
    await start();
    const step = await fixture.deploy({ 'wait-for-service-stability': 'false' });
    expect(step.failed).toBe(false);
    const id = step.outputs['codedeploy-deployment-id'] ?? '';
    expect(id).toMatch(DEPLOYMENT_ID);
    expect(step.outputs.changed).toBe('true');
    expect(fixture.codedeploy.calls.filter((c) => c.operation === 'GetDeployment')).toHaveLength(0);
    expect(step.summary).toContain('not watched');
  });

  it('names the CodeDeploy call and its error when the application does not exist', async () => {
    await start();
    const step = await fixture.deploy({ 'codedeploy-application': 'AppECS-elsewhere' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain('codedeploy:GetDeploymentGroup (AppECS-elsewhere/DgpECS-default-hello)');
    expect(step.log).toContain('ApplicationDoesNotExistException');
    expect(created()).toHaveLength(0);
  });
});

describe('the test-traffic gate through CodeDeploy', () => {
  it('pauses in Ready with the test listener URL serving the new revision, and mode: continue shifts production', async () => {
    await start({ group: { service: 'hello', ...gated } });
    const step = await fixture.deploy({ gate: 'test-traffic' });
    expect(step.failed).toBe(false);
    expect(step.outputs.gate).toBe('paused');
    expect(step.outputs['test-url']).toBe(fixture.lb.testUrl);
    const id = step.outputs['codedeploy-deployment-id'] ?? '';
    expect(step.summary).toContain('waits at the gate');
    expect(await fixture.probe(step.outputs['test-url'] ?? '', 3)).toEqual(['2.0.0', '2.0.0', '2.0.0']);
    expect(await fixture.probe(fixture.lb.url, 3)).toEqual(['1.0.0', '1.0.0', '1.0.0']);
    expect(productionOnV2()).toBe(0);

    const next = await decide('continue', id);
    expect(next.failed).toBe(false);
    expect(next.outputs.gate).toBe('continued');
    expect(next.outputs['rollout-state']).toBe('COMPLETED');
    expect(fixture.codedeploy.calls.find((c) => c.operation === 'ContinueDeployment')?.body).toEqual({
      deploymentId: id,
      deploymentWaitType: 'READY_WAIT',
    });
    expect(await fixture.probe(fixture.lb.url, 3)).toEqual(['2.0.0', '2.0.0', '2.0.0']);
  });

  it('with mode: rollback stops the deployment with rollback: production never served the rejected revision', async () => {
    await start({ group: { service: 'hello', ...gated } });
    const step = await fixture.deploy({ gate: 'test-traffic' });
    expect(step.outputs.gate).toBe('paused');
    await fixture.probe(step.outputs['test-url'] ?? '', 3);
    const next = await decide('rollback', step.outputs['codedeploy-deployment-id'] ?? '');
    expect(next.failed).toBe(false);
    expect(next.outputs.gate).toBe('rolled-back');
    expect(next.outputs['rolled-back']).toBe('true');
    expect(fixture.codedeploy.calls.find((c) => c.operation === 'StopDeployment')?.body).toMatchObject({
      autoRollbackEnabled: true,
    });
    expect(productionOnV2()).toBe(0);
    expect(await fixture.probe(fixture.lb.url, 3)).toEqual(['1.0.0', '1.0.0', '1.0.0']);
    expect(fixture.lb.served().test['hello:2']).toBeGreaterThanOrEqual(3);
  });

  it('still pauses when the role may not look up the test listener: test-url empty, with a warning naming the permissions', async () => {
    await start({ group: { service: 'hello', ...gated } });
    fixture.elb.inject({ operation: 'DescribeListeners', kind: 'access-denied', times: Infinity });
    const step = await fixture.deploy({ gate: 'test-traffic' });
    expect(step.failed).toBe(false);
    expect(step.outputs.gate).toBe('paused');
    expect(step.outputs['test-url']).toBeUndefined();
    expect(step.log).toContain('::warning::test-url is left empty');
    expect(step.log).toContain('elasticloadbalancing:DescribeListeners');
    expect(productionOnV2()).toBe(0);
  });

  it('is refused before any deployment when the group reroutes traffic at once (no Ready wait)', async () => {
    await start();
    const step = await fixture.deploy({ gate: 'test-traffic' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain('STOP_DEPLOYMENT');
    expect(created()).toHaveLength(0);
  });
});

describe('inputs of the ECS-native strategies, given for a CodeDeploy service', () => {
  it.each([
    ['strategy', { strategy: 'CANARY', 'canary-percent': '10' }, /strategy inputs .* do not apply to it/],
    [
      'the one-step gate',
      { gate: 'test-traffic', 'gate-url-path': '/health' },
      /'gate-url-path' \(the one-step gate\)/,
    ],
  ])('%s: refused before anything is registered or deployed, saying what to use', async (_, inputs, message) => {
    await start({ group: { service: 'hello', ...gated } });
    const step = await fixture.deploy(inputs);
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(message);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(created()).toHaveLength(0);
    expect(fixture.ecs.calls.filter((c) => c.operation === 'RegisterTaskDefinition')).toHaveLength(0);
  });
});

describe('a cancelled run', () => {
  it('stops the CodeDeploy deployment it watched with automatic rollback (the post step)', async () => {
    await start({ group: { service: 'hello', ...gated } });
    // What the main step saved while it watched: a deployment in flight, held in Ready here.
    const client = new CodeDeployClient({
      endpoint: fixture.codedeploy.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'fake' },
    });
    const content = JSON.stringify({
      version: 0.0,
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: {
              TaskDefinition: fixture.blue,
              LoadBalancerInfo: { ContainerName: 'hello', ContainerPort: 8080 },
            },
          },
        },
      ],
    });
    const { deploymentId = '' } = await client.send(
      new CreateDeploymentCommand({
        applicationName: 'AppECS-default-hello',
        deploymentGroupName: 'DgpECS-default-hello',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content } },
      }),
    );
    client.destroy();
    const post = await runInProcess(cancelRollback, {}, fixture.env, { codedeploy: JSON.stringify({ deploymentId }) });
    expect(post.failed).toBe(false);
    expect(post.log).toContain(`CodeDeploy deployment ${deploymentId}: it was stopped with automatic rollback`);
    expect(post.summary).toContain('stopped with automatic rollback');
    expect(fixture.codedeploy.deployments.get(deploymentId)?.status).toBe('Stopped');
    expect(fixture.codedeploy.deployments.get(deploymentId)?.errorInformation?.code).toBe('MANUAL_STOP');
  });

  it('leaves the deployment to go on with rollback-on-cancel: false, and says so', async () => {
    await start({ group: { service: 'hello', ...gated } });
    const post = await runInProcess(cancelRollback, { 'rollback-on-cancel': 'false' }, fixture.env, {
      codedeploy: JSON.stringify({ deploymentId: 'd-ABCDE1234' }),
    });
    expect(post.failed).toBe(false);
    expect(post.log).toContain('rollback-on-cancel is false, so it goes on');
    expect(post.summary).toContain('CodeDeploy deployment d-ABCDE1234: rollback-on-cancel is false');
    expect(fixture.codedeploy.calls).toHaveLength(0);
  });

  it('is prepared for by the main step: the deployment is saved for the post step while watched, cleared after', async () => {
    await start();
    // Read in the middle of the watch: the hook runs in this process while the step's runner files are in use.
    let saved = '';
    fixture.codedeploy.lambda = () => {
      saved = readFileSync(process.env.GITHUB_STATE ?? '', 'utf8');
      return 'Succeeded';
    };
    fixture.file('appspec.yaml', APPSPEC_WITH_HOOK);
    const step = await fixture.deploy();
    expect(step.failed).toBe(false);
    expect(saved).toContain(`"deploymentId":"${step.outputs['codedeploy-deployment-id']}"`);
    expect(step.state.codedeploy).toBe('');
  });
});
