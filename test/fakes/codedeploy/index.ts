import { randomBytes } from 'node:crypto';
import { AwsFault, startJsonServer, type JsonServer } from '../aws/json-server.js';
import type { FakeEcs } from '../ecs/index.js';
import { readRevision } from './appspec.js';
import { advance, ECS_CONFIGS, end, FINAL, lifecycleEvents, type Engine, type LambdaHook } from './lifecycle.js';
import { epoch, REGION, type Application, type Deployment, type DeploymentGroup } from './model.js';
import { deploymentInfo, ecsGroup, ecsTarget, type EcsGroupOptions } from './views.js';

export type { LambdaHook } from './lifecycle.js';
export type { EcsGroupOptions } from './views.js';

/**
 * A local AWS CodeDeploy endpoint on the JSON 1.1 protocol (`X-Amz-Target: CodeDeploy_20141006.<Operation>`), for
 * the real @aws-sdk/client-codedeploy through AWS_ENDPOINT_URL_CODEDEPLOY: the calls an ECS blue/green deployment
 * needs (GetApplication, GetDeploymentGroup, CreateDeployment, GetDeployment, ListDeploymentTargets,
 * GetDeploymentTarget, ContinueDeployment, StopDeployment, PutLifecycleEventHookExecutionStatus), with CodeDeploy's
 * exception names. It performs the deployment on the local ECS (its task sets, lifecycle.ts) so the local load
 * balancer moves real requests; a minute of its clock lasts `minuteMs`.
 */

export interface FakeCodeDeploy extends JsonServer {
  applications: Map<string, Application>;
  groups: Map<string, DeploymentGroup>;
  deployments: Map<string, Deployment>;
  /** What each Lambda hook answers (default Succeeded at once). */
  lambda: LambdaHook;
  /** Seeds an ECS application and its blue/green deployment group for a service, as the console creates them. */
  seedEcsGroup(options: EcsGroupOptions): DeploymentGroup;
}

const groupKey = (application: string, group: string) => `${application}/${group}`;
/** API Reference, DeploymentInfo `deploymentId`: "d-" and nine upper-case letters and digits. */
const newDeploymentId = () =>
  `d-${[...randomBytes(9)].map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[b % 36]).join('')}`;

