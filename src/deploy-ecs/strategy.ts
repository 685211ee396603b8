import type {
  AdvancedConfiguration,
  DeploymentConfiguration,
  DeploymentLifecycleHook,
  LoadBalancer,
  Service,
} from '@aws-sdk/client-ecs';
import { InputError } from '../lib/errors.js';
import { GATE_STAGE, type GateInputs, type Strategy, type StrategyInputs } from './strategy-inputs.js';

/**
 * The deployment configuration an update sends when strategy or gate inputs are given: the service's own,
 * read before the update, with only what the inputs set changed (UpdateService takes the whole
 * deploymentConfiguration; a field left out could be lost). Pure, and checked as ECS checks it (API Reference,
 * DeploymentConfiguration, AdvancedConfiguration, DeploymentLifecycleHook), so a refusal comes before anything is
 * registered.
 */

export const TRAFFIC_SHIFTING: readonly Strategy[] = ['BLUE_GREEN', 'CANARY', 'LINEAR'];

export interface StrategyUpdate {
  /** The strategy the next deployment runs with. */
  strategy: Strategy;
  /** What UpdateService / CreateService sends; undefined when no strategy or gate input was given. */
  deploymentConfiguration?: DeploymentConfiguration;
  /** The load balancers with the advanced configuration given; undefined when none was given. */
  loadBalancers?: LoadBalancer[];
  /** The advanced configuration asked for, for a service this run creates. */
  advanced?: AdvancedConfiguration;
  /** The gate's PAUSE hook: added to the configuration, or one of the service's own reused. */
  gate?: 'added' | 'reused';
  /** The test listener rule of the load balancer, once merged (the gate's test URL). */
  testListenerRule?: string;
}

const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

function anythingGiven(inputs: StrategyInputs, gate: GateInputs): boolean {
  return (
    inputs.strategy !== undefined ||
    inputs.bakeTimeInMinutes !== undefined ||
    Object.values(inputs.canary).some((v) => v !== undefined) ||
    Object.values(inputs.linear).some((v) => v !== undefined) ||
    inputs.alarms !== undefined ||
    Object.values(inputs.advanced).some((v) => v !== undefined) ||
    gate.kind !== 'none'
  );
}

/**
 * The update of one service: `service` as DescribeServices showed it (undefined: created by this run, behind
 * `created` load balancers).
 */
export function strategyUpdate(
  name: string,
  service: Service | undefined,
  { inputs, gate, created }: { inputs: StrategyInputs; gate: GateInputs; created?: LoadBalancer[] },
): StrategyUpdate {
  const own = service?.deploymentConfiguration ?? {};
  const ownStrategy = (own.strategy as Strategy | undefined) ?? 'ROLLING';
  if (!anythingGiven(inputs, gate)) return { strategy: ownStrategy };
  const strategy = inputs.strategy ?? ownStrategy;
  const config: DeploymentConfiguration = structuredClone(own);
  config.strategy = strategy;
  if (strategy !== 'CANARY') delete config.canaryConfiguration;
  if (strategy !== 'LINEAR') delete config.linearConfiguration;
  settings(name, strategy, config, inputs);
  const balancers = loadBalancers(name, service?.loadBalancers ?? created ?? [], inputs);
  const advanced = balancers.merged[0]?.advancedConfiguration;
  if (TRAFFIC_SHIFTING.includes(strategy)) checkAdvanced(name, strategy, balancers.merged);
  const hook = gate.kind === 'test-traffic' ? gateHook(name, strategy, config, gate, advanced) : undefined;
  return defined({
    strategy,
    deploymentConfiguration: config,
    loadBalancers: balancers.changed && service ? balancers.merged : undefined,
    advanced: balancers.changed && !service ? advanced : undefined,
    gate: hook,
    testListenerRule: advanced?.testListenerRule,
  });
}

/** Bake time, canary and linear settings, alarms: each given one over the service's own. */
function settings(name: string, strategy: Strategy, config: DeploymentConfiguration, inputs: StrategyInputs): void {
  const { canary, linear } = inputs;
  const only = (own: Strategy, given: object, what: string) => {
    if (strategy !== own && Object.values(given).some((v) => v !== undefined))
      throw new InputError(
        `Inputs ${what} only apply to strategy ${own}, and service '${name}' uses ${strategy}.`,
        `Set strategy: ${own}, or remove ${what}.`,
      );
  };
  only('CANARY', canary, 'canary-percent and canary-bake-time');
  only('LINEAR', linear, 'linear-percent and linear-step-bake-time');
  if (strategy === 'CANARY') config.canaryConfiguration = { ...config.canaryConfiguration, ...defined(canary) };
  if (strategy === 'LINEAR') config.linearConfiguration = { ...config.linearConfiguration, ...defined(linear) };
  if (inputs.bakeTimeInMinutes !== undefined) config.bakeTimeInMinutes = inputs.bakeTimeInMinutes;
  // DeploymentConfiguration bakeTimeInMinutes: "You must provide this parameter when you use the BLUE_GREEN
  // deployment strategy."
  if (strategy === 'BLUE_GREEN' && config.bakeTimeInMinutes === undefined)
    throw new InputError(
      `Strategy BLUE_GREEN needs a bake time, and service '${name}' has none: ECS requires bakeTimeInMinutes with it.`,
      'Add bake-time (e.g. 5m; 0m for none).',
    );
  if (inputs.alarms)
    config.alarms = { alarmNames: inputs.alarms.alarmNames, enable: true, rollback: inputs.alarms.rollback };
}

