import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { awsEnvironment } from '../fakes/aws/json-server.js';
import { startFakeCodeDeploy } from '../fakes/codedeploy/index.js';
import { startFakeEcs, type FakeEcs } from '../fakes/ecs/index.js';
import { runBundle, type StepResult } from '../helpers/runner.js';

/**
 * The migration suite: the examples of the READMEs of aws-actions/amazon-ecs-deploy-task-definition (v2) and
 * aws-actions/amazon-ecs-render-task-definition (v1), written as the `with:` blocks of a workflow, run through
 * the deploy-ecs bundle against the local ECS. Each works unchanged (only `uses:` changes; a render step and
 * the deploy step it feeds become one step), or fails with the difference the README's migration table names.
 * Placeholders of the READMEs (`<account-id>`) are filled with the example account.
 */

const ECR = '123456789012.dkr.ecr.us-east-2.amazonaws.com/my-ecr-repo';
const ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';

let ecs: FakeEcs | undefined;
afterEach(async () => {
  await ecs?.close();
  ecs = undefined;
});

/** A Fargate task definition as the READMEs' users keep it in task-definition.json. */
function taskDefinitionFile(containers: string[] = ['my-container'], extra: Record<string, unknown> = {}) {
  return {
    family: 'my-task',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: ROLE,
    containerDefinitions: containers.map((name, i) => ({
      name,
      image: `${ECR}:1.0.0`,
      essential: i === 0,
      portMappings: [{ containerPort: 8080 + i }],
    })),
    ...extra,
  };
}

interface Account {
  ecs: FakeEcs;
  workspace: string;
  env: Record<string, string>;
}

/** An account with cluster my-cluster and service my-service running revision 1 of the file's family. */
async function account(definition: Record<string, unknown> = taskDefinitionFile(), controller?: 'CODE_DEPLOY') {
  ecs = await startFakeEcs();
  const first = ecs.register(definition as Parameters<FakeEcs['register']>[0]);
  ecs.seedService({
    cluster: 'my-cluster',
    name: 'my-service',
    taskDefinition: first.taskDefinitionArn,
    desiredCount: 1,
    ...(controller ? { deploymentController: controller } : {}),
  });
  const workspace = mkdtempSync(join(tmpdir(), 'migration-'));
  writeFileSync(join(workspace, 'task-definition.json'), JSON.stringify(definition, null, 2));
  return { ecs, workspace, env: { ...awsEnvironment({ ECS: ecs.url }), GITHUB_WORKSPACE: workspace } };
}

/** One workflow step: `uses: org/deploy-actions/deploy-ecs@v1` with these `with:` inputs (fast polling added). */
function step(acct: Account, withBlock: Record<string, string>): Promise<StepResult> {
  return runBundle('deploy-ecs', { inputs: { 'poll-interval': '0.1', ...withBlock }, env: acct.env });
}

/**
 * The `with:` block of the deploy README's Usage example. The other deploy examples are this block plus the
 * inputs their section adds, so each test spreads it and lists only those.
 */
const USAGE = {
  'task-definition': 'task-definition.json',
  service: 'my-service',
  cluster: 'my-cluster',
  'wait-for-service-stability': 'true',
} as const;

/** The deploy step the render README's examples feed: the merged step names where the rendered file goes. */
const DEPLOY_TO = { service: 'my-service', cluster: 'my-cluster' } as const;

/**
 * A render README example as deploy-ecs runs it: an account whose family has these containers, and one step with
 * the render step's `with:` inputs plus the deploy step's target (DEPLOY_TO).
 */
async function renderAndDeploy(containers: string[], renderWith: Record<string, string>) {
  const acct = await account(taskDefinitionFile(containers));
  return { acct, result: await step(acct, { ...renderWith, ...DEPLOY_TO }) };
}

/** The container and image most of the render README's examples render. */
const SAMPLE = { 'container-name': 'web', image: 'amazon/amazon-ecs-sample:latest' } as const;

