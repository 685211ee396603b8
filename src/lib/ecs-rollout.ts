import type { ECSClient, Service, ServiceEvent, Task } from '@aws-sdk/client-ecs';
import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { shortArn } from './arn.js';
import { aws } from './aws.js';
import { CloudError, TimeoutError } from './errors.js';
import { poll } from './poll.js';
import { assess, describeStoppedTask, type Assessment, type RolloutTarget, type StoppedTask } from './ecs-assess.js';

export { describeStoppedTask, type StoppedTask } from './ecs-assess.js';

/**
 * Watches one service's rollout: polls DescribeServices, prints each new service event as it appears and
 * each task of the new deployment that stops, and ends as soon as `assess` knows the outcome.
 */

export interface WatchOptions {
  cluster: string;
  service: string;
  target: RolloutTarget;
  intervalMs: number;
  timeoutMs: number;
  /** Events already there before the update, not printed again. */
  seenEventIds: Set<string>;
  /** Events older than this are not printed either (a watch that did not see the service before it began). */
  since?: Date;
  log: (line: string) => void;
}

export interface WatchResult {
  outcome: 'completed' | 'failed' | 'timeout';
  assessment?: Assessment;
  service?: Service;
  /** The events seen during the watch, oldest first. */
  events: string[];
  stoppedTasks: StoppedTask[];
  polls: number;
  /** A request cut at the stage's deadline while watching: which, and how long it was waited on. */
  cut?: string;
}

/** A stopped task as the summaries and errors describe it. */
export function toStopped(task: Task): StoppedTask {
  return {
    taskId: shortArn(task.taskArn ?? ''),
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    containers: (task.containers ?? []).map((c) => ({ name: c.name ?? '?', exitCode: c.exitCode, reason: c.reason })),
  };
}

function formatEvent(event: ServiceEvent): string {
  const time = event.createdAt ? event.createdAt.toISOString().slice(11, 19) : '--:--:--';
  return `${time} ${event.message ?? ''}`;
}

/** The stopped tasks of a deployment, newest first (ECS keeps them listed for about an hour). */
export async function stoppedTasks(
  client: ECSClient,
  cluster: string,
  deploymentId: string,
  known: Set<string>,
): Promise<StoppedTask[]> {
  const listed = await aws('ecs:ListTasks', () =>
    client.send(new ListTasksCommand({ cluster, startedBy: deploymentId, desiredStatus: 'STOPPED', maxResults: 100 })),
  );
  const fresh = (listed.taskArns ?? []).filter((arn) => !known.has(arn));
  if (fresh.length === 0) return [];
  const described = await aws('ecs:DescribeTasks', () =>
    client.send(new DescribeTasksCommand({ cluster, tasks: fresh })),
  );
  for (const arn of fresh) known.add(arn);
  return (described.tasks ?? []).filter((t) => t.lastStatus === 'STOPPED').map(toStopped);
}

export async function describeService(client: ECSClient, cluster: string, service: string): Promise<Service> {
  const answer = await aws('ecs:DescribeServices', () =>
    client.send(new DescribeServicesCommand({ cluster, services: [service] })),
  );
  const found = answer.services?.[0];
  if (!found) {
    const reason = answer.failures?.[0]?.reason ?? 'MISSING';
    throw new CloudError(
      `Service '${service}' was not found in cluster '${cluster}' (${reason}).`,
      'ServiceNotFoundException',
      'Check the service name and the cluster, or give the create-service inputs to create it.',
    );
  }
  return found;
}

export async function watchRollout(client: ECSClient, options: WatchOptions): Promise<WatchResult> {
  const result: WatchResult = { outcome: 'timeout', events: [], stoppedTasks: [], polls: 0 };
  const knownTasks = new Set<string>();
  let failedSeen = 0;

  const polled = await pollUntilDeadline(
    async () => {
      result.polls++;
      const service = await describeService(client, options.cluster, options.service);
      result.service = service;
      const fresh = (service.events ?? [])
        .filter((e) => e.id && !options.seenEventIds.has(e.id))
        .filter((e) => !options.since || !e.createdAt || e.createdAt >= options.since)
        .reverse();
      for (const event of fresh) {
        options.seenEventIds.add(event.id as string);
        result.events.push(formatEvent(event));
        options.log(`event: ${formatEvent(event)}`);
      }
      const assessment = assess(service, options.target);
      const deployment = assessment.deployment;
      if (deployment?.id && (deployment.failedTasks ?? 0) > failedSeen) {
        failedSeen = deployment.failedTasks ?? 0;
        const stopped = await stoppedTasks(client, options.cluster, deployment.id, knownTasks);
        for (const task of stopped) options.log(`stopped: ${describeStoppedTask(task)}`);
        result.stoppedTasks.push(...stopped);
      }
      if (assessment.state === 'in-progress') {
        const d = assessment.deployment;
        options.log(
          `rollout ${d.rolloutState ?? 'in progress'}: ${d.runningCount ?? 0}/${d.desiredCount ?? 0} running, ${d.pendingCount ?? 0} pending, ${d.failedTasks ?? 0} failed`,
        );
        return undefined;
      }
      return assessment;
    },
    { intervalMs: options.intervalMs, timeoutMs: options.timeoutMs },
    result,
  );

  if (polled.outcome === 'done') {
    result.assessment = polled.value;
    result.outcome = polled.value.state === 'completed' ? 'completed' : 'failed';
  }
  // A failure or a timeout is explained by the tasks that stopped, even those not seen while polling.
  const deploymentId = result.assessment?.deployment?.id ?? options.target.deploymentId;
  if (result.outcome !== 'completed' && deploymentId) {
    result.stoppedTasks.push(
      ...(await stoppedTasks(client, options.cluster, deploymentId, knownTasks).catch(() => [])),
    );
  }
  return result;
}

/**
 * poll, where a request cut at the stage's deadline (src/lib/aws.ts) ends the watch as a timeout, as the
 * deadline passing between two polls does, with the cut request named.
 */
async function pollUntilDeadline<T>(
  check: () => Promise<T | undefined>,
  options: { intervalMs: number; timeoutMs: number },
  result: WatchResult,
): Promise<{ outcome: 'done'; value: T } | { outcome: 'timeout' }> {
  try {
    return await poll(check, options);
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    result.cut = error.message;
    return { outcome: 'timeout' };
  }
}
