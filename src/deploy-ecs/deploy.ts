import * as core from '@actions/core';
import type { ECSClient, Service } from '@aws-sdk/client-ecs';
import { ecsClient } from '../lib/aws.js';
import { RolloutFailed, TimeoutError } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import type { DeployEcsInputs } from './inputs.js';
import { deregisterOld, describeTaskDefinition, register } from './revisions.js';
import { failedFirst } from '../lib/ecs-assess.js';
import { describeService, describeStoppedTask, watchRollout, type StoppedTask } from '../lib/ecs-rollout.js';
import { runOneOff, type OneOffResult } from './runtask.js';
import { createService, updateService, type Started } from './service.js';
import { imagesOf, render, type TaskDefinition } from './taskdef.js';
import { findServiceUrl, type ServiceUrl } from './url.js';

/**
 * The cloud half of deploy-ecs, loaded only after the inputs and the task definition file were checked.
 * Each phase is a log group; the report says what happened even when a phase fails.
 */

export interface ServiceReport {
  service: string;
  previous?: string;
  deploymentId?: string;
  rolloutState?: string;
  outcome: 'completed' | 'failed' | 'timeout' | 'not-watched' | 'pending';
  reason?: string;
  events: string[];
  stoppedTasks: StoppedTask[];
  /** Who put the previous revision back after a failure: ECS's circuit breaker, or this action. */
  rolledBackBy?: 'ecs' | 'deploy-ecs';
  /** What was done about a failed rollout, when the reason does not already say it. */
  rollbackNote?: string;
  created?: boolean;
  /** The target groups of the service's load balancers, as DescribeServices showed them after the rollout. */
  targetGroupArns?: string[];
}

export interface DeployReport {
  cluster: string;
  taskDefinitionArn?: string;
  registered: boolean;
  images: string[];
  services: ServiceReport[];
  oneOff?: OneOffResult;
  deregistered: string[];
  /** The load balancer URL of the first service that has one (service-url). */
  serviceUrl?: ServiceUrl;
  error?: unknown;
}

export const ROLLBACK_STATE = 'rollback';

export async function deploy(
  inputs: DeployEcsInputs,
  fileDefinition: TaskDefinition | undefined,
): Promise<DeployReport> {
  const report: DeployReport = {
    cluster: inputs.cluster,
    registered: false,
    images: [],
    services: [],
    deregistered: [],
  };
  const deadline = Date.now() + inputs.waitMinutes * 60_000;
  try {
    const client = await ecsClient({ region: inputs.region, stage: 'deploy-ecs' });
    const current = await core.group('Service and task definition', () =>
      prepare(client, inputs, fileDefinition, report),
    );
    if (inputs.runTask && report.taskDefinitionArn) {
      const network = current.services.find((s) => s)?.networkConfiguration ?? undefined;
      const options = inputs.runTask;
      const definition = current.definition;
      report.oneOff = await core.group('One-off task', () =>
        runOneOff(client, inputs.cluster, report.taskDefinitionArn as string, definition, options, network, {
          intervalMs: inputs.pollIntervalMs,
          timeoutMs: Math.max(1000, deadline - Date.now()),
          log: core.info,
        }),
      );
    }
    const started = await core.group('Update service', () => startRollouts(client, inputs, current, report));
    if (!inputs.wait) {
      for (const entry of report.services) entry.outcome = 'not-watched';
      return report;
    }
    core.saveState(
      ROLLBACK_STATE,
      JSON.stringify({
        region: inputs.region,
        cluster: inputs.cluster,
        services: report.services.filter((s) => s.previous),
      }),
    );
    await core.group('Watch rollout', () =>
      Promise.all(
        report.services.map((entry, i) =>
          watch(client, inputs, entry, started[i] as Started, current.services[i], deadline),
        ),
      ),
    );
    core.saveState(ROLLBACK_STATE, '');
    const failed = report.services.filter((s) => s.outcome !== 'completed');
    if (failed.length > 0) throw failure(failed);
    if (report.services.some((s) => s.targetGroupArns?.length)) {
      report.serviceUrl = await core.group('Service URL', async () => {
        const found = await findServiceUrl(report.services, { region: inputs.region, stage: 'deploy-ecs' }, core.info);
        if (found.problem)
          core.warning(`service-url is left empty (the deployment itself succeeded): ${found.problem}`);
        return found;
      });
    }
    if (inputs.deregisterOldRevisions && report.taskDefinitionArn) {
      const keep = inputs.deregisterOldRevisions;
      const protect = new Set([report.taskDefinitionArn, ...report.services.map((s) => s.previous ?? '')]);
      const family = report.taskDefinitionArn.slice(report.taskDefinitionArn.lastIndexOf('/') + 1).split(':')[0] ?? '';
      report.deregistered = await core.group('Deregister old revisions', async () => {
        const gone = await deregisterOld(client, family, keep, protect);
        core.info(
          gone.length ? `deregistered ${gone.join(', ')}` : `no revision of ${family} beyond the newest ${keep}`,
        );
        return gone;
      });
    }
  } catch (error) {
    report.error = error;
  }
  return report;
}

