import { randomUUID } from 'node:crypto';
import { AwsFault } from '../aws/json-server.js';
import { epoch, type Deployment, type Json, type Service } from './model.js';

/**
 * ECS's own blue/green, canary and linear deployments (deploymentConfiguration.strategy BLUE_GREEN, CANARY,
 * LINEAR with the ECS deployment controller), as the API Reference describes them (DeploymentConfiguration,
 * CanaryConfiguration, LinearConfiguration, DeploymentLifecycleHook, DeploymentLifecycleHookTimeoutConfiguration,
 * ServiceDeployment `lifecycleStage`, ContinueServiceDeployment) and the Developer Guide ("Amazon ECS blue/green
 * deployments", "Lifecycle hooks for Amazon ECS service deployments").
 *
 * The green revision is scaled up beside the blue one, takes 100% of the test traffic, then the production
 * traffic (at once, or in canary / linear steps with a bake time between), both run for the bake time, and the
 * blue one is scaled down. A lifecycle hook holds its stage until it succeeds: a Lambda hook as the test's
 * `lambda` answers, a PAUSE hook until ContinueServiceDeployment or its timeout (timeoutConfiguration.action,
 * ROLLBACK by default, after timeoutInMinutes, 1440 by default). A rollback puts all traffic back on blue and
 * scales green down. Minutes pass as `minuteMs` says, so a test can run a 10-minute bake in a second.
 */

export type TrafficStrategy = 'BLUE_GREEN' | 'CANARY' | 'LINEAR';

/** The stages in their documented order (ServiceDeployment `lifecycleStage`, DeploymentLifecycleHook `lifecycleStages`). */
export const STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;
export type Stage = (typeof STAGES)[number];

/** The stages a hook may name (DeploymentLifecycleHookStage); PAUSE hooks not at the two traffic-shift stages. */
const HOOK_STAGES: readonly Stage[] = STAGES.filter((s) => !['SCALE_UP', 'BAKE_TIME', 'CLEAN_UP'].includes(s));

export interface LifecycleHook {
  targetType?: 'AWS_LAMBDA' | 'PAUSE';
  hookTargetArn?: string;
  roleArn?: string;
  lifecycleStages?: Stage[];
  hookDetails?: unknown;
  timeoutConfiguration?: { timeoutInMinutes?: number; action?: 'CONTINUE' | 'ROLLBACK' };
}

export interface HookRun {
  hookId: string;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  status: 'IN_PROGRESS' | 'AWAITING_ACTION' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  /** When the hook started (ms): a PAUSE hook is AWAITING_ACTION from then. */
  startedAt: number;
  expiresAt: number;
  timeoutAction: 'CONTINUE' | 'ROLLBACK';
  stage: Stage;
  /** What ContinueServiceDeployment asked, until the next tick acts on it. */
  decision?: 'CONTINUE' | 'ROLLBACK';
}

/** What a test's Lambda hook answers (the function's `hookStatus`). */
export type LambdaAnswer = 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
export type LambdaHook = (call: {
  hookTargetArn: string;
  stage: Stage;
  serviceDeploymentArn: string;
  hookDetails?: unknown;
}) => LambdaAnswer;

export interface Traffic {
  strategy: TrafficStrategy;
  stage: Stage;
  stageStartedAt: number;
  hooks: HookRun[];
  /** Every hook run of the deployment, to answer ContinueServiceDeployment about one that is over. */
  ran: HookRun[];
  /** Percent of production and of test traffic on green. */
  production: number;
  test: number;
  /** When the next canary/linear step, the bake time or a step's bake ends (ms). */
  waitUntil?: number;
  /** The hooks of PRE_PRODUCTION_TRAFFIC_SHIFT ran for the step about to happen. */
  preShiftDone?: boolean;
  triggeredAlarms: string[];
}

export interface StrategyClock {
  minuteMs: number;
  lambda: LambdaHook;
  /** Alarms in ALARM state now, by name (the test sets them). */
  alarms: Set<string>;
}

const config = (service: Service) => service.deploymentConfiguration as Service['deploymentConfiguration'] & Json;

export function strategyOf(service: Service): TrafficStrategy | undefined {
  const strategy = config(service).strategy as string | undefined;
  return strategy && strategy !== 'ROLLING' ? (strategy as TrafficStrategy) : undefined;
}

const multipleOfTenth = (value: number) => Math.abs(value * 10 - Math.round(value * 10)) < 1e-9;

