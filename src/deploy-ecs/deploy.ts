import * as core from '@actions/core';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { taskDefinitionRevision } from '../lib/arn.js';
import type { Deadline } from '../lib/aws.js';
import { ecsClient } from '../lib/ecs.js';
import type { AppSpecDocument } from './codedeploy-appspec.js';
import type { DeployEcsInputs, RunTaskOptions } from './inputs.js';
import { prepare, type Current } from './prepare.js';
import type { DeployReport } from './report.js';
import { deregisterOld } from './revisions.js';
import { restore } from './restore.js';
import { rolloutError, startRollouts, watchService } from './rollout.js';
import { runOneOff, type OneOffResult } from './runtask.js';
import type { Started } from './service.js';
import { rollbackState } from './state.js';
import type { TaskDefinition } from './taskdef.js';
import { lookUpServiceUrl } from './service-url.js';
import { atGate } from './gate.js';

/**
 * The cloud half of deploy-ecs, loaded only after the inputs and the task definition file were checked.
 * Each phase is a log group and fills the report; a phase that fails throws, the report keeps what was done.
 */
export async function deploy(
  inputs: DeployEcsInputs,
  fileDefinition: TaskDefinition | undefined,
  report: DeployReport,
  appSpec?: AppSpecDocument,
): Promise<void> {
  // Every request is cut at the deadline (src/lib/aws.ts); a rollback after a failure gets one of its own.
  const budget: Deadline = { at: Date.now() + inputs.waitMs, input: 'wait-for-minutes' };
  const client = await ecsClient({
    region: inputs.region,
    stage: 'deploy-ecs',
    maxRetries: inputs.compat.maxRetries,
    requestTimeoutMs: inputs.requestTimeoutMs,
    deadline: budget,
  });
  const current = await core.group('Service and task definition', () =>
    prepare(client, inputs, fileDefinition, report),
  );
  const { runTask } = inputs;
  if (runTask) {
    report.oneOff = await core.group('One-off task', () =>
      runMigration(client, { ...inputs, runTask }, current, budget.at),
    );
  }
  const codeDeployed =
    current.services[0]?.deploymentController?.type === 'CODE_DEPLOY' ? current.services[0] : undefined;
  if (codeDeployed) {
    const { deployThroughCodeDeploy } = await import('./codedeploy.js');
    const found = { service: codeDeployed, appSpec, taskDefinitionArn: current.taskDefinitionArn };
    return core.group('CodeDeploy deployment', () => deployThroughCodeDeploy(inputs, found, report));
  }
  // From before the first update until the outcome is known, a cancelled run's post step knows what to put back.
  saveRollback(inputs, report);
  try {
    await rollOut(client, inputs, { current, deadline: budget.at }, report);
  } catch (failure) {
    if (!report.changed) throw failure;
    const newArn = current.taskDefinitionArn;
    await core.group('Roll back', () => restore(client, inputs, { budget, failure, newArn }, report));
  } finally {
    rollbackState.clear();
  }
  await afterRollout(client, inputs, { current, deadline: budget.at }, report);
}

/** After the rollout: the gate when the deployment paused there, else the service URL and old revisions' pruning. */
async function afterRollout(
  client: ECSClient,
  inputs: DeployEcsInputs,
  { current, deadline }: { current: Current; deadline: number },
  report: DeployReport,
): Promise<void> {
  if (report.services[0]?.outcome === 'paused') {
    const watch = { region: inputs.region, intervalMs: inputs.pollIntervalMs, deadline };
    const rule = current.updates[0]?.testListenerRule ?? '';
    await core.group('Gate', () =>
      atGate(client, { rule, probe: inputs.gate.probe, requestTimeoutMs: inputs.requestTimeoutMs }, watch, report, () =>
        saveRollback(inputs, report),
      ),
    );
    return;
  }
  if (inputs.gate.kind === 'test-traffic' && report.services[0]?.outcome === 'completed')
    core.notice(
      `${report.services[0].service} finished without pausing at the gate: its deployment shifted no traffic (a service created by this run has no old revision serving production).`,
    );
  if (!inputs.wait) return;
  if (report.services.some((s) => s.targetGroupArns?.length)) {
    report.serviceUrl = await core.group('Service URL', () => lookUpServiceUrl(report.services, inputs.region));
  }
  if (inputs.deregisterOldRevisions) {
    const keep = inputs.deregisterOldRevisions;
    report.deregistered = await core.group('Deregister old revisions', () =>
      pruneRevisions(client, keep, current.taskDefinitionArn, report),
    );
  }
}

