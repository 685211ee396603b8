import type { FakeEcs } from '../ecs/index.js';
import { ECS_EVENTS, HOOK_EVENTS, type EcsEvent } from './appspec.js';
import { epoch, type Deployment, type DeploymentGroup, type LifecycleEvent } from './model.js';

/**
 * An ECS blue/green deployment moved on in time, as CodeDeploy runs one (User Guide, "What happens during an
 * Amazon ECS deployment" and "AppSpec 'hooks' section for an Amazon ECS deployment"): Created → Queued →
 * InProgress; the lifecycle events in their documented order; the replacement task set created at Install on the
 * local ECS; the test listener moved to it at AllowTestTraffic; with a group whose deploymentReadyOption is
 * STOP_DEPLOYMENT, the deployment waits in Ready after AfterAllowTestTraffic until ContinueDeployment(READY_WAIT)
 * or, at waitTimeInMinutes, stops; production moved at AllowTraffic (at once, or by the canary / linear steps of
 * the deployment configuration); the original task set kept for terminationWaitTimeInMinutes, then deleted, and
 * only then Succeeded. A failure rolls back when the group's autoRollbackConfiguration (or StopDeployment's
 * autoRollbackEnabled) says so: production and test back on the original task set, the replacement deleted.
 */

/** What a Lambda hook answers: a status now, or undefined to answer later (PutLifecycleEventHookExecutionStatus). */
export type LambdaHook = (call: {
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
  event: EcsEvent;
  functionName: string;
}) => 'Succeeded' | 'Failed' | undefined;

export interface Engine {
  ecs: FakeEcs;
  minuteMs: number;
  lambda: LambdaHook;
  group: (deployment: Deployment) => DeploymentGroup;
}

/** API Reference, PutLifecycleEventHookExecutionStatus: a hook has an hour to report its status. */
const HOOK_TIMEOUT_MINUTES = 60;

/** The predefined ECS deployment configurations (User Guide, "Deployment configurations on an Amazon ECS compute platform"). */
export const ECS_CONFIGS: Record<string, { first: number; step: number; everyMinutes: number }> = {
  'CodeDeployDefault.ECSAllAtOnce': { first: 100, step: 100, everyMinutes: 0 },
  'CodeDeployDefault.ECSCanary10Percent5Minutes': { first: 10, step: 90, everyMinutes: 5 },
  'CodeDeployDefault.ECSCanary10Percent15Minutes': { first: 10, step: 90, everyMinutes: 15 },
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes': { first: 10, step: 10, everyMinutes: 1 },
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes': { first: 10, step: 10, everyMinutes: 3 },
};

export const FINAL = ['Succeeded', 'Failed', 'Stopped'];

export function lifecycleEvents(): LifecycleEvent[] {
  return ECS_EVENTS.map((lifecycleEventName) => ({ lifecycleEventName, status: 'Pending' }));
}

/** One pass of the engine over a deployment. */
export function advance(d: Deployment, engine: Engine, now = Date.now()): void {
  if (FINAL.includes(d.status)) return;
  if (d.status === 'Created') return void (d.status = 'Queued');
  if (d.status === 'Queued') {
    d.status = 'InProgress';
    d.startTime = epoch(now);
    return begin(d, 0, now);
  }
  const group = engine.group(d);
  if (d.status === 'Ready') return readyWait(d, engine, group, now);
  if (d.terminating !== undefined) {
    const wait = group.blueGreenDeploymentConfiguration.terminateBlueInstancesOnDeploymentSuccess;
    if (now - d.terminating < wait.terminationWaitTimeInMinutes * engine.minuteMs) return;
    engine.ecs.taskSets.remove(d.cluster, d.service, d.blue.id);
    engine.ecs.taskSets.route(d.cluster, d.service, undefined);
    d.status = 'Succeeded';
    d.completeTime = epoch(now);
    return;
  }
  const event = d.events[d.current] as LifecycleEvent;
  const name = event.lifecycleEventName;
  if (HOOK_EVENTS.includes(name)) return runHook(d, engine, event, now);
  if (name === 'Install') return install(d, engine, now);
  if (name === 'AllowTestTraffic') {
    route(d, engine, 0, group.loadBalancerInfo.targetGroupPairInfoList[0]?.testTrafficRoute ? 100 : 0);
    return succeed(d, engine, group, now);
  }
  allowTraffic(d, engine, group, now);
}

