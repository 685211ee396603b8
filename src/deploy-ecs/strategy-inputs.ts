import { InputError } from '../lib/errors.js';
import { bool, duration, list, number, oneOf, optional, optionalOneOf } from '../lib/inputs.js';
import { checkName, names, type NameRule } from '../lib/names.js';
import { parseJsonExpectations, parseStatus, parseText, type Expectations } from '../lib/probe-checks.js';
import { ecsRules } from './checks.js';

/**
 * The inputs of a service's deployment strategy (ECS API Reference, DeploymentConfiguration, CanaryConfiguration,
 * LinearConfiguration, DeploymentAlarms, AdvancedConfiguration) and of the test-traffic gate, read and checked
 * against the ranges ECS documents before any request. What depends on the service as it is (its own strategy, its
 * load balancers) is checked by strategy.ts once the service was read, still before anything is registered.
 */

export const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'CANARY', 'LINEAR'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface AdvancedInputs {
  alternateTargetGroupArn?: string;
  productionListenerRule?: string;
  testListenerRule?: string;
  roleArn?: string;
}

export interface StrategyInputs {
  /** Undefined: the service's own. */
  strategy?: Strategy;
  bakeTimeInMinutes?: number;
  canary: { canaryPercent?: number; canaryBakeTimeInMinutes?: number };
  linear: { stepPercent?: number; stepBakeTimeInMinutes?: number };
  alarms?: { alarmNames: string[]; rollback: boolean };
  advanced: AdvancedInputs;
}

/** The checks a probe of the test URL makes in the one-step form (smoke-test's, gate- prefixed). */
export interface GateProbeInputs {
  path: string;
  expectations: Expectations;
  timeoutMs: number;
  intervalMs: number;
}

export interface GateInputs {
  kind: 'none' | 'test-traffic';
  timeoutInMinutes: number;
  timeoutAction: 'ROLLBACK' | 'CONTINUE';
  /** The one-step form: probe test-url + path, then continue or roll back in the same step. */
  probe?: GateProbeInputs;
}

/** The lifecycle stage the gate pauses at: test traffic is on green, production still on blue. */
export const GATE_STAGE = 'POST_TEST_TRAFFIC_SHIFT';

const pattern = (regex: RegExp, says: string): NameRule => ({ says, test: (value) => regex.test(value) });

const rules = {
  /** A listener rule ARN (Elastic Load Balancing API Reference, Rule RuleArn; ECS AdvancedConfiguration). */
  listenerRule: pattern(
    /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener-rule\/(app|net)\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/,
    'a listener rule ARN, arn:aws:elasticloadbalancing:<region>:<account>:listener-rule/app/<load balancer>/<id>/<listener id>/<rule id>',
  ),
  /** A CloudWatch alarm name (CloudWatch API Reference, PutMetricAlarm AlarmName: 1-255 characters, no ASCII control characters). */
  alarmName: {
    says: '1-255 characters, no control characters',
    test: (value: string) => value.length >= 1 && value.length <= 255 && !/\p{Cc}/u.test(value),
  },
};

/** A number of minutes from a duration input: ECS counts these in whole minutes. */
function minutes(input: string, max: number, min = 0): number | undefined {
  if (optional(input) === undefined) return undefined;
  const ms = duration(input, '0', { bare: 's', minMs: min * 60_000, maxMs: max * 60_000 });
  if (ms % 60_000 !== 0)
    throw new InputError(
      `Input '${input}' must be whole minutes (ECS counts it in minutes), got '${optional(input)}'.`,
      `Write it in minutes, e.g. 10m; a bare number is seconds (${input}: 600 is 10 minutes).`,
    );
  return ms / 60_000;
}

/** A percentage ECS takes in steps of 0.1 (CanaryConfiguration canaryPercent, LinearConfiguration stepPercent). */
function percent(input: string, min: number): number | undefined {
  const value = number(input, undefined, { min, max: 100, integer: false });
  if (value !== undefined && Math.abs(value * 10 - Math.round(value * 10)) > 1e-9)
    throw new InputError(`Input '${input}' must be a multiple of 0.1 from ${min} to 100, got '${value}'.`);
  return value;
}

const name = (input: string, rule: NameRule) => {
  const value = optional(input);
  return value === undefined ? undefined : checkName(input, value, rule);
};