const calls = (acct: Account, operation: string) => acct.ecs.calls.filter((c) => c.operation === operation);
const revision2 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/my-task:2';

describe('the examples of aws-actions/amazon-ecs-deploy-task-definition', () => {
  it('Usage: deploys task-definition.json to my-service and waits', async () => {
    const acct = await account();
    const result = await step(acct, USAGE);
    expect(result.exitCode).toBe(0);
    expect(result.outputs['task-definition-arn']).toBe(revision2);
    expect(acct.ecs.service('my-cluster', 'my-service').taskDefinition).toBe(revision2);
  });

  it('render then deploy: the two steps become one with the same inputs, and the rendered file is an output', async () => {
    const acct = await account();
    const result = await step(acct, {
      // The render step's inputs ...
      'task-definition': 'task-definition.json',
      'container-name': 'my-container',
      image: `${ECR}:0123456789abcdef0123456789abcdef01234567`,
      // ... and the deploy step's.
      service: 'my-service',
      cluster: 'my-cluster',
      'wait-for-service-stability': 'true',
    });
    expect(result.exitCode).toBe(0);
    const rendered = JSON.parse(readFileSync(result.outputs['task-definition'] ?? '', 'utf8')) as {
      containerDefinitions: { image: string }[];
    };
    expect(rendered.containerDefinitions[0]?.image).toBe(`${ECR}:0123456789abcdef0123456789abcdef01234567`);
    expect(calls(acct, 'RegisterTaskDefinition')[0]?.body.containerDefinitions).toMatchObject([
      { name: 'my-container', image: `${ECR}:0123456789abcdef0123456789abcdef01234567` },
    ]);
  });

  it('Tags: enable-ecs-managed-tags and propagate-tags reach UpdateService', async () => {
    const acct = await account();
    const managed = await step(acct, { ...USAGE, 'enable-ecs-managed-tags': 'true' });
    expect(managed.exitCode).toBe(0);
    const propagated = await step(acct, { ...USAGE, 'propagate-tags': 'SERVICE' });
    expect(propagated.exitCode).toBe(0);
    const [first, second] = calls(acct, 'UpdateService').map((c) => c.body);
    expect(first).toMatchObject({ enableECSManagedTags: true });
    expect(second).toMatchObject({ propagateTags: 'SERVICE' });
  });

  it('EBS volume for the service: the volume configured at launch is passed to UpdateService', async () => {
    const acct = await account(
      taskDefinitionFile(['my-container'], { volumes: [{ name: 'ebs1', configuredAtLaunch: true }] }),
    );
    // The README's volume configuration, as written there: JSON in a string input.
    const volume =
      '{"sizeInGiB": 30, "volumeType": "gp3", "encrypted": true, "roleArn":"arn:aws:iam::123456789012:role/ebs-role"}';
    const result = await step(acct, {
      ...USAGE,
      'service-managed-ebs-volume-name': 'ebs1',
      'service-managed-ebs-volume': volume,
    });
    expect(result.exitCode).toBe(0);
    expect(calls(acct, 'UpdateService')[0]?.body.volumeConfigurations).toEqual([
      {
        name: 'ebs1',
        managedEBSVolume: {
          sizeInGiB: 30,
          volumeType: 'gp3',
          encrypted: true,
          roleArn: 'arn:aws:iam::123456789012:role/ebs-role',
        },
      },
    ]);
  });

  it('EBS volume for a standalone task on EC2: RunTask with the launch type and the volume, no service', async () => {
    const bridge = {
      family: 'my-task',
      executionRoleArn: ROLE,
      volumes: [{ name: 'ebs1', configuredAtLaunch: true }],
      containerDefinitions: [{ name: 'my-container', image: `${ECR}:1.0.0`, memory: 512 }],
    };
    const acct = await account(taskDefinitionFile());
    writeFileSync(join(acct.workspace, 'task-definition.json'), JSON.stringify(bridge));
    const result = await step(acct, {
      'task-definition': 'task-definition.json',
      cluster: 'my-cluster',
      'run-task': 'true',
      'run-task-launch-type': 'EC2',
      'run-task-managed-ebs-volume-name': 'ebs1',
      'run-task-managed-ebs-volume':
        '{"filesystemType":"xfs", "roleArn":"arn:aws:iam::123456789012:role/github-actions-setup-stack-EBSRole-YwVmgS4g7gQE", "encrypted":false, "sizeInGiB":30}',
    });
    expect(result.exitCode).toBe(0);
    const runTask = calls(acct, 'RunTask')[0]?.body;
    expect(runTask).toMatchObject({ launchType: 'EC2', volumeConfigurations: [{ name: 'ebs1' }] });
    expect(runTask?.networkConfiguration).toBeUndefined();
    expect(calls(acct, 'UpdateService')).toEqual([]);
    expect(JSON.parse(result.outputs['run-task-arn'] ?? '[]')).toHaveLength(1);
  });

  it('AWS CodeDeploy Support: deployed through CodeDeploy with the appspec filled in, with only the minimal policy of that README', async () => {
    const acct = await account(taskDefinitionFile(), 'CODE_DEPLOY');
    const codedeploy = await startFakeCodeDeploy(acct.ecs, { minuteMs: 100 });
    codedeploy.seedEcsGroup({
      cluster: 'my-cluster',
      service: 'my-service',
      application: 'my-codedeploy-application',
      group: 'my-codedeploy-deployment-group',
    });
    // The README's minimal policy allows GetDeploymentGroup, CreateDeployment and GetDeployment, not the targets.
    for (const operation of ['ListDeploymentTargets', 'GetDeploymentTarget'])
      codedeploy.inject({ operation, kind: 'access-denied', times: Infinity });
    writeFileSync(
      join(acct.workspace, 'appspec.json'),
      JSON.stringify({
        version: 0.0,
        Resources: [
          {
            TargetService: {
              Type: 'AWS::ECS::Service',
              Properties: {
                TaskDefinition: '<TASK_DEFINITION>',
                LoadBalancerInfo: { ContainerName: 'my-container', ContainerPort: 8080 },
              },
            },
          },
        ],
      }),
    );
    try {
      const result = await step(
        { ...acct, env: { ...acct.env, ...awsEnvironment({ ECS: acct.ecs.url, CODEDEPLOY: codedeploy.url }) } },
        {
          ...USAGE,
          'codedeploy-appspec': 'appspec.json',
          'codedeploy-application': 'my-codedeploy-application',
          'codedeploy-deployment-group': 'my-codedeploy-deployment-group',
        },
      );
      expect(result.exitCode).toBe(0);
      const id = result.outputs['codedeploy-deployment-id'] ?? '';
      expect(codedeploy.deployments.get(id)?.status).toBe('Succeeded');
      expect(result.log).toContain('codedeploy:ListDeploymentTargets, codedeploy:GetDeploymentTarget');
      expect(calls(acct, 'UpdateService')).toEqual([]);
      expect(acct.ecs.service('my-cluster', 'my-service').taskDefinition).toBe(result.outputs['task-definition-arn']);
    } finally {
      await codedeploy.close();
    }
  });

  it('Running Tasks: the task runs and must succeed before the service is updated', async () => {
    const acct = await account();
    const result = await step(acct, { ...USAGE, 'run-task': 'true', 'wait-for-task-stopped': 'true' });
    expect(result.exitCode).toBe(0);
    const order = acct.ecs.calls.map((c) => c.operation).filter((o) => o === 'RunTask' || o === 'UpdateService');
    expect(order).toEqual(['RunTask', 'UpdateService']);
    expect(calls(acct, 'RunTask')[0]?.body).toMatchObject({ launchType: 'FARGATE', startedBy: 'GitHub-Actions' });
    const [taskArn] = JSON.parse(result.outputs['run-task-arn'] ?? '[]') as string[];
    expect(taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/my-cluster\//);
  });

  it('Running Tasks, Tags: run-task-tags and managed tags on the task', async () => {
    const acct = await account();
    const result = await step(acct, {
      ...USAGE,
      'run-task': 'true',
      'enable-ecs-managed-tags': 'true',
      'run-task-tags': '[{"key": "project", "value": "myproject"}]',
      'wait-for-task-stopped': 'true',
    });
    expect(result.exitCode).toBe(0);
    expect(calls(acct, 'RunTask')[0]?.body).toMatchObject({
      tags: [{ key: 'project', value: 'myproject' }],
      enableECSManagedTags: true,
    });
  });

  it('keep-null-value-keys: the listed empty values are kept, the others dropped', async () => {
    const definition = taskDefinitionFile();
    const file = {
      ...definition,
      placementConstraints: [],
      tags: [],
      containerDefinitions: [{ ...definition.containerDefinitions[0], command: [], environment: [], entryPoint: [] }],
    };
    const acct = await account(definition);
    writeFileSync(join(acct.workspace, 'task-definition.json'), JSON.stringify(file));
    const result = await step(acct, { ...USAGE, 'keep-null-value-keys': 'tag,command,placementConstraints' });
    expect(result.exitCode).toBe(0);
    const registered = calls(acct, 'RegisterTaskDefinition')[0]?.body as {
      placementConstraints?: unknown;
      tags?: unknown;
      containerDefinitions: Record<string, unknown>[];
    };
    expect(registered.placementConstraints).toEqual([]);
    expect(registered.tags).toBeUndefined();
    expect(registered.containerDefinitions[0]).toMatchObject({ command: [] });
    expect(registered.containerDefinitions[0]).not.toHaveProperty('environment');
    expect(registered.containerDefinitions[0]).not.toHaveProperty('entryPoint');
  });

  it('Polling Configuration: wait-max-delay-seconds is accepted, with a warning that it has no effect', async () => {
    const acct = await account();
    const result = await step(acct, { ...USAGE, 'wait-max-delay-seconds': '15' });
    expect(result.exitCode).toBe(0);
    expect(result.log).toContain("::warning::Input 'wait-max-delay-seconds' has no effect");
  });

  it('Retries: max-retries sets how often each AWS call is retried', async () => {
    const acct = await account();
    acct.ecs.inject({ operation: 'UpdateService', kind: 'server-error', times: 5 });
    const result = await step(acct, { ...USAGE, 'max-retries': '5' });
    expect(result.exitCode).toBe(0);
    // Five answered 500, the sixth attempt went through.
    expect(calls(acct, 'UpdateService').map((c) => c.result)).toEqual([...Array(5).fill('server-error'), 'ok']);
  });
});

describe('the examples of aws-actions/amazon-ecs-render-task-definition', () => {
  it('Usage: a file beside task-definition-arn/family/revision uses the file with a warning, and renders image, variables and secrets', async () => {
    const { acct, result } = await renderAndDeploy(['web'], {
      'task-definition': 'task-definition.json',
      'task-definition-arn': 'task-definition-arn',
      'task-definition-family': 'task-definition-family-name',
      'task-definition-revision': 'task-definition-revision',
      ...SAMPLE,
      'environment-variables': 'LOG_LEVEL=info',
      secrets: 'SECRET_KEY=arn:aws:ssm:region:0123456789:parameter/secret',
    });
    expect(result.exitCode).toBe(0);
    expect(result.log).toContain("::warning::Both 'task-definition' and 'task-definition-arn' are given");
    expect(calls(acct, 'RegisterTaskDefinition')[0]?.body.containerDefinitions).toMatchObject([
      {
        name: 'web',
        image: 'amazon/amazon-ecs-sample:latest',
        environment: [{ name: 'LOG_LEVEL', value: 'info' }],
        secrets: [{ name: 'SECRET_KEY', valueFrom: 'arn:aws:ssm:region:0123456789:parameter/secret' }],
      },
    ]);
  });

  it('starts from a registered family when no file is given', async () => {
    const { acct, result } = await renderAndDeploy(['web'], {
      'task-definition-family': 'my-task',
      'task-definition-revision': '1',
      ...SAMPLE,
      'task-role-arn': 'arn:aws:iam::123456789012:role/my-task-role',
      'execution-role-arn': ROLE,
      'env-files': 'arn:aws:s3:::my-bucket/web.env',
    });
    expect(result.exitCode).toBe(0);
    expect(calls(acct, 'RegisterTaskDefinition')[0]?.body).toMatchObject({
      family: 'my-task',
      taskRoleArn: 'arn:aws:iam::123456789012:role/my-task-role',
      containerDefinitions: [{ environmentFiles: [{ value: 'arn:aws:s3:::my-bucket/web.env', type: 's3' }] }],
    });
  });

  it('the first of two chained renders (labels, variables, secrets), merged with the deploy step', async () => {
    const { acct, result } = await renderAndDeploy(['web', 'app'], {
      'task-definition': 'task-definition.json',
      'container-name': 'web',
      image: 'amazon/amazon-ecs-sample-1:latest',
      'environment-variables': 'LOG_LEVEL=info\nENVIRONMENT=prod\n',
      'docker-labels': 'SERVICE=service\nVERSION=version\n',
      secrets:
        'SECRET_KEY=arn:aws:ssm:region:0123456789:parameter/secret\nSECOND_SECRET_KEY=arn:aws:secretsmanager:us-east-1:0123456789:secret:secretName\n',
      // The second render's container and image, as deploy-ecs takes several: one line per container.
      images: 'app=amazon/amazon-ecs-sample-2:latest',
    });
    expect(result.exitCode).toBe(0);
    const [web, app] = calls(acct, 'RegisterTaskDefinition')[0]?.body.containerDefinitions as Record<string, unknown>[];
    expect(web).toMatchObject({ image: 'amazon/amazon-ecs-sample-1:latest', dockerLabels: { SERVICE: 'service' } });
    expect(app).toMatchObject({ image: 'amazon/amazon-ecs-sample-2:latest' });
  });

  it('several containers in container-name are refused, saying to use images (deliberate difference)', async () => {
    const { acct, result } = await renderAndDeploy(['web', 'app'], {
      'task-definition': 'task-definition.json',
      'container-name': 'web,app',
      image: 'amazon/amazon-ecs-sample:latest',
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.log).toContain("Input 'container-name' names several containers");
    expect(result.log).toContain("'images'");
    expect(acct.ecs.calls).toEqual([]);
  });

  it('log configuration: awslogs with its options', async () => {
    const { acct, result } = await renderAndDeploy(['web'], {
      'task-definition': 'task-definition.json',
      ...SAMPLE,
      'log-configuration-log-driver': 'awslogs',
      'log-configuration-options':
        'awslogs-create-group=true\nawslogs-group=/ecs/web\nawslogs-region=us-east-1\nawslogs-stream-prefix=ecs\n',
    });
    expect(result.exitCode).toBe(0);
    expect(calls(acct, 'RegisterTaskDefinition')[0]?.body.containerDefinitions).toMatchObject([
      {
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/web', 'awslogs-create-group': 'true', 'awslogs-stream-prefix': 'ecs' },
        },
      },
    ]);
  });
});

describe('a task definition file in YAML', () => {
  it('is read as the deploy action reads it', async () => {
    const acct = await account();
    writeFileSync(
      join(acct.workspace, 'task-definition.yaml'),
      [
        'family: my-task',
        'networkMode: awsvpc',
        'requiresCompatibilities: [FARGATE]',
        "cpu: '256'",
        "memory: '512'",
        `executionRoleArn: ${ROLE}`,
        'containerDefinitions:',
        '  - name: my-container',
        `    image: ${ECR}:2.0.0`,
        '    essential: true',
      ].join('\n'),
    );
    const result = await step(acct, { ...USAGE, 'task-definition': 'task-definition.yaml' });
    expect(result.exitCode).toBe(0);
    expect(calls(acct, 'RegisterTaskDefinition')[0]?.body).toMatchObject({ cpu: '256', family: 'my-task' });
  });
});