function range(name: string, value: unknown, min: number, max: number, tenth = false) {
  if (value === undefined) return;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (tenth && !multipleOfTenth(n)))
    throw new AwsFault(
      'InvalidParameterException',
      `${name} must be ${tenth ? 'a multiple of 0.1 ' : ''}between ${min} and ${max}.`,
    );
}

/**
 * CreateService / UpdateService checks of a deployment configuration and load balancers (API Reference,
 * DeploymentConfiguration, CanaryConfiguration, LinearConfiguration, DeploymentLifecycleHook, AdvancedConfiguration).
 */
export function checkStrategy(given: Json | undefined, controller: string, loadBalancers: Json[] | undefined): void {
  if (!given) return;
  const strategy = (given.strategy as string | undefined) ?? 'ROLLING';
  if (!['ROLLING', 'BLUE_GREEN', 'CANARY', 'LINEAR'].includes(strategy))
    throw new AwsFault('InvalidParameterException', `Invalid deployment strategy: ${strategy}.`);
  if (strategy !== 'ROLLING' && controller !== 'ECS')
    throw new AwsFault(
      'InvalidParameterException',
      `The ${strategy} deployment strategy requires the ECS deployment controller.`,
    );
  if (given.canaryConfiguration !== undefined && strategy !== 'CANARY')
    throw new AwsFault('InvalidParameterException', 'canaryConfiguration is only valid with the CANARY strategy.');
  if (given.linearConfiguration !== undefined && strategy !== 'LINEAR')
    throw new AwsFault('InvalidParameterException', 'linearConfiguration is only valid with the LINEAR strategy.');
  if ((given.earlySuccessCriteria as Json | undefined)?.enable === true && strategy !== 'ROLLING')
    throw new AwsFault('InvalidParameterException', 'earlySuccessCriteria is only valid with the ROLLING strategy.');
  // DeploymentConfiguration `bakeTimeInMinutes`: "You must provide this parameter when you use the BLUE_GREEN
  // deployment strategy."
  if (strategy === 'BLUE_GREEN' && given.bakeTimeInMinutes === undefined)
    throw new AwsFault('InvalidParameterException', 'bakeTimeInMinutes is required for the BLUE_GREEN strategy.');
  range('bakeTimeInMinutes', given.bakeTimeInMinutes, 0, 1440);
  const canary = given.canaryConfiguration as Json | undefined;
  range('canaryPercent', canary?.canaryPercent, 0.1, 100, true);
  range('canaryBakeTimeInMinutes', canary?.canaryBakeTimeInMinutes, 0, 1440);
  const linear = given.linearConfiguration as Json | undefined;
  range('stepPercent', linear?.stepPercent, 3, 100, true);
  range('stepBakeTimeInMinutes', linear?.stepBakeTimeInMinutes, 0, 1440);
  for (const hook of (given.lifecycleHooks as LifecycleHook[] | undefined) ?? []) checkHook(hook);
  if (strategy !== 'ROLLING') for (const lb of loadBalancers ?? []) checkAdvanced(lb, strategy);
}

function checkHook(hook: LifecycleHook) {
  const type = hook.targetType ?? 'AWS_LAMBDA';
  if (!['AWS_LAMBDA', 'PAUSE'].includes(type))
    throw new AwsFault('InvalidParameterException', `Invalid lifecycle hook targetType: ${type}.`);
  if (!hook.lifecycleStages?.length)
    throw new AwsFault('InvalidParameterException', 'lifecycleStages must be provided for a lifecycle hook.');
  for (const stage of hook.lifecycleStages)
    if (!HOOK_STAGES.includes(stage))
      throw new AwsFault('InvalidParameterException', `Invalid lifecycle stage for a hook: ${stage}.`);
  // DeploymentLifecycleHook `lifecycleStages`: "PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or
  // PRODUCTION_TRAFFIC_SHIFT stages. These stages are only valid for AWS_LAMBDA hooks."
  if (
    type === 'PAUSE' &&
    hook.lifecycleStages.some((s) => s === 'TEST_TRAFFIC_SHIFT' || s === 'PRODUCTION_TRAFFIC_SHIFT')
  )
    throw new AwsFault(
      'InvalidParameterException',
      'PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages.',
    );
  // `hookTargetArn`: "You must provide this parameter when configuring an AWS_LAMBDA lifecycle hook"; it is "not
  // applicable for PAUSE hooks".
  if (
    type === 'AWS_LAMBDA' &&
    !/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+/.test(hook.hookTargetArn ?? '')
  )
    throw new AwsFault(
      'InvalidParameterException',
      'hookTargetArn must be a Lambda function ARN for an AWS_LAMBDA hook.',
    );
  if (type === 'PAUSE' && hook.hookTargetArn !== undefined)
    throw new AwsFault('InvalidParameterException', 'hookTargetArn is not applicable for PAUSE hooks.');
  if (type === 'AWS_LAMBDA' && !hook.roleArn)
    throw new AwsFault('InvalidParameterException', 'roleArn is required for an AWS_LAMBDA hook.');
  range('timeoutInMinutes', hook.timeoutConfiguration?.timeoutInMinutes, 1, 1440);
  const action = hook.timeoutConfiguration?.action;
  if (action !== undefined && !['CONTINUE', 'ROLLBACK'].includes(action))
    throw new AwsFault('InvalidParameterException', `Invalid timeout action: ${String(action)}.`);
}

