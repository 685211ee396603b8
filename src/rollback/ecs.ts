import {
  DescribeTaskDefinitionCommand,
  paginateListTaskDefinitions,
  TagResourceCommand,
  UpdateServiceCommand,
  type ECSClient,
  type Tag,
} from '@aws-sdk/client-ecs';
import * as core from '@actions/core';
import { aws, ecsClient } from '../lib/aws.js';
import { CloudError, InputError, RolloutFailed, TimeoutError } from '../lib/errors.js';
import { describeService, describeStoppedTask, watchRollout } from '../lib/ecs-rollout.js';
import type { EcsRollbackInputs } from './inputs.js';
import type { RollbackResult } from './result.js';

/**
 * The ECS half of rollback: choose the revision to return to (explicit, deploy-ecs's previous revision,
 * or the newest earlier known-good one), point the service at it and watch that rollout as deploy-ecs
 * does. `mark-good` tags a revision as known-good once it proved healthy.
 */

const short = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const familyOf = (arn: string) => short(arn).split(':')[0] ?? '';
const revisionOf = (arn: string) => Number(short(arn).split(':')[1] ?? 0);

async function describe(client: ECSClient, reference: string): Promise<{ arn: string; tags: Tag[] }> {
  try {
    const answer = await client.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: reference, include: ['TAGS'] }),
    );
    return { arn: answer.taskDefinition?.taskDefinitionArn ?? reference, tags: answer.tags ?? [] };
  } catch (error) {
    if ((error as { name?: string }).name === 'ClientException') {
      throw new InputError(
        `Task definition '${reference}' does not exist: nothing was changed.`,
        'Check the revision; `aws ecs list-task-definitions --family-prefix <family>` lists them.',
      );
    }
    throw new CloudError(
      `ecs:DescribeTaskDefinition (${reference}) failed: ${(error as Error).message}`,
      (error as { name?: string }).name ?? 'Error',
    );
  }
}

const isKnownGood = (tags: Tag[], key: string) => tags.some((t) => t.key === key);