/** The services as found before the update (undefined: to be created) and the task definition deployed. */
interface Current {
  services: (Service | undefined)[];
  definition: TaskDefinition;
}

async function prepare(
  client: ECSClient,
  inputs: DeployEcsInputs,
  fileDefinition: TaskDefinition | undefined,
  report: DeployReport,
): Promise<Current> {
  // Every service is looked up before anything is registered: a typo in a name changes nothing.
  const services = await Promise.all(
    inputs.services.map((name) =>
      describeService(client, inputs.cluster, name).then(
        // ECS still describes a deleted service for a while, INACTIVE: with create-service it is created anew
        // (a reopened pull request's preview).
        (found) => (inputs.createService && found.status === 'INACTIVE' ? undefined : found),
        (error: unknown) => {
          if (inputs.createService && (error as { code?: string }).code === 'ServiceNotFoundException')
            return undefined;
          throw error;
        },
      ),
    ),
  );
  for (const [i, name] of inputs.services.entries()) {
    const previous = services[i]?.taskDefinition;
    report.services.push({
      service: name,
      previous,
      outcome: 'pending',
      events: [],
      stoppedTasks: [],
      created: !services[i],
    });
    core.info(
      services[i] ? `service ${name} runs ${previous}` : `service ${name} does not exist yet: it will be created`,
    );
  }
  // A file was rendered before the SDK was loaded; a registered revision is rendered once it is read.
  let base: { arn?: string; definition: TaskDefinition };
  if (fileDefinition) base = { definition: fileDefinition };
  else if (inputs.source.kind === 'registered') base = await describeTaskDefinition(client, inputs.source.reference);
  else base = await describeTaskDefinition(client, services[0]?.taskDefinition ?? '');
  const { definition, changed } = fileDefinition
    ? { definition: fileDefinition, changed: true }
    : render(base.definition, inputs.render);
  report.images = imagesOf(definition);
  core.info(`images: ${report.images.join(', ')}`);
  if (base.arn && !changed) {
    report.taskDefinitionArn = base.arn;
    core.info(`nothing to render into ${base.arn}: deploying it as it is, no new revision`);
  } else {
    const registered = await register(client, definition, inputs.taskDefinitionTags);
    report.taskDefinitionArn = registered.arn;
    report.registered = true;
    core.info(`registered ${registered.arn}`);
  }
  return { services, definition };
}

async function startRollouts(
  client: ECSClient,
  inputs: DeployEcsInputs,
  current: Current,
  report: DeployReport,
): Promise<Started[]> {
  const arn = report.taskDefinitionArn as string;
  const started: Started[] = [];
  for (const [i, entry] of report.services.entries()) {
    const result =
      current.services[i] || !inputs.createService
        ? await updateService(client, inputs, entry.service, arn)
        : await createService(client, inputs, inputs.createService, entry.service, arn, current.definition);
    entry.deploymentId = result.deploymentId;
    core.info(
      result.deploymentId
        ? `${entry.created ? 'created' : 'updated'} ${entry.service}: deployment ${result.deploymentId} of ${arn}`
        : `${entry.service} already runs ${arn}: ECS started no new deployment (set force-new-deployment to restart its tasks)`,
    );
    started.push(result);
  }
  return started;
}

