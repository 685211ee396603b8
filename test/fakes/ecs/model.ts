/**
 * The state of the local ECS stand-in: task definitions, services with deployments, tasks and events,
 * in the shapes and field names of the ECS API reference. Times are epoch seconds, as the JSON protocol
 * sends them.
 */

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const arn = (resource: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${resource}`;
/** ECS accepts a name or an ARN wherever it takes a cluster, service or task. */
export const nameOf = (nameOrArn: string) => nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);
export const epoch = (ms = Date.now()) => ms / 1000;

export type Json = Record<string, unknown>;

export interface Tag {
  key: string;
  value: string;
}

export interface ContainerDefinition extends Json {
  name: string;
  image: string;
  essential?: boolean;
}

export interface TaskDefinition extends Json {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  containerDefinitions: ContainerDefinition[];
  registeredAt: number;
}

/** What the tasks of a task definition do once started; chosen by the test. */
export type TaskBehaviour =
  /** Tasks reach RUNNING (and pass their health check) `startMs` after launch. */
  | { kind: 'healthy'; startMs?: number }
  /**
   * Tasks stop `startMs` after launch. With `exitCode` the essential container exited with it; without,
   * the task failed to start (e.g. CannotPullContainerError), as `stoppedReason` says.
   */
  | { kind: 'crash'; startMs?: number; exitCode?: number; reason?: string; stoppedReason?: string; container?: string }
  /** Tasks never leave PENDING: a deployment that never stabilises. */
  | { kind: 'pending' }
  /** Tasks really run, through the scheduler's task driver (a container or a local process). */
  | { kind: 'driven' };

export interface Container {
  containerArn: string;
  taskArn: string;
  name: string;
  image: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
}

export interface Task {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  group: string;
  startedBy?: string;
  lastStatus: 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'STOPPED';
  desiredStatus: 'RUNNING' | 'STOPPED';
  launchType: 'FARGATE';
  createdAt: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  stopCode?: string;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  containers: Container[];
  overrides?: Json;
  /** When the task's behaviour takes effect (RUNNING or STOPPED); not part of the API. */
  settlesAt: number;
  behaviour: TaskBehaviour;
}

export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  launchType: 'FARGATE';
  rolloutState?: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason?: string;
  networkConfiguration?: Json;
}

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface Service {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  launchType: 'FARGATE';
  taskDefinition: string;
  deploymentConfiguration: {
    deploymentCircuitBreaker: {
      enable: boolean;
      rollback: boolean;
      resetOnHealthyTask?: boolean;
      thresholdConfiguration?: { type?: string; value?: number };
    };
    maximumPercent: number;
    minimumHealthyPercent: number;
    /** ROLLING (the default), BLUE_GREEN, CANARY or LINEAR, with their settings (strategies.ts). */
    strategy?: string;
    bakeTimeInMinutes?: number;
    lifecycleHooks?: Json[];
    canaryConfiguration?: Json;
    linearConfiguration?: Json;
    alarms?: { alarmNames?: string[]; enable?: boolean; rollback?: boolean };
  };
  /** ECS (rolling update, the default), CODE_DEPLOY or EXTERNAL: API Reference, DeploymentController. */
  deploymentController: { type: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL' };
  deployments: Deployment[];
  events: ServiceEvent[];
  loadBalancers: Json[];
  networkConfiguration?: Json;
  propagateTags?: string;
  enableECSManagedTags?: boolean;
  enableExecuteCommand?: boolean;
  volumeConfigurations?: Json[];
  createdAt: number;
  tags?: Tag[];
  /** When DeleteService's drain ended (ms since epoch); the service is purged a while later. */
  inactiveSince?: number;
}

export function newId(): string {
  return crypto.randomUUID();
}

export function deploymentId(): string {
  let digits = '';
  while (digits.length < 19) digits += Math.floor(Math.random() * 10);
  return `ecs-svc/${digits}`;
}

export function taskId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}