/**
 * LoadBalancer `advancedConfiguration` (API Reference, AdvancedConfiguration): a traffic-shifting strategy behind a
 * load balancer needs the alternate target group, the production listener rule and the role ECS uses to change
 * them; the test listener rule is optional (no test traffic without it).
 */
function checkAdvanced(lb: Json, strategy: string) {
  const advanced = lb.advancedConfiguration as Json | undefined;
  for (const field of ['alternateTargetGroupArn', 'productionListenerRule', 'roleArn'])
    if (!advanced?.[field])
      throw new AwsFault(
        'InvalidParameterException',
        `advancedConfiguration.${field} is required for a load balancer of a service with the ${strategy} strategy.`,
      );
  if (advanced?.alternateTargetGroupArn === lb.targetGroupArn)
    throw new AwsFault('InvalidParameterException', 'alternateTargetGroupArn must differ from targetGroupArn.');
}

/** A new traffic-shifting deployment: green held at 0 tasks until SCALE_UP. */
export function startTraffic(service: Service, green: Deployment, sources: number): Traffic {
  green.desiredCount = 0;
  return {
    strategy: strategyOf(service) as TrafficStrategy,
    stage: sources > 1 ? 'RECONCILE_SERVICE' : 'PRE_SCALE_UP',
    stageStartedAt: Date.now(),
    hooks: [],
    ran: [],
    production: 0,
    test: 0,
    triggeredAlarms: [],
  };
}

/** What the engine needs from the book for one record. */
export interface Moving {
  service: Service;
  green: Deployment;
  blue: Deployment | undefined;
  traffic: Traffic;
  serviceDeploymentArn: string;
  /** Healthy RUNNING tasks of a deployment now. */
  healthy: (deployment: Deployment) => number;
  /** The circuit breaker's threshold reached for green. */
  breakerTripped: () => boolean;
}

export type Outcome = { done: 'SUCCESSFUL' } | { rollback: string } | { stopped: string } | undefined;

/** Starts the hooks of `stage` (none configured: none run). */
function startHooks(moving: Moving, clock: StrategyClock, stage: Stage): HookRun[] {
  const hooks = (config(moving.service).lifecycleHooks as LifecycleHook[] | undefined) ?? [];
  return hooks
    .filter((hook) => hook.lifecycleStages?.includes(stage))
    .map((hook) => ({
      hookId: randomUUID(),
      targetType: hook.targetType ?? 'AWS_LAMBDA',
      ...(hook.hookTargetArn ? { targetArn: hook.hookTargetArn } : {}),
      status: hook.targetType === 'PAUSE' ? ('AWAITING_ACTION' as const) : ('IN_PROGRESS' as const),
      startedAt: Date.now(),
      expiresAt: Date.now() + (hook.timeoutConfiguration?.timeoutInMinutes ?? 1440) * clock.minuteMs,
      timeoutAction: hook.timeoutConfiguration?.action ?? 'ROLLBACK',
      stage,
    }));
}