/** The service's load balancers with the advanced configuration inputs merged into the one it has. */
function loadBalancers(
  name: string,
  own: LoadBalancer[],
  inputs: StrategyInputs,
): { merged: LoadBalancer[]; changed: boolean } {
  const given = defined({ ...inputs.advanced });
  if (Object.keys(given).length === 0) return { merged: own, changed: false };
  if (own.length !== 1)
    throw new InputError(
      own.length === 0
        ? `Service '${name}' is behind no load balancer, so alternate-target-group, production-listener-rule, test-listener-rule and load-balancer-role have nothing to configure.`
        : `Service '${name}' is behind ${own.length} load balancers; deploy-ecs sets the advanced configuration of a service with one.`,
      own.length === 0
        ? 'Put the service behind its target group first (target-group-arn with create-service, or your infrastructure code).'
        : "Set each load balancer's advancedConfiguration in your infrastructure code.",
    );
  const [first] = own as [LoadBalancer];
  const advanced = { ...first.advancedConfiguration, ...given } as AdvancedConfiguration;
  if (advanced.alternateTargetGroupArn && advanced.alternateTargetGroupArn === first.targetGroupArn)
    throw new InputError(
      `Input 'alternate-target-group' is the service's own target group (${first.targetGroupArn}).`,
      'Give the second target group, the one green registers in while blue serves from this one.',
    );
  return { merged: [{ ...first, advancedConfiguration: advanced }], changed: true };
}

/** AdvancedConfiguration: a traffic-shifting strategy behind a load balancer needs these three. */
function checkAdvanced(name: string, strategy: Strategy, balancers: LoadBalancer[]): void {
  const inputOf = {
    alternateTargetGroupArn: 'alternate-target-group',
    productionListenerRule: 'production-listener-rule',
    roleArn: 'load-balancer-role',
  };
  for (const lb of balancers) {
    const missing = (Object.keys(inputOf) as (keyof typeof inputOf)[]).filter(
      (field) => !lb.advancedConfiguration?.[field],
    );
    if (missing.length)
      throw new InputError(
        `Strategy ${strategy} shifts traffic between two target groups, and service '${name}''s load balancer has no ${missing.join(', ')}.`,
        `Give ${missing.map((field) => inputOf[field]).join(', ')} (see the README's "Progressive delivery").`,
      );
  }
}

/** Adds the gate's PAUSE hook at POST_TEST_TRAFFIC_SHIFT, or reuses the service's own one there. */
function gateHook(
  name: string,
  strategy: Strategy,
  config: DeploymentConfiguration,
  gate: GateInputs,
  advanced: AdvancedConfiguration | undefined,
): 'added' | 'reused' {
  if (!TRAFFIC_SHIFTING.includes(strategy))
    throw new InputError(
      `Input 'gate: test-traffic' needs a strategy that sends test traffic, and service '${name}' deploys with ${strategy}.`,
      'Set strategy: BLUE_GREEN, CANARY or LINEAR (with the load balancer settings it needs).',
    );
  if (!advanced?.testListenerRule)
    throw new InputError(
      `Input 'gate: test-traffic' needs a test listener rule, and service '${name}''s load balancer has none: no test traffic reaches the new revision.`,
      'Give test-listener-rule: the rule of the test listener that forwards to the service.',
    );
  const hooks: DeploymentLifecycleHook[] = [...(config.lifecycleHooks ?? [])];
  const own = hooks.find((h) => h.targetType === 'PAUSE' && h.lifecycleStages?.includes(GATE_STAGE));
  if (own) return 'reused';
  hooks.push({
    targetType: 'PAUSE',
    lifecycleStages: [GATE_STAGE],
    timeoutConfiguration: { timeoutInMinutes: gate.timeoutInMinutes, action: gate.timeoutAction },
  } as DeploymentLifecycleHook);
  config.lifecycleHooks = hooks;
  return 'added';
}
