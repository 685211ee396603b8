import * as core from '@actions/core';
import type { ECSClient, ServiceDeployment } from '@aws-sdk/client-ecs';
import { aws, type Deadline } from '../lib/aws.js';
import { ecsClient } from '../lib/ecs.js';
import { describeService } from '../lib/ecs-rollout.js';
import { viewOf, stopServiceDeployment, type DeploymentView } from '../lib/ecs-service-deployment.js';
import { CloudError, RolloutFailed } from '../lib/errors.js';
import { answerGate } from './gate.js';
import type { AnswerInputs } from './inputs.js';
import type { DeployReport, ServiceReport } from './report.js';
import { lookUpServiceUrl, recordBalancers } from './service-url.js';
import { ending, followServiceDeployment, traffic } from './service-deployment.js';
import { rollbackState } from './state.js';
import { GATE_STAGE } from './strategy-inputs.js';

/**
 * `mode: continue` and `mode: rollback`: the answer to a deployment paused at the test-traffic gate, given in a
 * later step (after a smoke test of test-url). The deployment is the one named, or the service's deployment that
 * waits at the gate; ContinueServiceDeployment answers its PAUSE hook, and the deployment is followed to its end.
 * A gate that timed out before the answer is reported with what its timeout action did.
 */

export async function answer(inputs: AnswerInputs, report: DeployReport): Promise<void> {
  const budget: Deadline = { at: Date.now() + inputs.waitMs, input: 'wait-for-minutes' };
  const client = await ecsClient({
    region: inputs.region,
    stage: 'deploy-ecs',
    requestTimeoutMs: inputs.requestTimeoutMs,
    deadline: budget,
  });
  const entry: ServiceReport = { service: inputs.service, outcome: 'pending', events: [], stoppedTasks: [] };
  report.services.push(entry);
  const found = await core.group('Service deployment', () => findGated(client, inputs));
  entry.serviceDeploymentArn = found.serviceDeploymentArn;
  entry.strategy = found.deploymentConfiguration?.strategy;
  await describeRevisions(client, found, report);
  const view = viewOf(found);
  core.info(`service deployment ${view.arn}: ${view.status} at ${view.stage ?? 'no stage'}${traffic(view)}`);
  const action = inputs.mode === 'continue' ? 'CONTINUE' : 'ROLLBACK';
  const waiting = view.hooks.find((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION');
  const watch = { region: inputs.region, intervalMs: inputs.pollIntervalMs, deadline: budget.at };
  if (view.stage === GATE_STAGE && waiting && !view.finished) {
    entry.gateHookId = waiting.hookId;
    report.gate = 'paused';
    const why =
      action === 'CONTINUE' ? 'Continued at the gate (mode: continue).' : 'Rolled back at the gate (mode: rollback).';
    // A run cancelled while the answered deployment runs on has it stopped with rollback by the post step.
    if (entry.previous)
      rollbackState.save({
        region: inputs.region,
        cluster: inputs.cluster,
        services: [{ service: entry.service, previous: entry.previous, serviceDeploymentArn: view.arn }],
      });
    try {
      await core.group('Answer the gate', () => answerGate(client, { report, action, why }, watch));
    } finally {
      rollbackState.clear();
    }
    // answerGate moved report.gate on from 'paused' (TypeScript cannot see it through the call).
    if ((report.gate as string) === 'continued')
      await core.group('Service URL', () => continuedUrl(client, inputs, report));
    return;
  }
  const gateHook = found.deploymentConfiguration?.lifecycleHooks?.find(
    (h) => h.targetType === 'PAUSE' && h.lifecycleStages?.includes(GATE_STAGE),
  );
  await core.group('Not at the gate', () =>
    notAtGate(
      client,
      { view, action, entry, report, gateHook: gateHook && { ...gateHook.timeoutConfiguration } },
      watch.intervalMs,
      budget.at,
    ),
  );
}

/** service-url once the continued deployment succeeded: the production listener's, as after a deploy. */
async function continuedUrl(client: ECSClient, inputs: AnswerInputs, report: DeployReport): Promise<void> {
  const entry = report.services[0] as ServiceReport;
  const service = await describeService(client, inputs.cluster, inputs.service);
  recordBalancers(entry, service.loadBalancers ?? []);
  if (entry.targetGroupArns?.length) report.serviceUrl = await lookUpServiceUrl(report.services, inputs.region);
}

/** The named deployment, or the one of the service that waits at the gate (else the newest, to say why not). */
async function findGated(client: ECSClient, inputs: AnswerInputs): Promise<ServiceDeployment> {
  const { DescribeServiceDeploymentsCommand, ListServiceDeploymentsCommand } = await import('@aws-sdk/client-ecs');
  const describeAll = async (arns: string[]) =>
    arns.length === 0
      ? []
      : ((
          await aws('ecs:DescribeServiceDeployments', () =>
            client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns })),
          )
        ).serviceDeployments ?? []);
  if (inputs.serviceDeploymentArn) {
    const [named] = await describeAll([inputs.serviceDeploymentArn]);
    if (!named)
      throw new CloudError(
        `ECS does not know the service deployment ${inputs.serviceDeploymentArn}.`,
        'ServiceDeploymentNotFoundException',
        "Pass the deploy step's service-deployment-arn output, or leave the input empty to answer the service's deployment paused at the gate.",
      );
    return named;
  }
  const listed = await aws(`ecs:ListServiceDeployments (${inputs.service})`, () =>
    client.send(
      new ListServiceDeploymentsCommand({ cluster: inputs.cluster, service: inputs.service, maxResults: 20 }),
    ),
  );
  const arns = (listed.serviceDeployments ?? []).flatMap((d) =>
    d.serviceDeploymentArn ? [d.serviceDeploymentArn] : [],
  );
  const described = (await describeAll(arns)).sort(
    (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
  );
  const paused = described.find((d) => {
    const view = viewOf(d);
    return (
      !view.finished &&
      view.stage === GATE_STAGE &&
      view.hooks.some((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION')
    );
  });
  const chosen = paused ?? described[0];
  if (!chosen)
    throw new CloudError(
      `Service '${inputs.service}' in cluster '${inputs.cluster}' has no service deployment to answer.`,
      'ServiceDeploymentNotFoundException',
      'Run deploy-ecs with gate: test-traffic first; mode: continue and rollback answer the deployment it left at the gate.',
    );
  return chosen;
}

/** The revisions the deployment moves from and to: the outputs task-definition-arn and previous-task-definition-arn. */
async function describeRevisions(client: ECSClient, found: ServiceDeployment, report: DeployReport): Promise<void> {
  const { DescribeServiceRevisionsCommand } = await import('@aws-sdk/client-ecs');
  const target = found.targetServiceRevision?.arn;
  const source = found.sourceServiceRevisions?.[0]?.arn;
  const arns = [target, source].filter((arn): arn is string => !!arn);
  if (arns.length === 0) return;
  const revisions = await aws('ecs:DescribeServiceRevisions', () =>
    client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: arns })),
  );
  const definitionOf = (arn: string | undefined) =>
    revisions.serviceRevisions?.find((r) => r.serviceRevisionArn === arn)?.taskDefinition;
  report.taskDefinitionArn = definitionOf(target);
  const entry = report.services[0] as ServiceReport;
  entry.previous = definitionOf(source);
}

