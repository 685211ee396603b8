import * as core from '@actions/core';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { shortArn } from '../lib/arn.js';
import { CloudError, describe, RolloutFailed, TimeoutError } from '../lib/errors.js';
import { continueServiceDeployment } from '../lib/ecs-service-deployment.js';
import { probeUntil, shownUrl } from '../lib/probe.js';
import type { DeployReport, ServiceReport } from './report.js';
import { followServiceDeployment } from './service-deployment.js';
import type { GateProbeInputs } from './strategy-inputs.js';
import { rollbackState } from './state.js';
import { findTestUrl, TEST_URL_PERMISSIONS } from './test-url.js';

/**
 * The test-traffic gate: the deployment waits at its PAUSE hook (POST_TEST_TRAFFIC_SHIFT) with the test listener
 * on the new revision and production still on the old one. deploy-ecs gives the test URL and ends (the two-step
 * form), or probes it and answers in the same step (gate-url-path); `mode: continue / rollback` answers later.
 */

export interface Watch {
  region?: string;
  intervalMs: number;
  /** When the watch after an answer must end (wait-for-minutes). */
  deadline: number;
}

/** The test URL of a paused deployment, into the report; throws when it cannot be found. */
export async function exposeTestUrl(
  report: DeployReport,
  ruleArn: string,
  region: string | undefined,
): Promise<string> {
  const entry = report.services[0] as ServiceReport;
  report.gate = 'paused';
  try {
    report.testUrl = await findTestUrl(ruleArn, { region, stage: 'deploy-ecs' }, core.info);
  } catch (error) {
    throw new CloudError(
      `${entry.service} waits at the gate, but the test listener's URL could not be found: ${describe(error).split('\n')[0]}`,
      error instanceof CloudError ? error.code : 'TestUrlNotFound',
      `Allow ${TEST_URL_PERMISSIONS.join(', ')} to the deploying role. The deployment ${entry.serviceDeploymentArn} waits for an answer (mode: continue or rollback) until its gate-timeout.`,
    );
  }
  return report.testUrl;
}

/**
 * Answers the gate's hook and follows the deployment to its end: SUCCESSFUL passes (gate continued), anything
 * else throws with what ECS said (a rollback: gate rolled-back).
 */
export async function answerGate(
  client: ECSClient,
  { report, action, why }: { report: DeployReport; action: 'CONTINUE' | 'ROLLBACK'; why: string },
  watch: Watch,
): Promise<void> {
  const entry = report.services[0] as ServiceReport;
  const arn = entry.serviceDeploymentArn as string;
  core.info(`${action === 'CONTINUE' ? 'continuing' : 'rolling back'} ${shortArn(arn)}: ${why}`);
  const late = await answerHook(client, { arn, hookId: entry.gateHookId as string, action });
  entry.answeredAt = Date.now();
  const end = await followServiceDeployment(
    client,
    { entry, arn, intervalMs: watch.intervalMs, timeoutMs: Math.max(0, watch.deadline - Date.now()) },
    core.info,
  );
  if (end.outcome === 'completed') {
    entry.outcome = 'completed';
    entry.rolloutState = 'COMPLETED';
    entry.pointsAt = report.taskDefinitionArn;
    report.gate = 'continued';
    core.info(`${entry.service} runs ${report.taskDefinitionArn}: the service deployment is SUCCESSFUL`);
    // The hook's timeout action CONTINUE came first: production runs what the answer would have rolled back.
    if (late && action === 'ROLLBACK')
      throw new RolloutFailed(
        `${entry.service}: ${late} The service deployment ended SUCCESSFUL: production runs ${report.taskDefinitionArn ?? 'the new revision'}, which the answer would have rolled back. ${why}`,
        'Roll it back with the rollback action (target: ecs), and set gate-timeout to outlast the tests (or gate-timeout-action: ROLLBACK).',
      );
    return;
  }
  if (end.outcome === 'failed') {
    entry.outcome = 'failed';
    entry.rolloutState = 'FAILED';
    entry.reason = `${late ? `${late} ` : ''}${why} ${end.reason}`;
    if (end.rolledBack) {
      entry.rolledBackBy = 'ecs';
      entry.pointsAt = entry.previous;
      report.gate = 'rolled-back';
    }
    throw new RolloutFailed(`Rollout failed. ${entry.service}: ${entry.reason}`);
  }
  const reason = end.outcome === 'timeout' ? end.reason : 'The service deployment could not be followed.';
  entry.outcome = 'timeout';
  entry.reason = reason;
  throw new TimeoutError(`${entry.service}: ${reason}`);
}

