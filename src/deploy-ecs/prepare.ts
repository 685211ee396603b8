import * as core from '@actions/core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ECSClient, Service } from '@aws-sdk/client-ecs';
import { describeService } from '../lib/ecs-rollout.js';
import { InputError } from '../lib/errors.js';
import type { DeployEcsInputs } from './inputs.js';
import type { DeployReport } from './report.js';
import { describeTaskDefinition, register } from './revisions.js';
import { strategyUpdate, type StrategyUpdate } from './strategy.js';
import { imagesOf, render, type TaskDefinition } from './taskdef.js';

/**
 * The first phase of a deployment: find every service, then read, render and register the task definition.
 * Every service is looked up before anything is registered, so a typo in a name changes nothing.
 */

/** The services as found before the update (undefined: to be created) and the revision to deploy. */
export interface Current {
  services: (Service | undefined)[];
  definition: TaskDefinition;
  taskDefinitionArn: string;
  /** Per service, the strategy its update runs with and the deployment configuration it sends. */
  updates: StrategyUpdate[];
}

export async function prepare(
  client: ECSClient,
  inputs: DeployEcsInputs,
  fileDefinition: TaskDefinition | undefined,
  report: DeployReport,
): Promise<Current> {
  const services = await findServices(client, inputs);
  refuseOtherControllers(inputs, services);
  // Checked against the services as they are, before anything is registered.
  const updates = inputs.services.map((name, i) => {
    const target = inputs.createService?.targetGroupArn;
    const created = target ? [{ targetGroupArn: target }] : [];
    return strategyUpdate(name, services[i], { inputs: inputs.strategy, gate: inputs.gate, created });
  });
  recordServices(inputs.services, services, report);
  // A file was rendered before the SDK was loaded; a registered revision is rendered once it is read.
  const base = fileDefinition
    ? { definition: fileDefinition }
    : await describeTaskDefinition(
        client,
        inputs.source.kind === 'registered' ? inputs.source.reference : (services[0]?.taskDefinition ?? ''),
      );
  const { definition, changed } = fileDefinition
    ? { definition: fileDefinition, changed: true }
    : render(base.definition, inputs.render);
  report.images = imagesOf(definition);
  report.renderedFile = writeRendered(definition);
  core.info(`images: ${report.images.join(', ')}`);
  const taskDefinitionArn = await registerIfChanged(client, inputs, { ...base, definition, changed }, report);
  return { services, definition, taskDefinitionArn, updates };
}

async function findServices(client: ECSClient, inputs: DeployEcsInputs): Promise<(Service | undefined)[]> {
  return Promise.all(
    inputs.services.map((name) =>
      describeService(client, inputs.cluster, name).then(
        // ECS still describes a deleted service for a while, INACTIVE: with create-service it is created anew
        // (a reopened pull request's preview).
        (found) => (inputs.createService && found.status === 'INACTIVE' ? undefined : found),
        (error: unknown) => {
          if (inputs.createService && (error as { code?: string }).code === 'ServiceNotFoundException')
            return undefined;
          throw error;
        },
      ),
    ),
  );
}

/**
 * Only the rolling update (ECS) deployment controller takes a new task definition through UpdateService;
 * a CODE_DEPLOY service needs a CodeDeploy deployment, an EXTERNAL one a task set. Refused before anything is
 * registered.
 */
function refuseOtherControllers(inputs: DeployEcsInputs, services: (Service | undefined)[]): void {
  for (const [i, service] of services.entries()) {
    const type = service?.deploymentController?.type ?? 'ECS';
    if (type === 'ECS') continue;
    throw new InputError(
      `Service '${inputs.services[i]}' uses the ${type} deployment controller; deploy-ecs deploys services with the ECS (rolling update) controller only. Nothing was registered.`,
      type === 'CODE_DEPLOY'
        ? 'Keep aws-actions/amazon-ecs-deploy-task-definition with its codedeploy-* inputs for this service for now, or recreate the service with the ECS deployment controller.'
        : 'Deploy it with task sets (CreateTaskSet) from your own tooling, or recreate the service with the ECS deployment controller.',
    );
  }
}

/** The rendered task definition as a file in the runner's temporary folder, for the two-step form. */
function writeRendered(definition: TaskDefinition): string {
  const folder = mkdtempSync(join(process.env.RUNNER_TEMP ?? tmpdir(), 'task-definition-'));
  const path = join(folder, 'task-definition.json');
  writeFileSync(path, `${JSON.stringify(definition, null, 2)}\n`);
  return path;
}

function recordServices(names: string[], services: (Service | undefined)[], report: DeployReport): void {
  for (const [i, name] of names.entries()) {
    const previous = services[i]?.taskDefinition;
    report.services.push({
      service: name,
      previous,
      outcome: 'pending',
      events: [],
      stoppedTasks: [],
      created: !services[i],
    });
    core.info(
      services[i] ? `service ${name} runs ${previous}` : `service ${name} does not exist yet: it will be created`,
    );
  }
}

/** A registered revision with nothing rendered into it is deployed as it is; anything else is registered. */
async function registerIfChanged(
  client: ECSClient,
  inputs: DeployEcsInputs,
  rendered: { arn?: string; definition: TaskDefinition; changed: boolean },
  report: DeployReport,
): Promise<string> {
  if (rendered.arn && !rendered.changed) {
    report.taskDefinitionArn = rendered.arn;
    core.info(`nothing to render into ${rendered.arn}: deploying it as it is, no new revision`);
    return rendered.arn;
  }
  const registered = await register(client, rendered.definition, inputs.taskDefinitionTags);
  report.taskDefinitionArn = registered.arn;
  report.registered = true;
  core.info(`registered ${registered.arn}`);
  return registered.arn;
}