function begin(d: Deployment, index: number, now: number) {
  d.current = index;
  d.since = now;
  const event = d.events[index] as LifecycleEvent;
  event.status = 'InProgress';
  event.startTime = epoch(now);
}

function succeed(d: Deployment, engine: Engine, group: DeploymentGroup, now: number) {
  const event = d.events[d.current] as LifecycleEvent;
  event.status = 'Succeeded';
  event.endTime = epoch(now);
  d.hook = undefined;
  const ready = group.blueGreenDeploymentConfiguration.deploymentReadyOption;
  if (event.lifecycleEventName === 'AfterAllowTestTraffic' && ready.actionOnTimeout === 'STOP_DEPLOYMENT') {
    d.status = 'Ready';
    d.ready = { since: now, continued: false };
    d.current++;
    return;
  }
  if (d.current + 1 >= d.events.length) {
    d.terminating = now;
    return;
  }
  begin(d, d.current + 1, now);
}

/**
 * API Reference, DeploymentReadyOption: STOP_DEPLOYMENT keeps production traffic off the replacement until
 * ContinueDeployment is called; "if traffic rerouting is not started before the end of the specified wait period,
 * the deployment status is changed to Stopped."
 */
function readyWait(d: Deployment, engine: Engine, group: DeploymentGroup, now: number) {
  if (d.ready?.continued) {
    d.status = 'InProgress';
    d.ready = undefined;
    return begin(d, d.current, now);
  }
  const { waitTimeInMinutes } = group.blueGreenDeploymentConfiguration.deploymentReadyOption;
  if (now - (d.ready?.since ?? now) < waitTimeInMinutes * engine.minuteMs) return;
  end(d, engine, {
    status: 'Stopped',
    code: 'TIMEOUT',
    message: `The deployment was stopped: traffic was not rerouted within the ${waitTimeInMinutes} minutes the deployment group waits for it.`,
    rollback: true,
    now,
  });
}

function runHook(d: Deployment, engine: Engine, event: LifecycleEvent, now: number) {
  const functionName = d.appSpec.hooks[event.lifecycleEventName];
  const group = engine.group(d);
  if (!functionName) return succeed(d, engine, group, now);
  if (!d.hook) {
    const executionId = `${crypto.randomUUID()}`;
    d.hook = { executionId };
    d.executions.push(executionId);
    const answer = engine.lambda({
      deploymentId: d.deploymentId,
      lifecycleEventHookExecutionId: executionId,
      event: event.lifecycleEventName,
      functionName,
    });
    if (answer) d.hook.answer = answer;
  }
  if (d.hook.answer === 'Succeeded') return succeed(d, engine, group, now);
  const timedOut = now - d.since >= HOOK_TIMEOUT_MINUTES * engine.minuteMs;
  if (d.hook.answer !== 'Failed' && !timedOut) return;
  event.diagnostics = {
    errorCode: 'ScriptFailed',
    scriptName: functionName,
    message: timedOut ? 'The hook did not report a status within an hour' : 'The hook reported Failed',
    logTail: '',
  };
  end(d, engine, {
    status: 'Failed',
    code: 'HOOK_EXECUTION_FAILURE',
    message: `The deployment failed because the ${event.lifecycleEventName} lifecycle event hook ${functionName} ${timedOut ? 'timed out' : 'returned Failed'}.`,
    rollback: group.autoRollbackConfiguration.enabled,
    now,
  });
}

/**
 * Install: the replacement task set of the AppSpec's task definition, behind the group's second target group; done
 * once its tasks are healthy. CodeDeploy checks the AppSpec against the service first (INVALID_REVISION), and fails
 * with ECS_UPDATE_ERROR when the task set cannot reach its count (its tasks stopped as many times as it wants).
 */