/** Moves each hook of the stage on; returns true once all succeeded, or an outcome that ends the deployment. */
function hooksDone(
  moving: Moving,
  clock: StrategyClock,
  hooks: LifecycleHook[],
  runs: HookRun[],
): true | false | Outcome {
  const now = Date.now();
  for (const run of runs) {
    if (run.status === 'SUCCEEDED') continue;
    if (run.decision) {
      run.status = 'SUCCEEDED';
      if (run.decision === 'ROLLBACK')
        return { rollback: `Lifecycle hook ${run.hookId} at ${run.stage} asked to roll back.` };
      continue;
    }
    if (now >= run.expiresAt) {
      run.status = 'TIMED_OUT';
      if (run.timeoutAction === 'ROLLBACK')
        return { rollback: `Lifecycle hook ${run.hookId} at ${run.stage} timed out; its timeout action is ROLLBACK.` };
      run.status = 'SUCCEEDED';
      continue;
    }
    if (run.targetType === 'AWS_LAMBDA') {
      const hook = hooks.find((h) => h.hookTargetArn === run.targetArn);
      const answer = clock.lambda({
        hookTargetArn: run.targetArn ?? '',
        stage: run.stage,
        serviceDeploymentArn: moving.serviceDeploymentArn,
        ...(hook?.hookDetails !== undefined ? { hookDetails: hook.hookDetails } : {}),
      });
      if (answer === 'FAILED') {
        run.status = 'FAILED';
        return { rollback: `Lifecycle hook ${run.targetArn ?? run.hookId} failed at ${run.stage}.` };
      }
      if (answer === 'SUCCEEDED') run.status = 'SUCCEEDED';
    }
  }
  return runs.every((run) => run.status === 'SUCCEEDED');
}

function enter(traffic: Traffic, stage: Stage) {
  traffic.stage = stage;
  traffic.stageStartedAt = Date.now();
  traffic.hooks = [];
  delete traffic.waitUntil;
}

/** The alarms the deployment watches that are in ALARM now (DeploymentAlarms, enable). */
function firedAlarms(moving: Moving, clock: StrategyClock): string[] {
  const alarms = config(moving.service).alarms as { alarmNames?: string[]; enable?: boolean } | undefined;
  if (!alarms?.enable) return [];
  return (alarms.alarmNames ?? []).filter((name) => clock.alarms.has(name));
}

/**
 * One scheduler pass of a traffic-shifting deployment. Hooks of a stage run when it is entered and hold it; then
 * the stage's own work happens, then the next stage is entered.
 */
