import { AwsFault } from '../aws/json-server.js';
import { ACCOUNT, REGION, epoch, type Deployment, type Json, type Service } from './model.js';
import { failureThreshold } from './rollout.js';
import {
  advanceTraffic,
  hookDetails,
  shownStage,
  startTraffic,
  strategyOf,
  type Outcome,
  type StrategyClock,
  type Traffic,
} from './strategies.js';

/**
 * Service deployments and service revisions, as ECS keeps them beside a service's `deployments` (Developer Guide,
 * "View service history using Amazon ECS service deployments"; API Reference, ServiceDeployment,
 * ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment). Here for the rolling update (ECS)
 * controller: each record follows the scheduler's deployment it targets, which rollout.ts moves.
 *
 * - ECS creates a service deployment when a service is created, when it is updated with forceNewDeployment, and
 *   when an update changes a property that needs a deployment (the task definition). It starts PENDING and goes
 *   IN_PROGRESS; it ends SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED (Developer Guide, the three
 *   service deployment stages).
 * - A failure the circuit breaker detects ends it ROLLBACK_IN_PROGRESS then ROLLBACK_SUCCESSFUL when the breaker
 *   rolls back, and STOPPED (with stoppedAt) when it does not (API Reference, ServiceDeployment `stoppedAt`: "the
 *   rollback option is not in use for the failure detection mechanism and the service fails").
 * - StopServiceDeployment ROLLBACK takes an unfinished deployment to ROLLBACK_REQUESTED, then rolls back to the
 *   source revision (Developer Guide, "Stopping Amazon ECS service deployments"), whether or not the service was
 *   configured to roll back. A finished one cannot be stopped (ConflictException).
 * - Deleting the service deletes its service deployments.
 */

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

const finished: readonly ServiceDeploymentStatus[] = [
  'SUCCESSFUL',
  'STOPPED',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
];

export interface ServiceRevision {
  serviceRevisionArn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  createdAt: number;
}

export interface ServiceDeploymentRecord {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  status: ServiceDeploymentStatus;
  statusReason?: string;
  createdAt: number;
  startedAt?: number;
  updatedAt: number;
  finishedAt?: number;
  stoppedAt?: number;
  /** The scheduler deployments (ecs-svc/...) of the source revisions and of the target. */
  sources: { revision: ServiceRevision; deployment: Deployment }[];
  target: { revision: ServiceRevision; deployment: Deployment };
  /** The scheduler deployment that puts the source back, once a rollback started. */
  restore?: Deployment;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
  deploymentConfiguration: Json;
  /** A BLUE_GREEN, CANARY or LINEAR deployment's stage, hooks and traffic (strategies.ts). */
  traffic?: Traffic;
}

/** What the book needs of the local ECS's scheduler. */
export interface SchedulerOps {
  /** Rolls a rolling-update service back: a new deployment of `taskDefinition`. */
  rollBack: (service: Service, taskDefinition: string) => Deployment;
  /** Healthy RUNNING tasks of a deployment. */
  healthy: (deployment: Deployment) => number;
  /** Whether the circuit breaker's threshold is reached for a deployment. */
  breakerTripped: (service: Service, deployment: Deployment) => boolean;
  /** Stops a deployment's tasks (a rolled-back green revision, or blue at CLEAN_UP). */
  retire: (service: Service, deployment: Deployment, by: Deployment) => void;
  /** Makes `deployment` the service's only one, COMPLETED (CLEAN_UP; or blue again after a rollback). */
  settle: (service: Service, deployment: Deployment) => void;
}

