import {
  DescribeTaskDefinitionCommand,
  paginateListTaskDefinitions,
  TagResourceCommand,
  UpdateServiceCommand,
  type Deployment,
  type ECSClient,
  type Service,
  type Tag,
} from '@aws-sdk/client-ecs';
import * as core from '@actions/core';
import { shortArn, taskDefinitionRevision } from '../lib/arn.js';
import { aws, awsError, mayHaveApplied } from '../lib/aws.js';
import { ecsClient } from '../lib/ecs.js';
import { formatDuration } from '../lib/duration.js';
import { CloudError, describe, InputError, RolloutFailed, TimeoutError } from '../lib/errors.js';
import { describeService, describeStoppedTask, watchRollout } from '../lib/ecs-rollout.js';
import type { EcsRollbackInputs } from './inputs.js';
import type { RollbackResult } from './result.js';

/**
 * The ECS half of rollback: choose the revision to return to (explicit, deploy-ecs's previous revision,
 * or the newest earlier known-good one), point the service at it and watch that rollout as deploy-ecs
 * does. `mark-good` tags a revision as known-good once it proved healthy.
 */

/** The service as rollback found it: what its PRIMARY deployment runs (or is rolling out) now. */
interface Found {
  client: ECSClient;
  inputs: EcsRollbackInputs;
  service: Service;
  primary?: Deployment;
  current: string;
}

/** The revision to return to, and why it was chosen. */
interface Target {
  arn: string;
  why: string;
}

export async function rollbackEcs(inputs: EcsRollbackInputs): Promise<RollbackResult> {
  const client = await ecsClient({
    region: inputs.region,
    stage: 'rollback',
    requestTimeoutMs: inputs.requestTimeoutMs,
    // The whole rollback, the choice of a revision included, within wait-for-minutes: a hung call is cut there.
    deadline: { at: Date.now() + inputs.waitMs, input: 'wait-for-minutes' },
  });
  const service = await describeService(client, inputs.cluster, inputs.service);
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  const current = primary?.taskDefinition ?? service.taskDefinition ?? '';
  const found: Found = { client, inputs, service, primary, current };
  if (inputs.mode === 'mark-good') return markGood(found);

  const target = await chooseRevision(found);
  const facts: [string, string][] = [
    ['Cluster', inputs.cluster],
    ['Service', inputs.service],
    ['Chosen', target.why],
  ];
  const rolledBack = { outcome: 'rolled-back', to: target.arn, from: current, facts } as const;
  if (current === target.arn && isSettled(found)) {
    return {
      ...rolledBack,
      outcome: 'already-current',
      headline: `${inputs.service} already runs ${shortArn(target.arn)}: no new deployment.`,
    };
  }
  const since = new Date();
  const deploymentId = await pointServiceAt(found, target);
  if (!inputs.wait) {
    return { ...rolledBack, headline: `${inputs.service} is rolling back to ${shortArn(target.arn)} (not watched).` };
  }
  const gate = new AbortController();
  const passing = gated(service) ? passTheGate(found, target, since, gate.signal) : undefined;
  try {
    return {
      ...rolledBack,
      rolloutState: 'COMPLETED',
      headline: `${inputs.service} runs ${shortArn(target.arn)} again (was ${shortArn(current)}).`,
      events: await watchRollback(found, target, deploymentId),
    };
  } finally {
    gate.abort();
    await passing;
  }
}

/** The stage a test-traffic gate pauses at: the new revision on test traffic, production still on the old one. */
const GATE_STAGE = 'POST_TEST_TRAFFIC_SHIFT';

/** A service deployed through a test-traffic gate: a PAUSE lifecycle hook at POST_TEST_TRAFFIC_SHIFT. */
function gated(service: Service): boolean {
  return (service.deploymentConfiguration?.lifecycleHooks ?? []).some(
    (hook) => hook.targetType === 'PAUSE' && hook.lifecycleStages?.includes(GATE_STAGE),
  );
}

/**
 * The service keeps its gate's PAUSE hook (Developer Guide, "Lifecycle hooks for Amazon ECS service deployments":
 * the hooks run for every deployment), so the rollback's own deployment waits there too. What it puts back ran
 * before (or is known-good): there is nothing to test, and it is answered CONTINUE (API Reference,
 * ContinueServiceDeployment) so the rollback goes on. A failure here is only logged: the rollout watch then says
 * the rollback did not finish.
 */
