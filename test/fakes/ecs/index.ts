import { AwsFault, startJsonServer, type JsonServer } from '../aws/json-server.js';
import {
  ACCOUNT,
  arn,
  epoch,
  nameOf,
  type ContainerDefinition,
  type Deployment,
  type Json,
  type Service,
  type Tag,
  type Task,
  type TaskBehaviour,
  type TaskDefinition,
} from './model.js';
import {
  addEvent,
  advanceService,
  completeRollout,
  failureThreshold,
  launchTask,
  newDeployment,
  settleTask,
  stopTask,
  type Scheduler,
} from './rollout.js';
import {
  checkLaunchType,
  checkNetwork,
  checkTags,
  checkVolumes,
  listTaskDefinitions,
  type ListOrder,
} from './requests.js';
import { validateRegistration, withDefaults } from './validate.js';
import {
  describeServiceDeployment,
  listServiceDeployments,
  serviceDeploymentBook,
  type ServiceDeploymentBook,
} from './service-deployments.js';
import { checkStrategy, continueHook, type LambdaHook } from './strategies.js';
import { taskSets, type TaskSets } from './task-sets.js';

import type { TaskDriver } from './driver.js';

export type { TaskBehaviour } from './model.js';
export type { TaskDriver } from './driver.js';
export type { ListOrder } from './requests.js';

/**
 * A local Amazon ECS endpoint speaking the JSON 1.1 protocol (`X-Amz-Target:
 * AmazonEC2ContainerServiceV20141113.<Operation>`), for the real @aws-sdk/client-ecs through
 * AWS_ENDPOINT_URL_ECS. It keeps task definitions, services, deployments, tasks and events, and moves
 * rollouts forward in real time as each task definition's behaviour says, or, given a task driver, with
 * service tasks that really run (containers or local processes; see driver.ts).
 */