/**
 * The deployment paused at the gate: its test URL, then (one-step form) the probe and the answer. While the
 * probe and the watch after it run, a cancelled run's post step stops the deployment (`saveRollback`).
 */
export async function atGate(
  client: ECSClient,
  { rule, probe, requestTimeoutMs }: { rule: string; probe?: GateProbeInputs; requestTimeoutMs: number },
  watch: Watch,
  report: DeployReport,
  saveRollback: () => void,
): Promise<void> {
  const entry = report.services[0] as ServiceReport;
  const url = await exposeTestUrl(report, rule, watch.region);
  if (!probe) {
    core.notice(
      `${entry.service} waits at the gate: only the test listener (${url}) reaches ${shortArn(report.taskDefinitionArn)}. Test it, then answer with mode: continue or mode: rollback (service-deployment-arn ${entry.serviceDeploymentArn}).`,
    );
    return;
  }
  saveRollback();
  try {
    const verdict = await probeGate(report, probe, requestTimeoutMs);
    await answerGate(client, { report, action: verdict.passed ? 'CONTINUE' : 'ROLLBACK', why: verdict.why }, watch);
  } finally {
    rollbackState.clear();
  }
}

/**
 * ContinueServiceDeployment; undefined when it was taken. ECS refuses it with a ConflictException when the hook no
 * longer waits (its timeout action came first): then what that action did is followed and reported instead.
 */
async function answerHook(
  client: ECSClient,
  { arn, hookId, action }: { arn: string; hookId: string; action: 'CONTINUE' | 'ROLLBACK' },
): Promise<string | undefined> {
  try {
    await continueServiceDeployment(client, arn, hookId, action);
    return undefined;
  } catch (error) {
    if (!(error instanceof CloudError && error.code === 'ConflictException')) throw error;
    const late = `The gate no longer waited for the answer (${describe(error).split('\n')[0]}): its timeout action was taken first.`;
    core.warning(late);
    return late;
  }
}

/** The one-step form: probe test-url + path through the shared probe code; true when it passed. */
export async function probeGate(
  report: DeployReport,
  probe: GateProbeInputs,
  requestTimeoutMs: number,
): Promise<{ passed: boolean; why: string }> {
  const url = `${report.testUrl ?? ''}${probe.path}`;
  core.info(`probing ${shownUrl(url)} through the test listener`);
  const run = await probeUntil(
    { url, timeoutMs: Math.min(requestTimeoutMs, probe.timeoutMs), followRedirects: true },
    probe.expectations,
    {
      timeoutMs: probe.timeoutMs,
      intervalMs: probe.intervalMs,
      onAttempt: (result, attempt) =>
        core.info(
          `  probe ${attempt}: ${result.status ?? result.noAnswer ?? 'no answer'}${result.passed ? ' passed' : `: ${result.failures.join('; ')}`}`,
        ),
    },
  );
  const last = run.results.at(-1);
  const detail = run.passed
    ? `${shownUrl(url)} passed (${last?.status ?? ''}) after ${run.attempts} probe(s).`
    : `${shownUrl(url)} did not pass within ${probe.timeoutMs / 1000}s (${run.attempts} probe(s)): ${last?.failures.join('; ') ?? 'no probe ran'}.`;
  report.gateProbe = { url: shownUrl(url), passed: run.passed, detail };
  return {
    passed: run.passed,
    why: run.passed ? `The test probe passed: ${detail}` : `The test probe failed: ${detail}`,
  };
}
