import * as core from '@actions/core';
import { aws, ecsClient } from '../lib/aws.js';
import { TimeoutError } from '../lib/errors.js';
import { poll } from '../lib/poll.js';
import { formatDuration } from '../lib/duration.js';
import { code, type StageSummary } from '../lib/summary.js';
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

export async function teardown(inputs: TeardownInputs): Promise<TeardownResult[]> {
  const ecs = await ecsClient({ region: inputs.region, stage: 'deploy-ecs' });
  const { DeleteServiceCommand, DescribeServicesCommand } = await import('@aws-sdk/client-ecs');
  const statusOf = async (service: string) => {
    const { services, failures } = await aws(`DescribeServices ${service}`, () =>
      ecs.send(new DescribeServicesCommand({ cluster: inputs.cluster, services: [service] })),
    );
    return services?.[0]?.status ?? (failures?.[0]?.reason === 'MISSING' ? 'MISSING' : 'UNKNOWN');
  };

  const results: TeardownResult[] = [];
  for (const service of inputs.services) {
    const result = await core.group(`Deleting ${service} from ${inputs.cluster}`, async () => {
      const before = await statusOf(service);
      if (before === 'MISSING' || before === 'INACTIVE') {
        core.info(
          `${service} is ${before === 'MISSING' ? 'not in the cluster' : 'already INACTIVE'}: nothing to delete.`,
        );
        return { service, outcome: 'already-gone' as const, status: before };
      }
      if (before === 'ACTIVE') {
        await aws(`DeleteService ${service}`, () =>
          ecs.send(new DeleteServiceCommand({ cluster: inputs.cluster, service, force: true })),
        );
        core.info(`${service}: deleted; ECS is draining it.`);
      }
      if (!inputs.wait) return { service, outcome: 'draining' as const, status: 'DRAINING' };
      const waited = await poll(
        async () => {
          const status = await statusOf(service);
          return status === 'INACTIVE' || status === 'MISSING' ? status : undefined;
        },
        { intervalMs: inputs.pollIntervalMs, timeoutMs: inputs.waitMinutes * 60_000 },
      );
      if (waited.outcome === 'timeout')
        throw new TimeoutError(
          `${service} was still DRAINING after ${formatDuration(inputs.waitMinutes * 60_000)}: its tasks have not all stopped.`,
          'Check the stopped reasons of its tasks in the ECS console, or raise wait-for-minutes; running the teardown again resumes the wait.',
        );
      core.info(`${service}: ${waited.value}.`);
      return { service, outcome: 'deleted' as const, status: waited.value };
    });
    results.push(result);
  }
  return results;
}

export function summariseTeardown(inputs: TeardownInputs, results: TeardownResult[], ms: number): StageSummary {
  const deleted = results.filter((r) => r.outcome !== 'already-gone');
  return {
    stage: 'deploy-ecs teardown',
    outcome: deleted.length > 0 ? 'success' : 'unchanged',
    headline:
      deleted.length > 0
        ? `Deleted ${deleted.map((r) => r.service).join(', ')} from ${inputs.cluster}.`
        : `Nothing to delete: ${results.map((r) => r.service).join(', ')} already gone from ${inputs.cluster}.`,
    facts: [
      ['Cluster', code(inputs.cluster)],
      ...results.map((r): [string, string] => [r.service, `${r.outcome} (${r.status})`]),
      ['Time', formatDuration(ms)],
    ],
  };
}