async function watch(
  client: ECSClient,
  inputs: DeployEcsInputs,
  entry: ServiceReport,
  started: Started,
  before: Service | undefined,
  deadline: number,
): Promise<void> {
  const prefix = inputs.services.length > 1 ? `[${entry.service}] ` : '';
  const log = (line: string) => core.info(`${prefix}${line}`);
  const seen = new Set((started.service.events ?? []).map((e) => e.id ?? ''));
  const target = {
    deploymentId: entry.deploymentId,
    taskDefinitionArn: started.service.taskDefinition ?? '',
    previousTaskDefinitionArn: entry.previous,
    maxFailedTasks: inputs.maxFailedTasks,
  };
  const result = await watchRollout(client, {
    cluster: inputs.cluster,
    service: entry.service,
    target,
    intervalMs: inputs.pollIntervalMs,
    timeoutMs: Math.max(0, deadline - Date.now()),
    seenEventIds: seen,
    log,
  });
  entry.events = result.events;
  entry.stoppedTasks = failedFirst(result.stoppedTasks);
  entry.rolloutState =
    result.assessment?.deployment?.rolloutState ?? (result.outcome === 'completed' ? 'COMPLETED' : undefined);
  entry.outcome = result.outcome;
  if (result.assessment?.state === 'failed') {
    entry.reason = result.assessment.reason;
    if (result.assessment.rolledBack) entry.rolledBackBy = 'ecs';
  } else if (result.outcome === 'timeout') {
    const d = result.assessment?.deployment ?? result.service?.deployments?.find((x) => x.id === entry.deploymentId);
    entry.reason = `The rollout did not finish within ${formatDuration(inputs.waitMinutes * 60_000)}${d ? `: ${d.runningCount ?? 0}/${d.desiredCount ?? 0} running, ${d.pendingCount ?? 0} pending, ${d.failedTasks ?? 0} failed` : ''}.`;
  }
  if (result.outcome === 'completed') {
    log(`rollout completed: ${entry.service} runs ${target.taskDefinitionArn}`);
    const balanced = (result.service ?? started.service).loadBalancers ?? [];
    entry.targetGroupArns = balanced.flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : []));
    return;
  }
  log(`rollout ${result.outcome}: ${entry.reason}`);
  for (const task of entry.stoppedTasks.slice(0, 5)) log(`  ${describeStoppedTask(task)}`);
  for (const event of entry.events.slice(-5)) log(`  event: ${event}`);
  const breaker = (before ?? started.service).deploymentConfiguration?.deploymentCircuitBreaker;
  if (entry.rolledBackBy || !entry.previous) return;
  if (breaker?.enable && breaker.rollback && result.outcome === 'failed') {
    entry.rollbackNote = `The deployment circuit breaker is rolling it back to ${entry.previous}.`;
    log(entry.rollbackNote);
    entry.rolledBackBy = 'ecs';
  } else if (inputs.rollbackOnFailure) {
    log(`rolling ${entry.service} back to ${entry.previous} (rollback-on-failure)`);
    await updateService(
      client,
      { ...inputs, forceNewDeployment: false, desiredCount: undefined },
      entry.service,
      entry.previous,
    );
    entry.rolledBackBy = 'deploy-ecs';
    entry.rollbackNote = `Pointed it back at ${entry.previous} (rollback-on-failure).`;
  } else {
    entry.rollbackNote = `It still points at the failed revision (rollback-on-failure is false); it ran ${entry.previous} before.`;
  }
}

function failure(failed: ServiceReport[]): Error {
  const lines = failed.map((s) => {
    const task = s.stoppedTasks[0];
    const stopped = task ? ` First failed ${describeStoppedTask(task)}.` : '';
    return `${s.service}: ${s.reason ?? s.outcome}${stopped}${s.rollbackNote ? ` ${s.rollbackNote}` : ''}`;
  });
  const hint =
    "Read the stopped reasons and service events above; the task's own logs are in its log configuration (e.g. CloudWatch Logs).";
  const timedOut = failed.every((s) => s.outcome === 'timeout');
  return timedOut
    ? new TimeoutError(`Rollout timed out. ${lines.join(' ')}`, hint)
    : new RolloutFailed(`Rollout failed. ${lines.join(' ')}`, hint);
}