/**
 * The deployment is not waiting at the gate: it ended (the gate's timeout action, an alarm, another deployment), or
 * went on past it (timeout action CONTINUE). The step fails saying which; `mode: rollback` still stops one that is
 * in progress, with rollback.
 */
async function notAtGate(
  client: ECSClient,
  {
    view,
    action,
    entry,
    report,
    gateHook,
  }: {
    view: DeploymentView;
    action: 'CONTINUE' | 'ROLLBACK';
    entry: ServiceReport;
    report: DeployReport;
    gateHook?: { timeoutInMinutes?: number; action?: string };
  },
  intervalMs: number,
  deadline: number,
): Promise<never> {
  const timedOut = view.hooks.find((h) => h.status === 'TIMED_OUT');
  const gateNote = timedOut
    ? `The gate was not answered in time: its timeout action ${timedOut.timeoutAction ?? 'ROLLBACK'} was taken.`
    : gateHook
      ? `It no longer waits at the gate: answered already, or left unanswered for ${gateHook.timeoutInMinutes ?? 1440} minutes, after which its timeout action ${gateHook.action ?? 'ROLLBACK'} was taken.`
      : 'It has no gate (no PAUSE hook at POST_TEST_TRAFFIC_SHIFT).';
  if (view.finished) {
    const end = ending(view);
    entry.outcome = end.outcome === 'completed' ? 'completed' : 'failed';
    entry.rolloutState = view.status === 'SUCCESSFUL' ? 'COMPLETED' : 'FAILED';
    if (view.status === 'ROLLBACK_SUCCESSFUL') {
      entry.rolledBackBy = 'ecs';
      report.gate = 'rolled-back';
    } else if (view.status === 'SUCCESSFUL') report.gate = 'continued';
    const said = end.outcome === 'failed' ? end.reason : 'The service deployment ended SUCCESSFUL.';
    entry.reason = `${gateNote} ${said}`;
    throw new RolloutFailed(
      `${entry.service}: nothing to ${action === 'CONTINUE' ? 'continue' : 'roll back'}. ${entry.reason}`,
      'Deploy again (with gate: test-traffic) to test a revision at the gate, and answer it within gate-timeout.',
    );
  }
  if (action === 'CONTINUE') {
    entry.outcome = 'failed';
    entry.reason = `${gateNote} The service deployment is ${view.status} at ${view.stage ?? 'no stage'}${traffic(view)}.`;
    throw new RolloutFailed(`${entry.service}: nothing to continue. ${entry.reason}`);
  }
  core.info(`${gateNote} Stopping ${view.arn} with rollback (StopServiceDeployment ROLLBACK).`);
  await stopServiceDeployment(client, view.arn);
  const end = await followServiceDeployment(
    client,
    { entry, arn: view.arn, intervalMs, timeoutMs: Math.max(0, deadline - Date.now()) },
    core.info,
  );
  entry.outcome = end.outcome === 'completed' ? 'completed' : 'failed';
  entry.rolloutState = 'FAILED';
  if (end.outcome === 'failed' && end.rolledBack) {
    entry.rolledBackBy = 'ecs';
    report.gate = 'rolled-back';
  }
  entry.reason = `${gateNote} Stopped with rollback (mode: rollback). ${'reason' in end ? end.reason : ''}`.trim();
  throw new RolloutFailed(`Rollout failed. ${entry.service}: ${entry.reason}`);
}