const randomId = (length: number, alphabet: string) =>
  Array.from({ length }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');

/** API Reference, ServiceDeployment `serviceDeploymentArn`: arn:aws:ecs:region:account:service-deployment/cluster/service/id. */
const deploymentArn = (cluster: string, service: string) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/${cluster}/${service}/${randomId(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}-${randomId(12, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;

/** ServiceRevision `serviceRevisionArn`: arn:aws:ecs:region:account:service-revision/cluster/service/id (digits). */
const revisionArn = (cluster: string, service: string) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/${cluster}/${service}/${randomId(19, '0123456789')}`;

const clusterOf = (service: Service) => service.clusterArn.slice(service.clusterArn.lastIndexOf('/') + 1);

export function serviceDeploymentBook(ops: SchedulerOps, clock: StrategyClock) {
  const records: ServiceDeploymentRecord[] = [];
  const revisions = new Map<string, ServiceRevision>();

  function revisionOf(service: Service, deployment: Deployment): ServiceRevision {
    let revision = revisions.get(deployment.id);
    if (!revision) {
      revision = {
        serviceRevisionArn: revisionArn(clusterOf(service), service.serviceName),
        serviceArn: service.serviceArn,
        clusterArn: service.clusterArn,
        taskDefinition: deployment.taskDefinition,
        createdAt: deployment.createdAt,
      };
      revisions.set(deployment.id, revision);
    }
    return revision;
  }

  function end(record: ServiceDeploymentRecord, status: ServiceDeploymentStatus, reason?: string) {
    const now = epoch();
    record.status = status;
    record.updatedAt = now;
    if (reason) record.statusReason = reason;
    if (status === 'STOPPED') record.stoppedAt = now;
    else record.finishedAt = now;
  }

  const book = {
    records,
    /**
     * A new deployment of `service` was created by CreateService or UpdateService: its service deployment, whose
     * sources are the deployments still running. An unfinished one it replaces is STOPPED.
     */
    started(service: Service, target: Deployment) {
      for (const record of records)
        if (record.serviceArn === service.serviceArn && !finished.includes(record.status))
          end(record, 'STOPPED', 'Service deployment stopped: a new service deployment was started.');
      const now = epoch();
      const sources = service.deployments.filter((d) => d !== target && d.status !== 'INACTIVE');
      const strategy = strategyOf(service);
      records.push({
        ...(strategy && sources.length > 0 ? { traffic: startTraffic(service, target, sources.length) } : {}),
        serviceDeploymentArn: deploymentArn(clusterOf(service), service.serviceName),
        serviceArn: service.serviceArn,
        clusterArn: service.clusterArn,
        status: 'PENDING',
        createdAt: now,
        updatedAt: now,
        sources: sources.map((deployment) => ({ revision: revisionOf(service, deployment), deployment })),
        target: { revision: revisionOf(service, target), deployment: target },
        deploymentConfiguration: JSON.parse(JSON.stringify(service.deploymentConfiguration)) as Json,
      });
    },
    /** One scheduler pass: each unfinished record follows its deployments. */
    observe(service: Service, rolloutState: boolean) {
      for (const record of records)
        if (record.serviceArn === service.serviceArn && !finished.includes(record.status))
          follow(service, record, rolloutState);
    },
    /** Whether a traffic-shifting deployment drives `service` now (the scheduler then leaves its rollout alone). */
    holds(service: Service) {
      return records.some((r) => r.serviceArn === service.serviceArn && r.traffic && !finished.includes(r.status));
    },
    /** DeleteService: "When you delete a service, Amazon ECS deletes the corresponding service deployments." */
    deleted(service: Service) {
      for (let i = records.length - 1; i >= 0; i--)
        if (records[i]?.serviceArn === service.serviceArn) records.splice(i, 1);
    },
    find(arn: string) {
      return records.find((r) => r.serviceDeploymentArn === arn);
    },
    /** A service revision by its ARN (DescribeServiceRevisions). */
    revision(arn: string) {
      return [...revisions.values()].find((r) => r.serviceRevisionArn === arn);
    },
    stop(arn: string, stopType: string, services: Iterable<Service>) {
      const record = records.find((r) => r.serviceDeploymentArn === arn);
      if (!record) throw new AwsFault('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');
      if (finished.includes(record.status))
        throw new AwsFault('ConflictException', `The service deployment is ${record.status} and cannot be stopped.`);
      const service = [...services].find((s) => s.serviceArn === record.serviceArn);
      if (!service) throw new AwsFault('ServiceNotFoundException', 'Service not found.');
      if (stopType === 'ABORT') {
        record.status = 'STOP_REQUESTED';
        record.updatedAt = epoch();
        return;
      }
      record.status = 'ROLLBACK_REQUESTED';
      record.updatedAt = epoch();
      const reason = 'Service deployment rolled back by StopServiceDeployment.';
      if (record.traffic) trafficRollback(service, record, reason);
      else startRollback(service, record, reason);
    },
  };

  function startRollback(service: Service, record: ServiceDeploymentRecord, reason: string) {
    const source = record.sources.at(0);
    if (!source) {
      end(record, 'ROLLBACK_FAILED', 'There is no source service revision to roll back to.');
      return;
    }
    record.restore = ops.rollBack(service, source.revision.taskDefinition);
    revisions.set(record.restore.id, source.revision);
    record.rollback = { reason, startedAt: epoch(), serviceRevisionArn: source.revision.serviceRevisionArn };
    record.status = 'ROLLBACK_IN_PROGRESS';
    record.updatedAt = epoch();
  }

  function follow(service: Service, record: ServiceDeploymentRecord, rolloutState: boolean) {
    const target = record.target.deployment;
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (record.status === 'PENDING') {
      record.status = 'IN_PROGRESS';
      record.startedAt = record.updatedAt = epoch();
    }
    if (record.status === 'STOP_REQUESTED')
      return end(record, 'STOPPED', 'Service deployment stopped by StopServiceDeployment.');
    if (record.traffic) return followTraffic(service, record);
    if (record.restore) {
      if (record.restore.rolloutState === 'FAILED')
        return end(record, 'ROLLBACK_FAILED', record.restore.rolloutStateReason);
      if (settled(service, record.restore, rolloutState)) end(record, 'ROLLBACK_SUCCESSFUL', record.rollback?.reason);
      return;
    }
    if (target.rolloutState === 'FAILED') {
      // rollout.ts's circuit breaker put a deployment of the last completed revision first when it rolls back.
      const restore = primary && primary !== target && !revisions.has(primary.id) ? primary : undefined;
      if (!restore) return end(record, 'STOPPED', target.rolloutStateReason);
      record.restore = restore;
      const source =
        record.sources.find((s) => s.deployment.taskDefinition === restore.taskDefinition) ?? record.sources[0];
      if (source) revisions.set(restore.id, source.revision);
      record.rollback = {
        reason: target.rolloutStateReason ?? 'ECS deployment circuit breaker: tasks failed to start.',
        startedAt: epoch(),
        serviceRevisionArn: source?.revision.serviceRevisionArn ?? '',
      };
      record.status = 'ROLLBACK_IN_PROGRESS';
      record.updatedAt = epoch();
      return;
    }
    if (settled(service, target, rolloutState)) end(record, 'SUCCESSFUL');
  }

  /** A traffic-shifting deployment's pass: its stage moves on, or it ends, or it rolls back to blue. */
  function followTraffic(service: Service, record: ServiceDeploymentRecord) {
    const traffic = record.traffic as Traffic;
    const green = record.target.deployment;
    const blue = record.sources[0]?.deployment;
    if (record.rollback) {
      if (!blue || ops.healthy(blue) >= service.desiredCount)
        end(record, 'ROLLBACK_SUCCESSFUL', record.rollback.reason);
      return;
    }
    const outcome: Outcome = advanceTraffic(
      {
        service,
        green,
        blue,
        traffic,
        serviceDeploymentArn: record.serviceDeploymentArn,
        healthy: ops.healthy,
        breakerTripped: () => ops.breakerTripped(service, green),
      },
      clock,
    );
    record.updatedAt = epoch();
    if (!outcome) return;
    if ('done' in outcome) {
      for (const source of record.sources) ops.retire(service, source.deployment, green);
      ops.settle(service, green);
      return end(record, 'SUCCESSFUL');
    }
    if ('stopped' in outcome) return end(record, 'STOPPED', outcome.stopped);
    trafficRollback(service, record, outcome.rollback);
  }

  /** All traffic back on blue, green scaled down: blue is the service's revision again. */
  function trafficRollback(service: Service, record: ServiceDeploymentRecord, reason: string) {
    const traffic = record.traffic as Traffic;
    const blue = record.sources[0];
    traffic.production = 0;
    traffic.test = 0;
    record.rollback = { reason, startedAt: epoch(), serviceRevisionArn: blue?.revision.serviceRevisionArn ?? '' };
    record.status = 'ROLLBACK_IN_PROGRESS';
    record.updatedAt = epoch();
    if (!blue) return end(record, 'ROLLBACK_FAILED', 'There is no source service revision to roll back to.');
    ops.retire(service, record.target.deployment, blue.deployment);
    service.taskDefinition = blue.deployment.taskDefinition;
    ops.settle(service, blue.deployment);
  }

  /**
   * Where a listener sends a service's traffic now: production and test, as task definition and weight. With no
   * traffic-shifting deployment in flight (`shifting` false), both go to the service's revision, and during a
   * rolling update to every healthy task of the service.
   */
  function trafficOf(service: Service) {
    const record = [...records]
      .reverse()
      .find((r) => r.serviceArn === service.serviceArn && r.traffic && !finished.includes(r.status));
    if (!record?.traffic) {
      const all = [{ taskDefinition: service.taskDefinition, weight: 100 }];
      return { shifting: false, production: all, test: all };
    }
    const split = (green: number) =>
      [
        { taskDefinition: record.sources[0]?.deployment.taskDefinition ?? '', weight: 100 - green },
        { taskDefinition: record.target.deployment.taskDefinition, weight: green },
      ].filter((w) => w.weight > 0);
    return { shifting: true, production: split(record.traffic.production), test: split(record.traffic.test) };
  }

  return Object.assign(book, { trafficOf });
}

/** A deployment is done when it completed (rolloutState) or, without rolloutState, when it alone runs its count. */
function settled(service: Service, deployment: Deployment, rolloutState: boolean): boolean {
  if (rolloutState) return deployment.rolloutState === 'COMPLETED';
  return (
    service.deployments.length === 1 &&
    service.deployments[0] === deployment &&
    deployment.runningCount >= deployment.desiredCount
  );
}

export type ServiceDeploymentBook = ReturnType<typeof serviceDeploymentBook>;

/** API Reference, ServiceRevisionSummary: the counts of one revision in a service deployment. */
function summary(
  revision: ServiceRevision,
  deployment: Deployment,
  weights?: { production: number; test: number },
): Json {
  return {
    arn: revision.serviceRevisionArn,
    requestedTaskCount: deployment.desiredCount,
    runningTaskCount: deployment.runningCount,
    pendingTaskCount: deployment.pendingCount,
    ...(weights
      ? { requestedProductionTrafficWeight: weights.production, requestedTestTrafficWeight: weights.test }
      : {}),
  };
}

/** DescribeServiceDeployments' shape of a record (API Reference, ServiceDeployment). */
export function describeServiceDeployment(record: ServiceDeploymentRecord, service: Service | undefined): Json {
  const breaker = record.deploymentConfiguration.deploymentCircuitBreaker as
    { enable?: boolean; thresholdConfiguration?: { type?: string; value?: number } } | undefined;
  const done = finished.includes(record.status);
  const target = record.target.deployment;
  return {
    serviceDeploymentArn: record.serviceDeploymentArn,
    serviceArn: record.serviceArn,
    clusterArn: record.clusterArn,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.startedAt !== undefined ? { startedAt: record.startedAt } : {}),
    ...(record.finishedAt !== undefined ? { finishedAt: record.finishedAt } : {}),
    ...(record.stoppedAt !== undefined ? { stoppedAt: record.stoppedAt } : {}),
    sourceServiceRevisions: record.sources.map((s, i) =>
      summary(
        s.revision,
        s.deployment,
        record.traffic && i === 0
          ? { production: 100 - record.traffic.production, test: 100 - record.traffic.test }
          : undefined,
      ),
    ),
    targetServiceRevision: summary(
      record.target.revision,
      target,
      record.traffic ? { production: record.traffic.production, test: record.traffic.test } : undefined,
    ),
    status: record.status,
    ...(record.traffic
      ? { lifecycleStage: shownStage(record.traffic.stage), lifecycleHookDetails: hookDetails(record.traffic) }
      : {}),
    ...(record.statusReason ? { statusReason: record.statusReason } : {}),
    deploymentConfiguration: record.deploymentConfiguration,
    ...(record.rollback ? { rollback: record.rollback } : {}),
    // API Reference, ServiceDeploymentCircuitBreaker: DISABLED, MONITORING, TRIGGERED, MONITORING_COMPLETE.
    deploymentCircuitBreaker: breaker?.enable
      ? {
          status: record.rollback ? 'TRIGGERED' : done ? 'MONITORING_COMPLETE' : 'MONITORING',
          failureCount: target.failedTasks,
          threshold: failureThreshold(service?.desiredCount ?? target.desiredCount, breaker.thresholdConfiguration),
        }
      : { status: 'DISABLED', failureCount: 0, threshold: 0 },
    alarms: alarmsOf(record),
  };
}

/** ListServiceDeployments' brief (API Reference, ServiceDeploymentBrief). */
export function briefOf(record: ServiceDeploymentRecord): Json {
  return {
    serviceDeploymentArn: record.serviceDeploymentArn,
    serviceArn: record.serviceArn,
    clusterArn: record.clusterArn,
    createdAt: record.createdAt,
    ...(record.startedAt !== undefined ? { startedAt: record.startedAt } : {}),
    ...((record.finishedAt ?? record.stoppedAt) ? { finishedAt: record.finishedAt ?? record.stoppedAt } : {}),
    targetServiceRevisionArn: record.target.revision.serviceRevisionArn,
    status: record.status,
    ...(record.statusReason ? { statusReason: record.statusReason } : {}),
  };
}

/**
 * ListServiceDeployments (API Reference): the service's deployments, newest first, filtered by `status` and
 * `createdAt` {before, after}; `maxResults` 1-100 (default 20) with a `nextToken` for the rest.
 */
export function listServiceDeployments(book: ServiceDeploymentBook, service: Service, body: Json): Json {
  const statuses = body.status as string[] | undefined;
  const window = body.createdAt as { before?: number; after?: number } | undefined;
  const maxResults = Number(body.maxResults ?? 20);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)
    throw new AwsFault('InvalidParameterException', 'maxResults must be between 1 and 100.');
  const matching = book.records
    .filter((r) => r.serviceArn === service.serviceArn)
    .filter((r) => !statuses?.length || statuses.includes(r.status))
    .filter((r) => window?.before === undefined || r.createdAt < window.before)
    .filter((r) => window?.after === undefined || r.createdAt > window.after)
    .sort((a, b) => b.createdAt - a.createdAt);
  const start = body.nextToken ? Number(Buffer.from(String(body.nextToken), 'base64').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsFault('InvalidParameterException', 'Invalid nextToken.');
  const page = matching.slice(start, start + maxResults);
  const more = start + maxResults < matching.length;
  return {
    serviceDeployments: page.map(briefOf),
    ...(more ? { nextToken: Buffer.from(String(start + maxResults)).toString('base64') } : {}),
  };
}

/** ServiceDeploymentAlarms: the alarms the deployment watches and those that fired. */
function alarmsOf(record: ServiceDeploymentRecord): Json {
  const alarms = record.deploymentConfiguration.alarms as { alarmNames?: string[]; enable?: boolean } | undefined;
  if (!alarms?.enable) return { status: 'DISABLED' };
  const triggered = record.traffic?.triggeredAlarms ?? [];
  return {
    status:
      triggered.length > 0 ? 'TRIGGERED' : finished.includes(record.status) ? 'MONITORING_COMPLETE' : 'MONITORING',
    alarmNames: alarms.alarmNames ?? [],
    triggeredAlarmNames: triggered,
  };
}