async function passTheGate(found: Found, target: Target, since: Date, signal: AbortSignal): Promise<void> {
  const { client, inputs } = found;
  try {
    const { findServiceDeployment, watchServiceDeployment, continueServiceDeployment } =
      await import('../lib/ecs-service-deployment.js');
    const where = { cluster: inputs.cluster, service: inputs.service, taskDefinitionArn: target.arn, since };
    const arn = await findServiceDeployment(client, where);
    if (!arn || signal.aborted) return;
    const end = await watchServiceDeployment(client, arn, {
      intervalMs: inputs.pollIntervalMs,
      timeoutMs: inputs.waitMs,
      signal,
      pauseAt: GATE_STAGE,
    });
    if (end.kind !== 'paused' || signal.aborted) return;
    core.info(`${shortArn(arn)} waits at the test-traffic gate: continuing it, the revision put back needs no test`);
    await continueServiceDeployment(client, arn, end.hookId, 'CONTINUE');
  } catch (error) {
    if (signal.aborted) return;
    core.warning(
      `${inputs.service}: the rollback's deployment may wait at the service's test-traffic gate, and it could not be answered (${error instanceof Error ? error.message.split('\n')[0] : String(error)}). ` +
        'Allow ecs:ListServiceDeployments, ecs:DescribeServiceDeployments, ecs:DescribeServiceRevisions and ecs:ContinueServiceDeployment to the role, or answer it with deploy-ecs mode: continue.',
    );
  }
}

/** Nothing to do when the service runs the target and no deployment is still rolling out. */
function isSettled({ service, primary }: Found): boolean {
  return primary?.rolloutState === 'COMPLETED' || (!primary?.rolloutState && service.deployments?.length === 1);
}

/** Tags the given revision, or what the service runs, as known-good. */
async function markGood({ client, inputs, current }: Found): Promise<RollbackResult> {
  const arn = inputs.taskDefinition ? (await describeRevision(client, inputs.taskDefinition)).arn : current;
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
    headline: `${shortArn(arn)} is marked known-good (${inputs.knownGoodTag}).`,
    facts: [['Service', inputs.service]],
  };
}

interface Revision {
  arn: string;
  tags: Tag[];
  /** ACTIVE, or INACTIVE once deregistered: ECS then refuses to deploy it ("TaskDefinition is inactive"). */
  status: string;
}

async function describeRevision(client: ECSClient, reference: string): Promise<Revision> {
  try {
    const answer = await client.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: reference, include: ['TAGS'] }),
    );
    return {
      arn: answer.taskDefinition?.taskDefinitionArn ?? reference,
      tags: answer.tags ?? [],
      status: answer.taskDefinition?.status ?? 'ACTIVE',
    };
  } catch (error) {
    if ((error as { name?: string }).name === 'ClientException') {
      throw new InputError(
        `Task definition '${reference}' does not exist: nothing was changed.`,
        'Check the revision; `aws ecs list-task-definitions --family-prefix <family>` lists them.',
      );
    }
    throw awsError(error, `ecs:DescribeTaskDefinition (${reference})`);
  }
}

const isKnownGood = (tags: Tag[], key: string) => tags.some((t) => t.key === key);