function install(d: Deployment, engine: Engine, now: number) {
  const group = engine.group(d);
  const { ecs } = engine;
  if (!d.green) {
    const problem = revisionProblem(d, ecs);
    if (problem)
      return end(d, engine, { status: 'Failed', code: 'INVALID_REVISION', message: problem, rollback: false, now });
    d.green = ecs.taskSets.create(d.cluster, d.service, d.appSpec.taskDefinition).id;
    return;
  }
  const health = ecs.taskSets.health(d.cluster, d.service, d.green);
  if (health.healthy >= health.wanted) return succeed(d, engine, group, now);
  if (health.failed < Math.max(1, health.wanted)) return;
  const stopped = [...ecs.tasks.values()].find((t) => t.startedBy === d.green && t.lastStatus === 'STOPPED');
  end(d, engine, {
    status: 'Failed',
    code: 'ECS_UPDATE_ERROR',
    message: `The ECS service cannot be updated: the replacement task set did not reach a steady state (${health.failed} tasks stopped: ${stopped?.stoppedReason ?? 'stopped'}).`,
    rollback: group.autoRollbackConfiguration.enabled,
    now,
  });
}

function revisionProblem(d: Deployment, ecs: FakeEcs): string | undefined {
  const ref = d.appSpec.taskDefinition;
  const family = ref.slice(ref.lastIndexOf('/') + 1).split(':');
  const definition = (ecs.definitions.get(family[0] ?? '') ?? []).find(
    (def) => def.taskDefinitionArn === ref && def.status === 'ACTIVE',
  );
  if (!definition) return `The AppSpec's TaskDefinition ${ref} is not an active task definition.`;
  const service = ecs.service(d.cluster, d.service);
  const lb = (service.loadBalancers as { containerName?: string; containerPort?: number }[])[0];
  if (lb && (lb.containerName !== d.appSpec.containerName || lb.containerPort !== d.appSpec.containerPort))
    return `The AppSpec's LoadBalancerInfo (${d.appSpec.containerName}:${d.appSpec.containerPort}) does not match the service's load balancer container (${lb.containerName}:${lb.containerPort}).`;
  const container = definition.containerDefinitions.find((c) => c.name === d.appSpec.containerName);
  if (!container) return `The container ${d.appSpec.containerName} is not in the task definition ${ref}.`;
  return undefined;
}

/** AllowTraffic: production moved to the replacement by the configuration's steps; the replacement becomes primary. */
function allowTraffic(d: Deployment, engine: Engine, group: DeploymentGroup, now: number) {
  const config = ECS_CONFIGS[d.deploymentConfigName] ?? { first: 100, step: 100, everyMinutes: 0 };
  const steps = config.everyMinutes > 0 ? Math.floor((now - d.since) / (config.everyMinutes * engine.minuteMs)) : 0;
  d.shifted = Math.min(100, config.first + steps * config.step);
  route(d, engine, d.shifted, 100);
  if (d.shifted < 100) return;
  engine.ecs.taskSets.promote(d.cluster, d.service, d.green as string);
  succeed(d, engine, group, now);
}

function route(d: Deployment, engine: Engine, production: number, test: number) {
  const split = (green: number) =>
    [
      { taskDefinition: d.blue.taskDefinition, weight: 100 - green },
      { taskDefinition: d.appSpec.taskDefinition, weight: green },
    ].filter((w) => w.weight > 0);
  engine.ecs.taskSets.route(d.cluster, d.service, { production: split(production), test: split(test) });
}

/** Ends a deployment that failed or was stopped; with rollback, everything back on the original task set. */
export function end(
  d: Deployment,
  engine: Engine,
  how: { status: 'Failed' | 'Stopped'; code: string; message: string; rollback: boolean; now: number },
): void {
  const event = d.events[d.current];
  if (event?.status === 'InProgress') {
    event.status = 'Failed';
    event.endTime = epoch(how.now);
  }
  for (const later of d.events) if (later.status === 'Pending') later.status = 'Skipped';
  d.status = how.status;
  d.errorInformation = { code: how.code, message: how.message };
  d.completeTime = epoch(how.now);
  if (!how.rollback) return;
  const { taskSets } = engine.ecs;
  const service = engine.ecs.service(d.cluster, d.service);
  if (service.deployments.some((x) => x.id === d.blue.id)) taskSets.promote(d.cluster, d.service, d.blue.id);
  if (d.green && service.deployments.some((x) => x.id === d.green)) taskSets.remove(d.cluster, d.service, d.green);
  taskSets.route(d.cluster, d.service, undefined);
  d.rollbackInfo = { rollbackMessage: `Traffic was rerouted to the original task set of ${d.blue.taskDefinition}.` };
}