export function advanceTraffic(moving: Moving, clock: StrategyClock): Outcome {
  const { traffic } = moving;
  const fired = firedAlarms(moving, clock);
  if (fired.length > 0 && STAGES.indexOf(traffic.stage) >= STAGES.indexOf('SCALE_UP')) {
    traffic.triggeredAlarms = fired;
    const alarms = config(moving.service).alarms as { rollback?: boolean } | undefined;
    const reason = `CloudWatch alarm(s) ${fired.join(', ')} in ALARM state.`;
    return alarms?.rollback ? { rollback: reason } : { stopped: reason };
  }
  if (traffic.stage === 'SCALE_UP' && moving.breakerTripped())
    return { rollback: 'ECS deployment circuit breaker: tasks failed to start.' };
  const hooks = (config(moving.service).lifecycleHooks as LifecycleHook[] | undefined) ?? [];
  if (
    HOOK_STAGES.includes(traffic.stage) &&
    !(traffic.stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT' && traffic.preShiftDone)
  ) {
    if (traffic.hooks.length === 0) {
      traffic.hooks = startHooks(moving, clock, traffic.stage);
      traffic.ran.push(...traffic.hooks);
    }
    const held = hooksDone(moving, clock, hooks, traffic.hooks);
    if (held !== true) return held === false ? undefined : held;
  }
  return work(moving, clock);
}

/** The stage's own work once its hooks passed; enters the next stage when it is done. */
function work(moving: Moving, clock: StrategyClock): Outcome {
  const { traffic, green, service } = moving;
  const now = Date.now();
  const next = (stage: Stage): Outcome => {
    enter(traffic, stage);
    return undefined;
  };
  switch (traffic.stage) {
    case 'RECONCILE_SERVICE':
      return next('PRE_SCALE_UP');
    case 'PRE_SCALE_UP':
      green.desiredCount = service.desiredCount;
      return next('SCALE_UP');
    case 'SCALE_UP':
      if (moving.healthy(green) >= service.desiredCount) next('POST_SCALE_UP');
      return undefined;
    case 'POST_SCALE_UP':
      return next('TEST_TRAFFIC_SHIFT');
    case 'TEST_TRAFFIC_SHIFT':
      traffic.test = 100;
      return next('POST_TEST_TRAFFIC_SHIFT');
    case 'POST_TEST_TRAFFIC_SHIFT':
      return next('PRE_PRODUCTION_TRAFFIC_SHIFT');
    case 'PRE_PRODUCTION_TRAFFIC_SHIFT':
      traffic.preShiftDone = true;
      traffic.stage = 'PRODUCTION_TRAFFIC_SHIFT';
      traffic.hooks = [];
      return undefined;
    case 'PRODUCTION_TRAFFIC_SHIFT':
      return shift(moving, clock, now);
    case 'POST_PRODUCTION_TRAFFIC_SHIFT':
      next('BAKE_TIME');
      traffic.waitUntil = now + Number(config(service).bakeTimeInMinutes ?? 0) * clock.minuteMs;
      return undefined;
    case 'BAKE_TIME':
      if (now >= (traffic.waitUntil ?? 0)) next('CLEAN_UP');
      return undefined;
    case 'CLEAN_UP':
      return { done: 'SUCCESSFUL' };
  }
}

/** One production traffic step: all at once (BLUE_GREEN), canaryPercent then the rest, or stepPercent each step. */
function shift(moving: Moving, clock: StrategyClock, now: number): Outcome {
  const { traffic, service } = moving;
  if (traffic.waitUntil !== undefined && now < traffic.waitUntil) return undefined;
  if (traffic.waitUntil !== undefined) {
    // A step's bake ended: the next step starts with PRE_PRODUCTION_TRAFFIC_SHIFT's hooks again.
    delete traffic.waitUntil;
    traffic.preShiftDone = false;
    traffic.stage = 'PRE_PRODUCTION_TRAFFIC_SHIFT';
    traffic.hooks = [];
    return undefined;
  }
  const canary = config(service).canaryConfiguration as Json | undefined;
  const linear = config(service).linearConfiguration as Json | undefined;
  if (traffic.strategy === 'CANARY' && traffic.production === 0) {
    traffic.production = Number(canary?.canaryPercent ?? 5);
    traffic.waitUntil = now + Number(canary?.canaryBakeTimeInMinutes ?? 10) * clock.minuteMs;
  } else if (traffic.strategy === 'LINEAR') {
    traffic.production = Math.min(100, Math.round((traffic.production + Number(linear?.stepPercent ?? 10)) * 10) / 10);
    // LinearConfiguration `stepBakeTimeInMinutes`: "not applied after reaching 100 percent traffic".
    if (traffic.production < 100) traffic.waitUntil = now + Number(linear?.stepBakeTimeInMinutes ?? 6) * clock.minuteMs;
  } else {
    traffic.production = 100;
  }
  if (traffic.production >= 100 && traffic.waitUntil === undefined) enter(traffic, 'POST_PRODUCTION_TRAFFIC_SHIFT');
  return undefined;
}

/** ContinueServiceDeployment on a hook AWAITING_ACTION (API Reference, ContinueServiceDeployment). */
export function continueHook(traffic: Traffic | undefined, hookId: string, action: string): void {
  if (!['CONTINUE', 'ROLLBACK'].includes(action))
    throw new AwsFault('InvalidParameterException', `Invalid action: ${action}.`);
  const run = traffic?.ran.find((h) => h.hookId === hookId);
  if (!run)
    throw new AwsFault(
      'InvalidParameterException',
      `The lifecycle hook ${hookId} is not running in this service deployment.`,
    );
  if (run.status !== 'AWAITING_ACTION')
    throw new AwsFault('ConflictException', `The lifecycle hook ${hookId} is ${run.status}, not AWAITING_ACTION.`);
  run.decision = action as 'CONTINUE' | 'ROLLBACK';
}

/** The hook details a ServiceDeployment shows (DeploymentLifecycleHookDetail). */
export function hookDetails(traffic: Traffic): Json[] {
  return traffic.hooks.map((run) => ({
    hookId: run.hookId,
    targetType: run.targetType,
    ...(run.targetArn ? { targetArn: run.targetArn } : {}),
    status: run.status,
    expiresAt: epoch(run.expiresAt),
    timeoutAction: run.timeoutAction,
  }));
}

/** What ServiceDeployment `lifecycleStage` shows: PRE_PRODUCTION_TRAFFIC_SHIFT is a hook stage only. */
export const shownStage = (stage: Stage) =>
  stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT' ? 'PRODUCTION_TRAFFIC_SHIFT' : stage;