/** The newest ACTIVE revision of the family older than `current` that carries the known-good tag. */
async function newestKnownGood(client: ECSClient, current: string, key: string): Promise<string | undefined> {
  const { family, revision } = taskDefinitionRevision(current);
  const pages = paginateListTaskDefinitions({ client }, { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' });
  const older: string[] = [];
  await aws('ecs:ListTaskDefinitions', async () => {
    for await (const page of pages)
      older.push(
        ...(page.taskDefinitionArns ?? []).filter((arn) => {
          const listed = taskDefinitionRevision(arn);
          return listed.family === family && listed.revision < revision;
        }),
      );
  });
  // Newest first by revision number, whatever order ECS listed them in; a long history is not read further
  // than it has to be.
  older.sort((a, b) => taskDefinitionRevision(b).revision - taskDefinitionRevision(a).revision);
  for (const arn of older.slice(0, 50)) {
    if (isKnownGood((await describeRevision(client, arn)).tags, key)) return arn;
  }
  return undefined;
}

/** ECS refuses to deploy a deregistered revision: say so before anything is changed. */
function refuseInactive(revision: Revision, input: string): never {
  throw new InputError(
    `${shortArn(revision.arn)} (${input}) is INACTIVE: it was deregistered, and ECS cannot deploy it again. Nothing was changed.`,
    'Register it again (aws ecs register-task-definition from its JSON) and roll back to the new revision, or choose an ACTIVE revision.',
  );
}

async function chooseRevision({ client, inputs, current }: Found): Promise<Target> {
  if (inputs.taskDefinition) {
    const given = await describeRevision(client, inputs.taskDefinition);
    if (given.status !== 'ACTIVE') refuseInactive(given, 'task-definition');
    return { arn: given.arn, why: 'given as task-definition' };
  }
  if (inputs.previous) {
    const previous = await describeRevision(client, inputs.previous);
    if (previous.status !== 'ACTIVE') {
      const knownGood = await newestKnownGood(client, current, inputs.knownGoodTag);
      if (!knownGood) refuseInactive(previous, 'previous-task-definition-arn');
      core.warning(
        `${shortArn(previous.arn)} was deregistered (INACTIVE): returning to ${shortArn(knownGood)}, the newest known-good revision.`,
      );
      return { arn: knownGood, why: 'the newest known-good revision; the previous one was deregistered' };
    }
    if (isKnownGood(previous.tags, inputs.knownGoodTag))
      return { arn: previous.arn, why: 'the previous revision, known-good' };
    const knownGood = await newestKnownGood(client, current, inputs.knownGoodTag);
    if (!knownGood)
      return { arn: previous.arn, why: 'the previous revision (no revision of the family is marked known-good)' };
    core.warning(
      `${shortArn(previous.arn)} never proved healthy (no ${inputs.knownGoodTag} tag): returning to ${shortArn(knownGood)}, the newest known-good revision.`,
    );
    return { arn: knownGood, why: 'the newest known-good revision; the previous one never proved healthy' };
  }
  const knownGood = await newestKnownGood(client, current, inputs.knownGoodTag);
  if (!knownGood) {
    throw new InputError(
      `No earlier revision of ${taskDefinitionRevision(current).family} is marked known-good (tag ${inputs.knownGoodTag}): nothing was changed.`,
      "Give 'task-definition', or 'previous-task-definition-arn' from deploy-ecs, or mark revisions with mode: mark-good after their smoke test.",
    );
  }
  return { arn: knownGood, why: 'the newest known-good revision' };
}

/** Updates the service to the target, unless it is already rolling it out. Returns the deployment to watch. */
async function pointServiceAt(
  { client, inputs, primary, current }: Found,
  target: Target,
): Promise<string | undefined> {
  if (current === target.arn) {
    core.info(
      `${inputs.service} is already rolling out ${shortArn(target.arn)} (deployment ${primary?.id}): watching it`,
    );
    return primary?.id;
  }
  const started = await updateOrReadBack(client, inputs, target.arn);
  // The deployment watched must be the one that runs the revision asked for, not whatever ECS answers first.
  if (started?.taskDefinition !== target.arn) {
    throw new CloudError(
      `ecs:UpdateService (${inputs.service}) answered with a PRIMARY deployment of ${started?.taskDefinition ?? 'no task definition'}, not ${target.arn}.`,
      'UnexpectedDeployment',
      'Another deployment may have started at the same time: look at the service in the console, then run the rollback again.',
    );
  }
  const deploymentId = started.id;
  core.info(
    `${inputs.service}: ${shortArn(current)} → ${shortArn(target.arn)} (deployment ${deploymentId}), ${target.why}`,
  );
  return deploymentId;
}

/**
 * UpdateService to the target, answered with the service's PRIMARY deployment. When the answer is lost after the
 * request may have been applied (no answer in time, a reset, a 5xx), DescribeServices says what is true: the
 * service points at the target (the update was applied: watch it), or it does not (it was not: the error stands).
 */
async function updateOrReadBack(
  client: ECSClient,
  inputs: EcsRollbackInputs,
  arn: string,
): Promise<Deployment | undefined> {
  try {
    const answer = await aws(`ecs:UpdateService (${inputs.service})`, () =>
      client.send(new UpdateServiceCommand({ cluster: inputs.cluster, service: inputs.service, taskDefinition: arn })),
    );
    return answer.service?.deployments?.find((d) => d.status === 'PRIMARY');
  } catch (error) {
    if (!mayHaveApplied(error)) throw error;
    core.warning(
      `The answer to ${inputs.service}'s update was lost (${describe(error).split('\n')[0]}); reading the service back.`,
    );
    const found = await describeService(client, inputs.cluster, inputs.service).catch(() => undefined);
    const primary = found?.deployments?.find((d) => d.status === 'PRIMARY');
    if (primary?.taskDefinition !== arn) {
      core.info(
        `${inputs.service} points at ${primary?.taskDefinition ?? '(could not be read)'}: the update was not applied.`,
      );
      throw error;
    }
    core.info(`${inputs.service} points at ${arn} (deployment ${primary.id}): the update was applied.`);
    return primary;
  }
}

/** Watches the rollback's rollout as deploy-ecs does; throws when it fails or runs out of time. Returns its events. */
async function watchRollback(found: Found, target: Target, deploymentId: string | undefined): Promise<string[]> {
  const { client, inputs, service, current } = found;
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
    timeoutMs: inputs.waitMs,
    seenEventIds: new Set((service.events ?? []).map((e) => e.id ?? '')),
    log: core.info,
  });
  const detail = watched.stoppedTasks[0] ? ` ${describeStoppedTask(watched.stoppedTasks[0])}.` : '';
  if (watched.outcome === 'failed') {
    const reason = watched.assessment?.state === 'failed' ? watched.assessment.reason : 'the rollout failed';
    throw new RolloutFailed(
      `The rollback to ${shortArn(target.arn)} failed too: ${reason}${detail}`,
      'The previous revision does not start either: look at what changed outside the task definition (secrets, IAM, dependencies).',
    );
  }
  if (watched.outcome === 'timeout') {
    throw new TimeoutError(
      `The rollback to ${shortArn(target.arn)} did not finish within ${formatDuration(inputs.waitMs)}.${watched.cut ? ` ${watched.cut}` : ''}${detail}`,
      'Raise wait-for-minutes, or watch the service in the console.',
    );
  }
  return watched.events;
}
