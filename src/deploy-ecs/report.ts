import type { StoppedTask } from '../lib/ecs-assess.js';
import type { CodeDeployReport } from './codedeploy.js';
import type { OneOffResult } from './runtask.js';
import type { ServiceUrl } from './url.js';

/**
 * What a deployment did, filled in phase by phase: the outputs and the job summary are drawn from it, so a
 * failed phase still leaves what the earlier ones found (the previous revision rollback needs, above all).
 */

export interface ServiceReport {
  service: string;
  previous?: string;
  deploymentId?: string;
  rolloutState?: string;
  /** paused: waiting at the test-traffic gate (gate: test-traffic), which a later step answers. */
  outcome: 'completed' | 'failed' | 'timeout' | 'not-watched' | 'pending' | 'paused';
  reason?: string;
  events: string[];
  stoppedTasks: StoppedTask[];
  /** Who put the previous revision back after a failure: ECS's circuit breaker, or this action. */
  rolledBackBy?: 'ecs' | 'deploy-ecs' | 'codedeploy';
  /** What was done about a failed rollout, when the reason does not already say it. */
  rollbackNote?: string;
  created?: boolean;
  /**
   * ECS accepted this run's UpdateService / CreateService for the service (or a read-back after a lost answer
   * showed it applied): production changed, and must end back and proven, or reported as not proven.
   */
  changed?: boolean;
  /** The revision the service was last seen pointing at, once changed. */
  pointsAt?: string;
  /**
   * Set when the service was changed and could not be put back and proven: the exact report,
   * `service <name> runs revision <n>, which is NOT proven; rollback failed: <reason>` (or `rollback is off`).
   */
  notProven?: string;
  /** The target groups of the service's load balancers, as DescribeServices showed them after the rollout. */
  targetGroupArns?: string[];
  /** A blue/green service's production listener rule (loadBalancers[].advancedConfiguration): service-url's listener. */
  productionListenerRule?: string;
  /** The service deployment the update started (ListServiceDeployments), when ECS named one. */
  serviceDeploymentArn?: string;
  /** BLUE_GREEN, CANARY or LINEAR: the service deployment was followed stage by stage. */
  strategy?: string;
  /** Each lifecycle stage of the followed service deployment, when it was first seen (ms since epoch). */
  stages?: { stage: string; at: number }[];
  /** When the following ended, so the last stage has a length. */
  stagesEndedAt?: number;
  /** The gate's PAUSE hook the deployment waits at. */
  gateHookId?: string;
  /** When the gate was answered (ContinueServiceDeployment), ms since epoch. */
  answeredAt?: number;
}

/** What became of the test-traffic gate (the `gate` output). */
export type GateState = 'none' | 'paused' | 'continued' | 'rolled-back';

export interface DeployReport {
  /** Known once the inputs are read. */
  cluster?: string;
  /** True from the moment ECS accepted the first UpdateService / CreateService (the `changed` output). */
  changed: boolean;
  taskDefinitionArn?: string;
  registered: boolean;
  images: string[];
  services: ServiceReport[];
  oneOff?: OneOffResult;
  deregistered: string[];
  /** The rendered task definition, written as a JSON file (the render action's `task-definition` output). */
  renderedFile?: string;
  /** The load balancer URL of the first service that has one (service-url). */
  serviceUrl?: ServiceUrl;
  gate: GateState;
  /** The test listener's URL, once the deployment paused at the gate (test-url). */
  testUrl?: string;
  /** The one-step form's probe of the test URL: passed, and what it said. */
  gateProbe?: { url: string; passed: boolean; detail: string };
  /** A CODE_DEPLOY service's deployment through CodeDeploy (codedeploy.ts). */
  codeDeploy?: CodeDeployReport;
}

export function emptyReport(): DeployReport {
  return { changed: false, registered: false, images: [], services: [], deregistered: [], gate: 'none' };
}
