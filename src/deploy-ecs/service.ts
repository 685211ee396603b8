import {
  CreateServiceCommand,
  UpdateServiceCommand,
  type ECSClient,
  type Service,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { aws } from '../lib/aws.js';
import { InputError } from '../lib/errors.js';
import type { CreateServiceOptions, DeployEcsInputs } from './inputs.js';
import type { StrategyUpdate } from './strategy.js';
import type { TaskDefinition } from './taskdef.js';

/** Pointing a service at a revision: UpdateService, or CreateService the first time. */

export interface Started {
  service: Service;
  /** The deployment ECS started, when it started one. */
  deploymentId?: string;
}

function started(service: Service | undefined, taskDefinitionArn: string): Started {
  if (!service) throw new Error('ECS answered without a service');
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY' && d.taskDefinition === taskDefinitionArn);
  return { service, deploymentId: primary?.id };
}

export async function updateService(
  client: ECSClient,
  inputs: DeployEcsInputs,
  service: string,
  taskDefinitionArn: string,
  update?: StrategyUpdate,
): Promise<Started> {
  const input = {
    cluster: inputs.cluster,
    service,
    taskDefinition: taskDefinitionArn,
    forceNewDeployment: inputs.forceNewDeployment,
    ...(inputs.desiredCount !== undefined ? { desiredCount: inputs.desiredCount } : {}),
    ...(inputs.propagateTags ? { propagateTags: inputs.propagateTags } : {}),
    ...(inputs.enableEcsManagedTags !== undefined ? { enableECSManagedTags: inputs.enableEcsManagedTags } : {}),
    ...(inputs.compat.enableExecuteCommand !== undefined
      ? { enableExecuteCommand: inputs.compat.enableExecuteCommand }
      : {}),
    ...(inputs.compat.serviceVolume ? { volumeConfigurations: [inputs.compat.serviceVolume] } : {}),
    ...(update?.deploymentConfiguration ? { deploymentConfiguration: update.deploymentConfiguration } : {}),
    ...(update?.loadBalancers ? { loadBalancers: update.loadBalancers } : {}),
  } as UpdateServiceCommandInput;
  const answer = await aws(`ecs:UpdateService (${service})`, () => client.send(new UpdateServiceCommand(input)));
  return started(answer.service, taskDefinitionArn);
}

/** The container a load balancer sends traffic to: the named one, else the first essential one. */
function loadBalancedContainer(definition: TaskDefinition, containerName: string | undefined): string {
  const chosen = containerName ?? definition.containerDefinitions.find((c) => c.essential !== false)?.name;
  if (!chosen)
    throw new InputError("Input 'target-group-arn' needs 'container-name': which container takes the traffic?");
  return chosen;
}

/** A service to create: its name, the revision it starts with, and the create-service inputs. */
export interface NewService {
  service: string;
  taskDefinitionArn: string;
  definition: TaskDefinition;
  create: CreateServiceOptions;
  update?: StrategyUpdate;
}

export async function createService(
  client: ECSClient,
  inputs: DeployEcsInputs,
  { service, taskDefinitionArn, definition, create, update }: NewService,
): Promise<Started> {
  const answer = await aws(`ecs:CreateService (${service})`, () =>
    client.send(
      new CreateServiceCommand({
        cluster: inputs.cluster,
        serviceName: service,
        taskDefinition: taskDefinitionArn,
        desiredCount: inputs.desiredCount ?? 1,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: create.subnets,
            securityGroups: create.securityGroups,
            assignPublicIp: create.assignPublicIp ? 'ENABLED' : 'DISABLED',
          },
        },
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: create.circuitBreaker, rollback: create.circuitBreaker },
          maximumPercent: 200,
          minimumHealthyPercent: 100,
          ...update?.deploymentConfiguration,
        },
        ...(create.targetGroupArn
          ? {
              loadBalancers: [
                {
                  targetGroupArn: create.targetGroupArn,
                  containerName: loadBalancedContainer(definition, inputs.render.containerName),
                  containerPort: create.containerPort,
                  ...(update?.advanced ? { advancedConfiguration: update.advanced } : {}),
                },
              ],
            }
          : {}),
        ...(inputs.propagateTags ? { propagateTags: inputs.propagateTags } : {}),
        ...(inputs.enableEcsManagedTags !== undefined ? { enableECSManagedTags: inputs.enableEcsManagedTags } : {}),
      }),
    ),
  );
  return started(answer.service, taskDefinitionArn);
}