export async function startFakeCodeDeploy(ecs: FakeEcs, options: { minuteMs?: number } = {}): Promise<FakeCodeDeploy> {
  const applications = new Map<string, Application>();
  const groups = new Map<string, DeploymentGroup>();
  const deployments = new Map<string, Deployment>();
  const engine: Engine = {
    ecs,
    minuteMs: options.minuteMs ?? 60_000,
    // Tests assign `lambda` on the object returned below; the engine asks it each time.
    lambda: (call) => api.lambda(call),
    group: (d) => groups.get(groupKey(d.applicationName, d.deploymentGroupName)) as DeploymentGroup,
  };

  function application(body: Record<string, unknown>): Application {
    const name = body.applicationName;
    if (typeof name !== 'string' || name === '')
      throw new AwsFault('ApplicationNameRequiredException', 'Application name is required');
    const found = applications.get(name);
    if (!found) throw new AwsFault('ApplicationDoesNotExistException', `No application found for name: ${name}`);
    return found;
  }
  function group(body: Record<string, unknown>): DeploymentGroup {
    const app = application(body);
    const name = body.deploymentGroupName;
    if (typeof name !== 'string' || name === '')
      throw new AwsFault('DeploymentGroupNameRequiredException', 'Deployment Group name is required');
    const found = groups.get(groupKey(app.applicationName, name));
    if (!found)
      throw new AwsFault('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${name}`);
    return found;
  }
  function deployment(body: Record<string, unknown>): Deployment {
    const id = body.deploymentId;
    if (typeof id !== 'string' || id === '')
      throw new AwsFault('DeploymentIdRequiredException', 'Deployment id is required');
    if (!/^d-[A-Z0-9]{9}$/.test(id)) throw new AwsFault('InvalidDeploymentIdException', `Invalid deployment id: ${id}`);
    const found = deployments.get(id);
    if (!found) throw new AwsFault('DeploymentDoesNotExistException', `The deployment ${id} could not be found.`);
    return found;
  }

  function createDeployment(body: Record<string, unknown>) {
    const g = group(body);
    const configName = (body.deploymentConfigName as string | undefined) ?? g.deploymentConfigName;
    // API Reference, CreateDeployment: DeploymentConfigDoesNotExistException; an ECS group takes ECS configurations.
    if (!ECS_CONFIGS[configName])
      throw new AwsFault(
        'DeploymentConfigDoesNotExistException',
        `No deployment configuration found for name: ${configName}`,
      );
    const description = body.description;
    if (typeof description === 'string' && description.length > 512)
      throw new AwsFault('InvalidDescriptionException', 'Description can be at most 512 characters');
    const appSpec = readRevision(body.revision);
    const active = [...deployments.values()].find(
      (d) =>
        d.applicationName === g.applicationName &&
        d.deploymentGroupName === g.deploymentGroupName &&
        !FINAL.includes(d.status),
    );
    // API Reference, CreateDeployment: DeploymentLimitExceededException; a group runs one deployment at a time.
    if (active)
      throw new AwsFault(
        'DeploymentLimitExceededException',
        `The Deployment Group '${g.deploymentGroupName}' already has an active Deployment '${active.deploymentId}'`,
      );
    const target = g.ecsServices[0] as { serviceName: string; clusterName: string };
    const service = ecs.service(target.clusterName, target.serviceName);
    if (!service || service.deploymentController.type !== 'CODE_DEPLOY')
      throw new AwsFault(
        'InvalidECSServiceException',
        `The ECS service ${target.serviceName} does not use the CODE_DEPLOY deployment controller`,
      );
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    const d: Deployment = {
      deploymentId: newDeploymentId(),
      applicationName: g.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      deploymentConfigName: configName,
      ...(typeof description === 'string' ? { description } : {}),
      revision: body.revision,
      appSpec,
      status: 'Created',
      createTime: epoch(),
      events: lifecycleEvents(),
      executions: [],
      current: 0,
      since: Date.now(),
      blue: { taskDefinition: service.taskDefinition, id: primary?.id ?? '' },
      shifted: 0,
      cluster: target.clusterName,
      service: target.serviceName,
      serviceArn: service.serviceArn,
    };
    deployments.set(d.deploymentId, d);
    return { deploymentId: d.deploymentId };
  }

  const fake = {
    applications,
    groups,
    deployments,
    lambda: (() => 'Succeeded') as LambdaHook,
    seedEcsGroup(o: EcsGroupOptions): DeploymentGroup {
      const { application, group } = ecsGroup(o);
      if (!applications.has(application.applicationName)) applications.set(application.applicationName, application);
      groups.set(groupKey(application.applicationName, group.deploymentGroupName), group);
      return group;
    },
  };

  function tick() {
    for (const d of deployments.values()) advance(d, engine);
  }

  const server = await startJsonServer(
    'CodeDeploy_20141006',
    {
      GetApplication: (body) => ({ application: application(body) }),
      GetDeploymentGroup: (body) => ({ deploymentGroupInfo: group(body) }),
      CreateDeployment: createDeployment,
      GetDeployment: (body) => {
        const d = deployment(body);
        return { deploymentInfo: deploymentInfo(d, engine.group(d)) };
      },
      ListDeploymentTargets: (body) => {
        const d = deployment(body);
        return { targetIds: [`${d.cluster}:${d.service}`] };
      },
      GetDeploymentTarget: (body) => {
        const d = deployment(body);
        if (body.targetId !== `${d.cluster}:${d.service}`)
          throw new AwsFault(
            'DeploymentTargetDoesNotExistException',
            `The target ${String(body.targetId)} does not exist in ${d.deploymentId}`,
          );
        return { deploymentTarget: ecsTarget(d) };
      },
      ContinueDeployment: (body) => {
        const d = deployment(body);
        const waitType = body.deploymentWaitType ?? 'READY_WAIT';
        if (waitType !== 'READY_WAIT' && waitType !== 'TERMINATION_WAIT')
          throw new AwsFault('InvalidDeploymentWaitTypeException', `Invalid deployment wait type: ${String(waitType)}`);
        if (FINAL.includes(d.status))
          throw new AwsFault(
            'DeploymentAlreadyCompletedException',
            `The deployment ${d.deploymentId} is already completed.`,
          );
        if (waitType === 'READY_WAIT' && d.status !== 'Ready')
          throw new AwsFault(
            'DeploymentIsNotInReadyStateException',
            `The deployment ${d.deploymentId} is not in a Ready state.`,
          );
        if (waitType === 'TERMINATION_WAIT') {
          if (d.terminating === undefined)
            throw new AwsFault(
              'InvalidDeploymentStatusException',
              `The deployment ${d.deploymentId} is not waiting to terminate the original task set.`,
            );
          d.terminating = -Infinity;
        } else if (d.ready) d.ready.continued = true;
        return {};
      },
      StopDeployment: (body) => {
        const d = deployment(body);
        if (FINAL.includes(d.status))
          throw new AwsFault(
            'DeploymentAlreadyCompletedException',
            `The deployment ${d.deploymentId} is already completed.`,
          );
        const rollback = body.autoRollbackEnabled === true;
        end(d, engine, {
          status: 'Stopped',
          code: 'MANUAL_STOP',
          message: `The deployment was stopped by a StopDeployment request${rollback ? ' with automatic rollback' : ''}.`,
          rollback,
          now: Date.now(),
        });
        return { status: 'Succeeded', statusMessage: 'The deployment was stopped.' };
      },
      PutLifecycleEventHookExecutionStatus: (body) => {
        const d = deployment(body);
        const status = body.status;
        if (status !== 'Succeeded' && status !== 'Failed')
          throw new AwsFault('InvalidLifecycleEventHookExecutionStatusException', `Invalid status: ${String(status)}`);
        const id = String(body.lifecycleEventHookExecutionId ?? '');
        // API Reference, PutLifecycleEventHookExecutionStatus: an ID the deployment never gave, or an event done.
        if (!d.executions.includes(id))
          throw new AwsFault(
            'InvalidLifecycleEventHookExecutionIdException',
            'The lifecycle event hook execution id is not valid for this deployment.',
          );
        if (!d.hook || d.hook.executionId !== id || d.hook.answer)
          throw new AwsFault(
            'LifecycleEventAlreadyCompletedException',
            'The lifecycle event hook execution already has a status.',
          );
        d.hook.answer = status;
        return { lifecycleEventHookExecutionId: d.hook.executionId };
      },
    },
    tick,
  );
  const timer = setInterval(tick, 50);
  timer.unref();
  const close = server.close;
  const api = Object.assign(server, fake, {
    close: async () => {
      clearInterval(timer);
      await close();
    },
  }) as unknown as FakeCodeDeploy;
  return api;
}

export const CODEDEPLOY_REGION = REGION;