/** Points every service at the new revision and watches each rollout; throws at the first thing that fails. */
async function rollOut(
  client: ECSClient,
  inputs: DeployEcsInputs,
  { current, deadline }: { current: Current; deadline: number },
  report: DeployReport,
): Promise<void> {
  const started = await core.group('Update service', () => startRollouts(client, inputs, current, report));
  // Now with the service deployments named: a cancelled run stops those with StopServiceDeployment.
  saveRollback(inputs, report);
  if (!inputs.wait) {
    for (const entry of report.services) entry.outcome = 'not-watched';
    return;
  }
  await core.group('Watch rollout', () => watchAll(client, inputs, { current, started, deadline }, report));
}

/** What a cancelled run's post step puts back (cancel.ts): each service's previous revision, its deployment. */
function saveRollback(inputs: DeployEcsInputs, report: DeployReport): void {
  rollbackState.save({
    region: inputs.region,
    cluster: inputs.cluster,
    services: report.services.flatMap(({ service, previous, serviceDeploymentArn }) =>
      previous ? [{ service, previous, ...(serviceDeploymentArn ? { serviceDeploymentArn } : {}) }] : [],
    ),
  });
}

function runMigration(
  client: ECSClient,
  inputs: DeployEcsInputs & { runTask: RunTaskOptions },
  current: Current,
  deadline: number,
): Promise<OneOffResult> {
  return runOneOff({
    client,
    cluster: inputs.cluster,
    taskDefinitionArn: current.taskDefinitionArn,
    definition: current.definition,
    options: inputs.runTask,
    serviceNetwork: current.services.find((s) => s)?.networkConfiguration ?? undefined,
    intervalMs: inputs.pollIntervalMs,
    timeoutMs: Math.max(1000, deadline - Date.now()),
    log: core.info,
    compat: inputs.compat,
    enableEcsManagedTags: inputs.enableEcsManagedTags,
  });
}

/** Watches every rollout at once; throws the first error, else a rollout error naming every failed one. */
async function watchAll(
  client: ECSClient,
  inputs: DeployEcsInputs,
  { current, started, deadline }: { current: Current; started: Started[]; deadline: number },
  report: DeployReport,
): Promise<void> {
  // Every watch runs to its end, so a failing one does not leave the others running unobserved.
  const watched = await Promise.allSettled(
    report.services.map((entry, i) =>
      watchService(client, inputs, {
        entry,
        started: started[i] as Started,
        before: current.services[i],
        deadline,
      }),
    ),
  );
  const thrown = watched.find((w): w is PromiseRejectedResult => w.status === 'rejected');
  if (thrown) throw thrown.reason;
  const failed = report.services.filter((s) => s.outcome !== 'completed' && s.outcome !== 'paused');
  if (failed.length > 0) throw rolloutError(failed);
}

/** Keeps the newest `keep` revisions of the family, and always the new one and those rollback needs. */
async function pruneRevisions(
  client: ECSClient,
  keep: number,
  taskDefinitionArn: string,
  report: DeployReport,
): Promise<string[]> {
  const protect = new Set([taskDefinitionArn, ...report.services.map((s) => s.previous ?? '')]);
  const { family } = taskDefinitionRevision(taskDefinitionArn);
  const gone = await deregisterOld(client, family, keep, protect);
  core.info(gone.length ? `deregistered ${gone.join(', ')}` : `no revision of ${family} beyond the newest ${keep}`);
  return gone;
}