/** The newest ACTIVE revision of the family older than `current` that carries the known-good tag. */
async function newestKnownGood(client: ECSClient, current: string, key: string): Promise<string | undefined> {
  const family = familyOf(current);
  const pages = paginateListTaskDefinitions({ client }, { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' });
  const older: string[] = [];
  await aws('ecs:ListTaskDefinitions', async () => {
    for await (const page of pages)
      older.push(
        ...(page.taskDefinitionArns ?? []).filter(
          (arn) => familyOf(arn) === family && revisionOf(arn) < revisionOf(current),
        ),
      );
  });
  // Newest first; a long history is not read further than it has to be.
  for (const arn of older.slice(0, 50)) {
    if (isKnownGood((await describe(client, arn)).tags, key)) return arn;
  }
  return undefined;
}

async function chooseTarget(
  client: ECSClient,
  inputs: EcsRollbackInputs,
  current: string,
): Promise<{ arn: string; why: string }> {
  if (inputs.taskDefinition)
    return { arn: (await describe(client, inputs.taskDefinition)).arn, why: 'given as task-definition' };
  if (inputs.previous) {
    const previous = await describe(client, inputs.previous);
    if (isKnownGood(previous.tags, inputs.knownGoodTag))
      return { arn: previous.arn, why: 'the previous revision, known-good' };
    const knownGood = await newestKnownGood(client, current, inputs.knownGoodTag);
    if (!knownGood)
      return { arn: previous.arn, why: 'the previous revision (no revision of the family is marked known-good)' };
    core.warning(
      `${short(previous.arn)} never proved healthy (no ${inputs.knownGoodTag} tag): returning to ${short(knownGood)}, the newest known-good revision.`,
    );
    return { arn: knownGood, why: 'the newest known-good revision; the previous one never proved healthy' };
  }
  const knownGood = await newestKnownGood(client, current, inputs.knownGoodTag);
  if (!knownGood) {
    throw new InputError(
      `No earlier revision of ${familyOf(current)} is marked known-good (tag ${inputs.knownGoodTag}): nothing was changed.`,
      "Give 'task-definition', or 'previous-task-definition-arn' from deploy-ecs, or mark revisions with mode: mark-good after their smoke test.",
    );
  }
  return { arn: knownGood, why: 'the newest known-good revision' };
}

export async function rollbackEcs(inputs: EcsRollbackInputs): Promise<RollbackResult> {
  const client = await ecsClient({ region: inputs.region, stage: 'rollback' });
  const service = await describeService(client, inputs.cluster, inputs.service);
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  const current = primary?.taskDefinition ?? service.taskDefinition ?? '';

  if (inputs.mode === 'mark-good') {
    const arn = inputs.taskDefinition ? (await describe(client, inputs.taskDefinition)).arn : current;
    await aws('ecs:TagResource', () =>
      client.send(
        new TagResourceCommand({
          resourceArn: arn,
          tags: [{ key: inputs.knownGoodTag, value: new Date().toISOString() }],
        }),
      ),
    );
    return {
      outcome: 'marked-good',
      to: arn,
      from: arn,
      headline: `${short(arn)} is marked known-good (${inputs.knownGoodTag}).`,
      facts: [['Service', inputs.service]],
    };
  }

  const target = await chooseTarget(client, inputs, current);
  const facts: [string, string][] = [
    ['Cluster', inputs.cluster],
    ['Service', inputs.service],
    ['Chosen', target.why],
  ];
  const settled =
    primary?.rolloutState === 'COMPLETED' || (!primary?.rolloutState && service.deployments?.length === 1);
  if (current === target.arn && settled) {
    return {
      outcome: 'already-current',
      to: target.arn,
      from: current,
      headline: `${inputs.service} already runs ${short(target.arn)}: no new deployment.`,
      facts,
    };
  }
  let deploymentId = primary?.id;
  if (current !== target.arn) {
    const answer = await aws(`ecs:UpdateService (${inputs.service})`, () =>
      client.send(
        new UpdateServiceCommand({ cluster: inputs.cluster, service: inputs.service, taskDefinition: target.arn }),
      ),
    );
    deploymentId = answer.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    core.info(
      `${inputs.service}: ${short(current)} → ${short(target.arn)} (deployment ${deploymentId}), ${target.why}`,
    );
  } else {
    core.info(
      `${inputs.service} is already rolling out ${short(target.arn)} (deployment ${deploymentId}): watching it`,
    );
  }
  if (!inputs.wait) {
    return {
      outcome: 'rolled-back',
      to: target.arn,
      from: current,
      headline: `${inputs.service} is rolling back to ${short(target.arn)} (not watched).`,
      facts,
    };
  }
  const seen = new Set((service.events ?? []).map((e) => e.id ?? ''));
  const watched = await watchRollout(client, {
    cluster: inputs.cluster,
    service: inputs.service,
    target: {
      deploymentId,
      taskDefinitionArn: target.arn,
      previousTaskDefinitionArn: current,
      maxFailedTasks: inputs.maxFailedTasks,
    },
    intervalMs: inputs.pollIntervalMs,
    timeoutMs: inputs.waitMinutes * 60_000,
    seenEventIds: seen,
    log: core.info,
  });
  const detail = watched.stoppedTasks[0] ? ` ${describeStoppedTask(watched.stoppedTasks[0])}.` : '';
  if (watched.outcome === 'failed') {
    const reason = watched.assessment?.state === 'failed' ? watched.assessment.reason : 'the rollout failed';
    throw new RolloutFailed(
      `The rollback to ${short(target.arn)} failed too: ${reason}${detail}`,
      'The previous revision does not start either: look at what changed outside the task definition (secrets, IAM, dependencies).',
    );
  }
  if (watched.outcome === 'timeout') {
    throw new TimeoutError(
      `The rollback to ${short(target.arn)} did not finish within ${inputs.waitMinutes} minutes.${detail}`,
      'Raise wait-for-minutes, or watch the service in the console.',
    );
  }
  return {
    outcome: 'rolled-back',
    to: target.arn,
    from: current,
    rolloutState: 'COMPLETED',
    headline: `${inputs.service} runs ${short(target.arn)} again (was ${short(current)}).`,
    facts,
    events: watched.events,
  };
}