export function readStrategy(): StrategyInputs {
  const strategy = optionalOneOf('strategy', STRATEGIES);
  const canary = {
    canaryPercent: percent('canary-percent', 0.1),
    canaryBakeTimeInMinutes: minutes('canary-bake-time', 1440),
  };
  const linear = {
    stepPercent: percent('linear-percent', 3),
    stepBakeTimeInMinutes: minutes('linear-step-bake-time', 1440),
  };
  refuseOtherStrategy(strategy, 'CANARY', canary, ['canary-percent', 'canary-bake-time']);
  refuseOtherStrategy(strategy, 'LINEAR', linear, ['linear-percent', 'linear-step-bake-time']);
  const alarmNames = list('alarms').map((alarm) => checkName('alarms', alarm, rules.alarmName));
  return {
    strategy,
    bakeTimeInMinutes: minutes('bake-time', 1440),
    canary,
    linear,
    ...(alarmNames.length ? { alarms: { alarmNames, rollback: bool('alarm-rollback', true) } } : {}),
    advanced: {
      alternateTargetGroupArn: name('alternate-target-group', ecsRules.targetGroupArn),
      productionListenerRule: name('production-listener-rule', rules.listenerRule),
      testListenerRule: name('test-listener-rule', rules.listenerRule),
      roleArn: name('load-balancer-role', names.iamRoleArn),
    },
  };
}

/** Canary settings with strategy LINEAR (and the like) are refused by ECS: here first, with the inputs named. */
function refuseOtherStrategy(
  strategy: Strategy | undefined,
  own: Strategy,
  settings: Record<string, number | undefined>,
  inputs: string[],
): void {
  if (strategy === undefined || strategy === own) return;
  const given = inputs.filter((_, i) => Object.values(settings)[i] !== undefined);
  if (given.length)
    throw new InputError(
      `Input${given.length > 1 ? 's' : ''} ${given.map((g) => `'${g}'`).join(' and ')} only apply to strategy ${own}, and strategy is ${strategy}.`,
      `Remove ${given.join(' and ')}, or set strategy: ${own}.`,
    );
}

/** gate, gate-timeout, gate-timeout-action and the one-step form's probe inputs. */
export function readGate(services: number, wait: boolean): GateInputs {
  const kind = oneOf('gate', ['none', 'test-traffic'] as const, 'none');
  const timeoutInMinutes = minutes('gate-timeout', 1440, 1) ?? 60;
  const timeoutAction = oneOf('gate-timeout-action', ['ROLLBACK', 'CONTINUE'] as const, 'ROLLBACK');
  const probe = readGateProbe();
  if (kind === 'none') {
    if (probe)
      throw new InputError(
        "Input 'gate-url-path' needs 'gate: test-traffic': the path is probed through the test listener at the gate.",
      );
    return { kind, timeoutInMinutes, timeoutAction };
  }
  if (services !== 1)
    throw new InputError(
      `Input 'gate: test-traffic' takes one service, got ${services}.`,
      'Gate each service in a step of its own: each has its own test listener and its own decision.',
    );
  if (!wait)
    throw new InputError(
      "Input 'gate: test-traffic' needs wait-for-service-stability: true: the step waits until the deployment pauses at the gate.",
    );
  return { kind, timeoutInMinutes, timeoutAction, ...(probe ? { probe } : {}) };
}

function readGateProbe(): GateProbeInputs | undefined {
  const path = optional('gate-url-path');
  const checks = ['gate-expect-status', 'gate-expect-body', 'gate-expect-json'].filter(
    (i) => optional(i) !== undefined,
  );
  if (path === undefined) {
    if (checks.length)
      throw new InputError(`Input '${checks[0]}' needs 'gate-url-path': the path of the test URL it checks.`);
    return undefined;
  }
  if (!/^\/[^\s#]*$/.test(path))
    throw new InputError(
      `Input 'gate-url-path' must be a path starting with /, without spaces or #, got ${JSON.stringify(path)}.`,
      'Write e.g. /health or /version?full=1; the host is the test listener of the load balancer.',
    );
  const body = optional('gate-expect-body');
  const json = list('gate-expect-json', { commas: false });
  return {
    path,
    // The checks of smoke-test, parsed by the same code (src/lib/probe-checks.ts).
    expectations: {
      status: parseStatus('gate-expect-status', optional('gate-expect-status') ?? '2xx'),
      ...(body !== undefined ? { body: parseText('gate-expect-body', body) } : {}),
      ...(json.length ? { json: parseJsonExpectations('gate-expect-json', json) } : {}),
    },
    timeoutMs: duration('gate-probe-timeout', '60', { bare: 's', minMs: 100, maxMs: 60 * 60_000 }),
    intervalMs: duration('gate-probe-interval', '2', { bare: 's', minMs: 50, maxMs: 300_000 }),
  };
}
