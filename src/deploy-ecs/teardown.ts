import * as core from '@actions/core';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { aws } from '../lib/aws.js';
import { ecsClient } from '../lib/ecs.js';
import { formatDuration } from '../lib/duration.js';
import { TimeoutError } from '../lib/errors.js';
import { poll } from '../lib/poll.js';
import type { TeardownInputs } from './inputs.js';

/**
 * deploy-ecs `mode: teardown`: deletes services that only lived for a while, such as a pull request's
 * preview `<service>-pr-<number>`. DeleteService with force scales to 0 and deletes in one call; ECS then
 * drains the service (DRAINING) and stops its tasks, and it is gone once INACTIVE. Idempotent: a service that
 * is missing or already INACTIVE counts as torn down, so a re-run of a closed pull request's job passes.
 */

export interface TeardownResult {
  service: string;
  outcome: 'deleted' | 'already-gone' | 'draining';
  /** The status ECS reported last: DRAINING, INACTIVE or MISSING. */
  status: string;
}

export interface TeardownReport {
  /** Known once the inputs are read. */
  cluster?: string;
  /** One per service torn down so far, in the order given. */
  results: TeardownResult[];
}

export async function teardown(inputs: TeardownInputs, report: TeardownReport): Promise<void> {
  const ecs = await ecsClient({
    region: inputs.region,
    stage: 'deploy-ecs',
    requestTimeoutMs: inputs.requestTimeoutMs,
    deadline: { at: Date.now() + inputs.waitMs, input: 'wait-for-minutes' },
  });
  for (const service of inputs.services) {
    const result = await core.group(`Deleting ${service} from ${inputs.cluster}`, () => tearDown(ecs, inputs, service));
    report.results.push(result);
  }
}

async function tearDown(ecs: ECSClient, inputs: TeardownInputs, service: string): Promise<TeardownResult> {
  const before = await statusOf(ecs, inputs.cluster, service);
  if (before === 'MISSING' || before === 'INACTIVE') {
    core.info(`${service} is ${before === 'MISSING' ? 'not in the cluster' : 'already INACTIVE'}: nothing to delete.`);
    return { service, outcome: 'already-gone', status: before };
  }
  if (before === 'ACTIVE' && !(await deleteService(ecs, inputs.cluster, service))) {
    core.info(`${service} was deleted meanwhile: nothing to delete.`);
    return { service, outcome: 'already-gone', status: 'MISSING' };
  }
  if (!inputs.wait) return { service, outcome: 'draining', status: 'DRAINING' };
  const waited = await poll(
    async () => {
      const status = await statusOf(ecs, inputs.cluster, service);
      return status === 'INACTIVE' || status === 'MISSING' ? status : undefined;
    },
    { intervalMs: inputs.pollIntervalMs, timeoutMs: inputs.waitMs },
  );
  if (waited.outcome === 'timeout')
    throw new TimeoutError(
      `${service} was still DRAINING after ${formatDuration(inputs.waitMs)}: its tasks have not all stopped.`,
      'Check the stopped reasons of its tasks in the ECS console, or raise wait-for-minutes; running the teardown again resumes the wait.',
    );
  core.info(`${service}: ${waited.value}.`);
  return { service, outcome: 'deleted', status: waited.value };
}

/**
 * DeleteService with force. False when ECS no longer knows the service (ServiceNotFoundException: deleted and
 * purged between the look and the delete); ServiceNotActiveException means it is already draining.
 */
async function deleteService(ecs: ECSClient, cluster: string, service: string): Promise<boolean> {
  const { DeleteServiceCommand } = await import('@aws-sdk/client-ecs');
  try {
    await aws(`DeleteService ${service}`, () => ecs.send(new DeleteServiceCommand({ cluster, service, force: true })));
    core.info(`${service}: deleted; ECS is draining it.`);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ServiceNotFoundException') return false;
    if (code === 'ServiceNotActiveException') return true;
    throw error;
  }
}

/** ACTIVE, DRAINING, INACTIVE, or MISSING when ECS does not know the service at all. */
async function statusOf(ecs: ECSClient, cluster: string, service: string): Promise<string> {
  const { DescribeServicesCommand } = await import('@aws-sdk/client-ecs');
  const { services, failures } = await aws(`DescribeServices ${service}`, () =>
    ecs.send(new DescribeServicesCommand({ cluster, services: [service] })),
  );
  return services?.[0]?.status ?? (failures?.[0]?.reason === 'MISSING' ? 'MISSING' : 'UNKNOWN');
}