/** The fields of a revision that ECS fills in when it registers one (compatibilities: see validate.ts). */
function setByEcs(family: string, revision: number) {
  return {
    taskDefinitionArn: arn(`task-definition/${family}:${revision}`),
    revision,
    status: 'ACTIVE' as const,
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    registeredAt: epoch(),
    registeredBy: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/ci`,
  };
}

export interface FakeEcs extends JsonServer {
  /** Chooses what the tasks of a task definition do. Default: healthy after 300 ms. */
  behaviour: (definition: TaskDefinition) => TaskBehaviour;
  /** How a one-off task (RunTask) ends. Default: exit 0 after 300 ms. */
  oneOff: (
    definition: TaskDefinition,
    overrides: Json | undefined,
  ) => { exitCode: number; reason?: string; afterMs?: number };
  definitions: Map<string, TaskDefinition[]>;
  services: Map<string, Service>;
  tasks: Map<string, Task>;
  tags: Map<string, Tag[]>;
  /** When each rollout was marked FAILED (ms since epoch), by deployment id. */
  failedAt: Map<string, number>;
  /** Creates a cluster, as CreateCluster does; no cluster exists until created, not even `default`. */
  addCluster(name: string): void;
  register(
    definition: Partial<TaskDefinition> & { family: string; containerDefinitions: ContainerDefinition[] },
  ): TaskDefinition;
  /** Seeds a service that already runs `taskDefinition` steadily, as a service found in a real account. */
  seedService(options: {
    cluster?: string;
    name: string;
    taskDefinition: string;
    desiredCount?: number;
    circuitBreaker?: Service['deploymentConfiguration']['deploymentCircuitBreaker'];
    loadBalancers?: Json[];
    deploymentController?: Service['deploymentController']['type'];
  }): Service;
  service(cluster: string, name: string): Service;
  /** What runs service tasks for real, when one was given. */
  driver?: TaskDriver;
  /**
   * The order ListTaskDefinitions answers in (see requests.ts). Default `sorted`, as documented; a test sets
   * `string` or `reversed` to show its caller sorts revisions by number itself.
   */
  listOrder: ListOrder;
  /**
   * A race a test turns on: the next `times` (default 1) UpdateService calls asking for `whenAsked` (any
   * revision when not given) are overtaken by another caller's UpdateService to `runs`, which lands before
   * ECS answers; the answer and the service then show a PRIMARY deployment of `runs`, as when someone else
   * updates the service at the same time (API Reference, UpdateService: the last update wins).
   */
  raceUpdateService(race: { whenAsked?: string; runs: string; times?: number }): void;
  /** Another caller's DeleteService with force: the service turns DRAINING and its tasks stop. */
  deleteService(cluster: string, name: string): void;
  /** The service deployments (ListServiceDeployments and its kin; see service-deployments.ts). */
  serviceDeployments: ServiceDeploymentBook;
  /** CloudWatch alarms in ALARM state now, by name: a deployment that watches one rolls back or stops. */
  alarms: Set<string>;
  /** What a Lambda lifecycle hook answers (default SUCCEEDED at once). */
  lambda: LambdaHook;
  /** The task sets of CODE_DEPLOY services, as the local CodeDeploy drives them (task-sets.ts). */
  taskSets: TaskSets;
  /** Where the service's production and test traffic go now (task definition ARN and weight). */
  trafficOf(
    cluster: string,
    service: string,
  ): {
    shifting: boolean;
    production: { taskDefinition: string; weight: number }[];
    test: { taskDefinition: string; weight: number }[];
  };
}

export interface FakeEcsOptions {
  rolloutState?: boolean;
  driver?: TaskDriver;
  /**
   * How long a deleted service stays described as INACTIVE before ECS purges it and answers
   * ServiceNotFoundException (API Reference, DeleteService: "for a period of time"). Default: 10 minutes.
   */
  purgeAfterMs?: number;
  /**
   * How long a minute of a deployment strategy's clock lasts here (bake times, canary and linear steps, hook
   * timeouts). Default 60 000; tests shorten it.
   */
  minuteMs?: number;
}

export async function startFakeEcs(options: FakeEcsOptions = {}): Promise<FakeEcs> {
  const definitions = new Map<string, TaskDefinition[]>();
  const services = new Map<string, Service>();
  // API Reference, CreateCluster: the `default` cluster is created by the first CreateCluster without a name
  // (or by the console); an account starts with none.
  const clusters = new Set<string>();
  const purgeAfterMs = options.purgeAfterMs ?? 600_000;
  const tags = new Map<string, Tag[]>();
  const failedAt = new Map<string, number>();

  function findDefinition(ref: string): TaskDefinition {
    const short = ref.startsWith('arn:') ? ref.slice(ref.indexOf('/') + 1) : ref;
    const [family = '', revision] = short.split(':');
    const revisions = definitions.get(family) ?? [];
    const found = revision
      ? revisions.find((d) => d.revision === Number(revision))
      : [...revisions].reverse().find((d) => d.status === 'ACTIVE');
    if (!found) throw new AwsFault('ClientException', 'Unable to describe task definition.');
    return found;
  }

  /**
   * A revision to launch tasks from. API Reference, DeregisterTaskDefinition: an INACTIVE revision cannot be
   * used to run new tasks or create services, nor can a service be updated to it; ECS answers
   * InvalidParameterException "TaskDefinition is inactive".
   */
  function launchable(ref: string): TaskDefinition {
    const definition = findDefinition(ref);
    if (definition.status !== 'ACTIVE') throw new AwsFault('InvalidParameterException', 'TaskDefinition is inactive');
    return definition;
  }

  const scheduler: Scheduler = {
    definitions: findDefinition,
    behaviour: (definition) => api.behaviour(definition),
    tasks: new Map(),
    counted: { failed: new Set(), healthy: new Set() },
    rolloutState: options.rolloutState ?? true,
    onRolloutFailed: (_service, deployment) => failedAt.set(deployment.id, Date.now()),
    ...(options.driver ? { driver: options.driver } : {}),
  };

  function cluster(ref: unknown): string {
    const name = nameOf(String(ref ?? 'default'));
    if (!clusters.has(name)) throw new AwsFault('ClusterNotFoundException', 'Cluster not found.');
    return name;
  }

  function serviceOf(body: Json, key = 'service'): Service {
    const name = cluster(body.cluster);
    purge();
    const service = services.get(`${name}/${nameOf(String(body[key]))}`);
    if (!service) throw new AwsFault('ServiceNotFoundException', 'Service not found.');
    if (service.status !== 'ACTIVE') throw new AwsFault('ServiceNotActiveException', 'Service was not ACTIVE.');
    return service;
  }

  /** API Reference, DeleteService: an INACTIVE service is described for a while, then it is gone. */
  function purge(now = Date.now()) {
    for (const [key, service] of services)
      if (service.inactiveSince !== undefined && now - service.inactiveSince >= purgeAfterMs) services.delete(key);
  }

  /** A new scheduler deployment of `taskDefinition` first, the others ACTIVE: what an update or a rollback does. */
  function deployNext(service: Service, taskDefinition: string): Deployment {
    for (const d of service.deployments) d.status = 'ACTIVE';
    const deployment = newDeployment(service, taskDefinition, scheduler);
    service.deployments.unshift(deployment);
    service.taskDefinition = taskDefinition;
    return deployment;
  }

  const liveOf = (deployment: Deployment) =>
    [...scheduler.tasks.values()].filter((t) => t.startedBy === deployment.id && t.desiredStatus === 'RUNNING');
  const clock = {
    minuteMs: options.minuteMs ?? 60_000,
    alarms: new Set<string>(),
    // Tests assign `lambda` on the object returned below; the clock asks it each time.
    lambda: ((call) => api.lambda(call)) as LambdaHook,
  };
  const book = serviceDeploymentBook(
    {
      rollBack: deployNext,
      healthy: (deployment) =>
        liveOf(deployment).filter((t) => t.lastStatus === 'RUNNING' && t.healthStatus === 'HEALTHY').length,
      breakerTripped: (service, deployment) => {
        const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
        return (
          breaker.enable &&
          deployment.failedTasks >= failureThreshold(service.desiredCount, breaker.thresholdConfiguration)
        );
      },
      retire: (service, deployment, by) => {
        deployment.desiredCount = 0;
        for (const task of liveOf(deployment))
          stopTask(task, `Scaling activity initiated by (deployment ${by.id})`, undefined, scheduler.driver);
        service.deployments = service.deployments.filter((d) => d !== deployment);
      },
      settle: (service, deployment) => {
        deployment.status = 'PRIMARY';
        deployment.desiredCount = service.desiredCount;
        service.deployments = [deployment, ...service.deployments.filter((d) => d !== deployment)];
        completeRollout(scheduler, service, deployment);
      },
    },
    clock,
  );
  const sets = taskSets(scheduler, services);
  // A CODE_DEPLOY service with a replacement task set beside the primary is CodeDeploy's to finish.
  scheduler.holds = (service) =>
    book.holds(service) || (service.deploymentController.type === 'CODE_DEPLOY' && service.deployments.length > 1);

  function tick() {
    const now = Date.now();
    for (const service of services.values()) advanceService(scheduler, service, now);
    for (const service of services.values()) book.observe(service, scheduler.rolloutState);
    for (const service of services.values()) if (service.status === 'DRAINING') drain(service, now);
    purge(now);
    for (const task of scheduler.tasks.values()) if (!task.group.startsWith('service:')) settleTask(task, now);
  }

  function register(body: Json): TaskDefinition {
    const family = String(body.family ?? '');
    // What ECS sets on a revision itself (below, and deregisteredAt later) it refuses to be given: the JSON
    // protocol rejects members the RegisterTaskDefinition input shape does not have.
    const readOnly = [...Object.keys(setByEcs(family, 0)), 'compatibilities', 'deregisteredAt'];
    const unexpected = readOnly.filter((field) => field in body);
    if (unexpected.length > 0) throw new AwsFault('ClientException', `Unexpected field(s): ${unexpected.join(', ')}.`);
    const size = validateRegistration(body);
    const revisions = definitions.get(family) ?? [];
    const revision = (revisions.at(-1)?.revision ?? 0) + 1;
    const { tags: given, ...fields } = body as Json & { tags?: Tag[] };
    const definition = {
      ...withDefaults({ ...fields, ...size }),
      family,
      ...setByEcs(family, revision),
    } as unknown as TaskDefinition;
    definitions.set(family, [...revisions, definition]);
    if (given?.length) tags.set(definition.taskDefinitionArn, given);
    return definition;
  }

  function describeService(service: Service): Json {
    const { deployments, ...rest } = service;
    return { ...rest, deployments: deployments.map((d) => ({ ...d })), clusterArn: service.clusterArn };
  }

  function createService(body: Json): Service {
    const name = cluster(body.cluster);
    const serviceName = String(body.serviceName ?? '');
    const existing = services.get(`${name}/${serviceName}`);
    if (existing?.status === 'ACTIVE')
      throw new AwsFault('InvalidParameterException', 'Creation of service was not idempotent.');
    if (existing?.status === 'DRAINING')
      throw new AwsFault('InvalidParameterException', 'Unable to Start a service that is still Draining.');
    const definition = launchable(String(body.taskDefinition));
    checkLaunchType(definition, body.launchType);
    checkNetwork(definition, body);
    checkVolumes(definition, body.volumeConfigurations);
    for (const lb of (body.loadBalancers as Json[] | undefined) ?? []) {
      if (!definition.containerDefinitions.some((c) => c.name === lb.containerName)) {
        throw new AwsFault(
          'InvalidParameterException',
          `The container ${String(lb.containerName)} does not exist in the task definition.`,
        );
      }
    }
    const config = (body.deploymentConfiguration as Service['deploymentConfiguration'] | undefined) ?? undefined;
    const controller = (body.deploymentController as Service['deploymentController'] | undefined) ?? { type: 'ECS' };
    checkStrategy(config as Json | undefined, controller.type, body.loadBalancers as Json[] | undefined);
    const service: Service = {
      serviceArn: arn(`service/${name}/${serviceName}`),
      serviceName,
      clusterArn: arn(`cluster/${name}`),
      status: 'ACTIVE',
      desiredCount: Number(body.desiredCount ?? 1),
      runningCount: 0,
      pendingCount: 0,
      launchType: 'FARGATE',
      taskDefinition: definition.taskDefinitionArn,
      deploymentConfiguration: {
        deploymentCircuitBreaker: config?.deploymentCircuitBreaker ?? { enable: false, rollback: false },
        maximumPercent: config?.maximumPercent ?? 200,
        minimumHealthyPercent: config?.minimumHealthyPercent ?? 100,
        ...strategyFields(config),
      },
      deploymentController: controller,
      deployments: [],
      events: [],
      loadBalancers: (body.loadBalancers as Json[] | undefined) ?? [],
      ...(body.networkConfiguration ? { networkConfiguration: body.networkConfiguration as Json } : {}),
      ...(body.propagateTags ? { propagateTags: String(body.propagateTags) } : {}),
      ...(body.enableECSManagedTags !== undefined ? { enableECSManagedTags: Boolean(body.enableECSManagedTags) } : {}),
      createdAt: epoch(),
    };
    service.deployments = [newDeployment(service, definition.taskDefinitionArn, scheduler)];
    book.started(service, service.deployments[0] as Deployment);
    services.set(`${name}/${serviceName}`, service);
    return service;
  }

  const races: { whenAsked?: string; runs: string; times: number }[] = [];

  /** UpdateService, then any race a test set for it (see FakeEcs.raceUpdateService). */
  function updateRaced(body: Json): Service {
    const service = updateService(body);
    const asked = body.taskDefinition ? findDefinition(String(body.taskDefinition)).taskDefinitionArn : undefined;
    const race = races.find(
      (r) => r.times > 0 && asked && (!r.whenAsked || findDefinition(r.whenAsked).taskDefinitionArn === asked),
    );
    if (!race) return service;
    race.times--;
    return updateService({ cluster: body.cluster, service: body.service, taskDefinition: race.runs });
  }

  function updateService(body: Json): Service {
    const service = serviceOf(body);
    const primary = service.deployments.find((d) => d.status === 'PRIMARY') as Deployment;
    // API Reference, UpdateService: a CODE_DEPLOY service only takes desiredCount and a few other fields
    // through UpdateService; a new task definition goes through a CodeDeploy deployment.
    if (service.deploymentController.type === 'CODE_DEPLOY' && body.taskDefinition !== undefined)
      throw new AwsFault(
        'InvalidParameterException',
        'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
      );
    const definition = body.taskDefinition
      ? launchable(String(body.taskDefinition)).taskDefinitionArn
      : primary.taskDefinition;
    checkVolumes(findDefinition(definition), body.volumeConfigurations);
    const config = body.deploymentConfiguration as Service['deploymentConfiguration'] | undefined;
    const loadBalancers = (body.loadBalancers as Json[] | undefined) ?? service.loadBalancers;
    if (config || body.loadBalancers)
      checkStrategy(
        { ...service.deploymentConfiguration, ...(config ?? {}) } as Json,
        service.deploymentController.type,
        loadBalancers,
      );
    // Checked first, changed after: a refused update changes nothing.
    if (config) Object.assign(service.deploymentConfiguration, config);
    if (body.loadBalancers) service.loadBalancers = loadBalancers;
    if (body.desiredCount !== undefined) service.desiredCount = Number(body.desiredCount);
    if (body.propagateTags !== undefined) service.propagateTags = String(body.propagateTags);
    if (body.enableECSManagedTags !== undefined) service.enableECSManagedTags = Boolean(body.enableECSManagedTags);
    if (body.enableExecuteCommand !== undefined) service.enableExecuteCommand = Boolean(body.enableExecuteCommand);
    if (body.volumeConfigurations !== undefined) service.volumeConfigurations = body.volumeConfigurations as Json[];
    if (definition !== primary.taskDefinition || body.forceNewDeployment === true) {
      book.started(service, deployNext(service, definition));
    } else {
      primary.desiredCount = service.desiredCount;
    }
    return service;
  }

  /**
   * DeleteService as ECS does it: refused while the service is scaled above 0 unless forced; the service
   * turns DRAINING, its tasks are stopped, and it is INACTIVE once none is left (still described for a while).
   */
  function deleteService(body: Json): Service {
    const service = serviceOf(body);
    if (service.desiredCount > 0 && body.force !== true)
      throw new AwsFault('InvalidParameterException', 'The service cannot be stopped while it is scaled above 0.');
    service.desiredCount = 0;
    service.status = 'DRAINING';
    for (const deployment of service.deployments) deployment.desiredCount = 0;
    for (const task of scheduler.tasks.values())
      if (task.group === `service:${service.serviceName}`)
        stopTask(
          task,
          'Scaling activity initiated by (deployment ecs-svc)',
          'ServiceSchedulerInitiated',
          scheduler.driver,
        );
    addEvent(service, 'has been deleted.');
    book.deleted(service);
    return service;
  }

  function drain(service: Service, now: number) {
    const tasks = [...scheduler.tasks.values()].filter((t) => t.group === `service:${service.serviceName}`);
    for (const task of tasks) settleTask(task, now, scheduler.driver);
    if (tasks.some((t) => t.lastStatus !== 'STOPPED')) return;
    service.status = 'INACTIVE';
    service.inactiveSince ??= now;
    service.runningCount = service.pendingCount = 0;
    for (const deployment of service.deployments) deployment.runningCount = deployment.pendingCount = 0;
  }

  function runTask(body: Json): Json {
    const name = cluster(body.cluster);
    const definition = launchable(String(body.taskDefinition));
    checkLaunchType(definition, body.launchType);
    checkNetwork(definition, body);
    checkVolumes(definition, body.volumeConfigurations);
    // API Reference, RunTask `capacityProviderStrategy`: it and `launchType` exclude each other.
    if (body.launchType !== undefined && body.capacityProviderStrategy !== undefined)
      throw new AwsFault(
        'InvalidParameterException',
        'Specifying both a launchType and capacityProviderStrategy is not supported.',
      );
    if (body.tags !== undefined) checkTags(body.tags);
    const overrides = body.overrides as Json | undefined;
    const end = api.oneOff(definition, overrides);
    const behaviour: TaskBehaviour =
      end.exitCode === 0 && !end.reason
        ? { kind: 'crash', exitCode: 0, startMs: end.afterMs ?? 300 }
        : {
            kind: 'crash',
            exitCode: end.exitCode,
            startMs: end.afterMs ?? 300,
            ...(end.reason ? { reason: end.reason } : {}),
          };
    const task = launchTask(
      scheduler,
      arn(`cluster/${name}`),
      definition,
      `family:${definition.family}`,
      body.startedBy as string | undefined,
      behaviour,
    );
    if (overrides) task.overrides = overrides;
    if (body.tags !== undefined) tags.set(task.taskArn, body.tags as Tag[]);
    return { tasks: [publicTask(task)], failures: [] };
  }

  function describeCluster(name: string): Json {
    return { clusterArn: arn(`cluster/${name}`), clusterName: name, status: 'ACTIVE' };
  }

  /**
   * API Reference, TagResource `resourceArn`: the ARN of a cluster, service, task, task definition (and other
   * ECS resources); a malformed ARN is an InvalidParameterException, an unknown resource a
   * ResourceNotFoundException ("The specified resource wasn't found").
   */
  function taggable(ref: unknown): string {
    const resource = String(ref ?? '');
    const parsed = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:(task-definition|service|cluster|task)\/(.+)$/.exec(resource);
    if (!parsed) throw new AwsFault('InvalidParameterException', `Invalid ARN: ${resource}`);
    const [, kind = '', rest = ''] = parsed;
    const known =
      (kind === 'task-definition' && [...definitions.values()].flat().some((d) => d.taskDefinitionArn === resource)) ||
      (kind === 'service' && [...services.values()].some((x) => x.serviceArn === resource)) ||
      (kind === 'cluster' && clusters.has(rest)) ||
      (kind === 'task' && scheduler.tasks.has(resource));
    if (!known) throw new AwsFault('ResourceNotFoundException', "The specified resource wasn't found.");
    return resource;
  }

  function publicTask(task: Task): Json {
    const { settlesAt: _settlesAt, behaviour: _behaviour, ...visible } = task;
    return { ...visible, containers: task.containers.map((c) => ({ ...c })) };
  }

  const fake = {
    behaviour: ((): TaskBehaviour => ({ kind: 'healthy', startMs: 300 })) as FakeEcs['behaviour'],
    oneOff: (() => ({ exitCode: 0 })) as FakeEcs['oneOff'],
    definitions,
    services,
    tasks: scheduler.tasks,
    tags,
    failedAt,
    addCluster: (name: string) => void clusters.add(name),
    register: (definition: Json) => register(definition),
    service: (clusterName: string, name: string) => services.get(`${clusterName}/${name}`) as Service,
    listOrder: 'sorted' as ListOrder,
    raceUpdateService: (race: { whenAsked?: string; runs: string; times?: number }) =>
      void races.push({ ...race, times: race.times ?? 1 }),
    deleteService: (clusterName: string, name: string) =>
      void deleteService({ cluster: clusterName, service: name, force: true }),
    serviceDeployments: book,
    alarms: clock.alarms,
    lambda: (() => 'SUCCEEDED') as LambdaHook,
    taskSets: sets,
    trafficOf: (clusterName: string, name: string) => {
      const routes = sets.routes(clusterName, name);
      if (routes) return { shifting: true, ...routes };
      return book.trafficOf(services.get(`${clusterName}/${name}`) as Service);
    },
    seedService(options: Parameters<FakeEcs['seedService']>[0]) {
      const clusterName = options.cluster ?? 'default';
      clusters.add(clusterName);
      const service = createService({
        cluster: clusterName,
        serviceName: options.name,
        taskDefinition: options.taskDefinition,
        desiredCount: options.desiredCount ?? 2,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ['subnet-0123456789abcdef0'],
            securityGroups: ['sg-0123456789abcdef0'],
            assignPublicIp: 'DISABLED',
          },
        },
        deploymentConfiguration: {
          deploymentCircuitBreaker: options.circuitBreaker ?? { enable: true, rollback: true },
          maximumPercent: 200,
          minimumHealthyPercent: 100,
        },
        loadBalancers: options.loadBalancers ?? [],
        ...(options.deploymentController ? { deploymentController: { type: options.deploymentController } } : {}),
      });
      // Already steady: its tasks run and the deployment completed before the test began.
      const deployment = service.deployments[0] as Deployment;
      const definition = findDefinition(options.taskDefinition);
      for (let i = 0; i < service.desiredCount; i++) {
        const task = launchTask(
          scheduler,
          service.clusterArn,
          definition,
          `service:${service.serviceName}`,
          deployment.id,
          { kind: 'healthy', startMs: 0 },
        );
        settleTask(task, Date.now(), scheduler.driver);
      }
      if (deployment.rolloutState) deployment.rolloutState = 'COMPLETED';
      deployment.runningCount = service.runningCount = service.desiredCount;
      addEvent(service, 'has reached a steady state.');
      return service;
    },
  };

  const server = await startJsonServer(
    'AmazonEC2ContainerServiceV20141113',
    {
      RegisterTaskDefinition: (body) => {
        const definition = register(body);
        return { taskDefinition: definition, tags: tags.get(definition.taskDefinitionArn) ?? [] };
      },
      DescribeTaskDefinition: (body) => {
        const definition = findDefinition(String(body.taskDefinition));
        const include = (body.include as string[] | undefined) ?? [];
        return {
          taskDefinition: definition,
          ...(include.includes('TAGS') ? { tags: tags.get(definition.taskDefinitionArn) ?? [] } : {}),
        };
      },
      DeregisterTaskDefinition: (body) => {
        const definition = findDefinition(String(body.taskDefinition));
        definition.status = 'INACTIVE';
        definition.deregisteredAt = epoch();
        return { taskDefinition: definition };
      },
      ListTaskDefinitions: (body) => listTaskDefinitions(definitions, body, api.listOrder),
      CreateCluster: (body) => {
        const name = String(body.clusterName ?? 'default');
        if (!/^[a-zA-Z0-9_-]{1,255}$/.test(name))
          throw new AwsFault('InvalidParameterException', 'Cluster name contains invalid characters.');
        clusters.add(name);
        return { cluster: describeCluster(name) };
      },
      DescribeClusters: (body) => {
        const refs = (body.clusters as string[] | undefined) ?? ['default'];
        const known = refs.map(nameOf).filter((name) => clusters.has(name));
        return {
          clusters: known.map(describeCluster),
          failures: refs
            .filter((ref) => !clusters.has(nameOf(ref)))
            .map((ref) => ({ arn: ref.startsWith('arn:') ? ref : arn(`cluster/${ref}`), reason: 'MISSING' })),
        };
      },
      TagResource: (body) => {
        const resource = taggable(body.resourceArn);
        checkTags(body.tags);
        const merged = new Map((tags.get(resource) ?? []).map((t) => [t.key, t.value]));
        for (const tag of body.tags as Tag[]) merged.set(tag.key, tag.value);
        tags.set(
          resource,
          [...merged].map(([key, value]) => ({ key, value })),
        );
        return {};
      },
      UntagResource: (body) => {
        taggable(body.resourceArn);
        const keys = body.tagKeys as string[];
        tags.set(
          String(body.resourceArn),
          (tags.get(String(body.resourceArn)) ?? []).filter((t) => !keys.includes(t.key)),
        );
        return {};
      },
      ListTagsForResource: (body) => ({ tags: tags.get(taggable(body.resourceArn)) ?? [] }),
      DescribeServices: (body) => {
        const name = cluster(body.cluster);
        purge();
        const found: Json[] = [];
        const failures: Json[] = [];
        for (const ref of body.services as string[]) {
          const service = services.get(`${name}/${nameOf(ref)}`);
          if (service) found.push(describeService(service));
          else failures.push({ arn: arn(`service/${name}/${nameOf(ref)}`), reason: 'MISSING' });
        }
        return { services: found, failures };
      },
      CreateService: (body) => ({ service: describeService(createService(body)) }),
      UpdateService: (body) => ({ service: describeService(updateRaced(body)) }),
      DeleteService: (body) => ({ service: describeService(deleteService(body)) }),
      RunTask: runTask,
      ListServiceDeployments: (body) => listServiceDeployments(book, serviceOf(body), body),
      DescribeServiceDeployments: (body) => {
        const found: Json[] = [];
        const failures: Json[] = [];
        for (const ref of (body.serviceDeploymentArns as string[] | undefined) ?? []) {
          const record = book.find(ref);
          if (record)
            found.push(
              describeServiceDeployment(
                record,
                [...services.values()].find((s) => s.serviceArn === record.serviceArn),
              ),
            );
          else failures.push({ arn: ref, reason: 'MISSING' });
        }
        return { serviceDeployments: found, failures };
      },
      // API Reference, DescribeServiceRevisions: up to 20 ARNs; an unknown one is a failure, not an error.
      DescribeServiceRevisions: (body) => {
        const arns = (body.serviceRevisionArns as string[] | undefined) ?? [];
        if (arns.length === 0 || arns.length > 20)
          throw new AwsFault('InvalidParameterException', 'serviceRevisionArns must contain between 1 and 20 ARNs.');
        const found: Json[] = [];
        const failures: Json[] = [];
        for (const ref of arns) {
          const revision = book.revision(ref);
          if (!revision) {
            failures.push({ arn: ref, reason: 'MISSING' });
            continue;
          }
          const definition = findDefinition(revision.taskDefinition);
          const service = [...services.values()].find((x) => x.serviceArn === revision.serviceArn);
          found.push({
            ...revision,
            launchType: 'FARGATE',
            loadBalancers: service?.loadBalancers ?? [],
            ...(service?.networkConfiguration ? { networkConfiguration: service.networkConfiguration } : {}),
            containerImages: definition.containerDefinitions.map((c) => ({ containerName: c.name, image: c.image })),
          });
        }
        return { serviceRevisions: found, failures };
      },
      ContinueServiceDeployment: (body) => {
        const arn = String(body.serviceDeploymentArn ?? '');
        const record = book.find(arn);
        if (!record) throw new AwsFault('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');
        continueHook(record.traffic, String(body.hookId ?? ''), String(body.action ?? 'CONTINUE'));
        return { serviceDeploymentArn: arn };
      },
      StopServiceDeployment: (body) => {
        const arn = String(body.serviceDeploymentArn ?? '');
        // API Reference, StopServiceDeployment `stopType`: ABORT | ROLLBACK.
        const stopType = String(body.stopType ?? 'ROLLBACK');
        if (!['ABORT', 'ROLLBACK'].includes(stopType))
          throw new AwsFault('InvalidParameterException', `Invalid stopType: ${stopType}.`);
        book.stop(arn, stopType, services.values());
        return { serviceDeploymentArn: arn };
      },
      DescribeTasks: (body) => {
        cluster(body.cluster);
        const found: Json[] = [];
        const failures: Json[] = [];
        for (const ref of body.tasks as string[]) {
          const task = [...scheduler.tasks.values()].find((t) => t.taskArn === ref || t.taskArn.endsWith(`/${ref}`));
          if (task) found.push(publicTask(task));
          else failures.push({ arn: ref, reason: 'MISSING' });
        }
        return { tasks: found, failures };
      },
      ListTasks: (body) => {
        const name = cluster(body.cluster);
        const desired = String(body.desiredStatus ?? 'RUNNING');
        const arns = [...scheduler.tasks.values()]
          .filter((t) => t.clusterArn === arn(`cluster/${name}`) && t.desiredStatus === desired)
          .filter((t) => !body.serviceName || t.group === `service:${nameOf(String(body.serviceName))}`)
          .filter((t) => !body.startedBy || t.startedBy === body.startedBy)
          .filter((t) => !body.family || t.group === `family:${String(body.family)}`)
          .sort((a, b) => b.createdAt - a.createdAt)
          .map((t) => t.taskArn);
        const size = Number(body.maxResults ?? 100);
        return { taskArns: arns.slice(0, size) };
      },
    },
    tick,
  );
  const timer = setInterval(tick, 50);
  timer.unref();
  const close = server.close;
  // Tests assign behaviour and oneOff on the object returned here; the scheduler reads them from it.
  const api: FakeEcs = Object.assign(server, fake, {
    ...(options.driver ? { driver: options.driver } : {}),
    close: async () => {
      clearInterval(timer);
      await close();
      await options.driver?.close();
    },
  }) as unknown as FakeEcs;
  return api;
}

/** The strategy settings of a deployment configuration, kept as given (checkStrategy checked them). */
function strategyFields(config: Service['deploymentConfiguration'] | undefined) {
  if (!config) return {};
  const { strategy, bakeTimeInMinutes, lifecycleHooks, canaryConfiguration, linearConfiguration, alarms } = config;
  return Object.fromEntries(
    Object.entries({
      strategy,
      bakeTimeInMinutes,
      lifecycleHooks,
      canaryConfiguration,
      linearConfiguration,
      alarms,
    }).filter(([, value]) => value !== undefined),
  );
}
