import * as core from '@actions/core';
import type { CodeDeployClient, DeploymentGroupInfo } from '@aws-sdk/client-codedeploy';
import type { Service } from '@aws-sdk/client-ecs';
import { aws, type AwsOptions } from '../lib/aws.js';
import {
  codeDeployClient,
  getDeploymentGroup,
  logCodeDeployChange,
  watchCodeDeployment,
  type CodeDeployView,
  type EventView,
} from '../lib/codedeploy.js';
import { InputError, RolloutFailed, TimeoutError } from '../lib/errors.js';
import {
  appSpecContent,
  fillAppSpec,
  generateAppSpec,
  readAppSpec,
  type AppSpecDocument,
} from './codedeploy-appspec.js';
import type { CodeDeployInputs } from './codedeploy-inputs.js';
import { codeDeployState } from './codedeploy-state.js';
import { testTrafficUrl } from './codedeploy-url.js';
import type { DeployEcsInputs } from './inputs.js';
import type { DeployReport, ServiceReport } from './report.js';

/**
 * A service on the CODE_DEPLOY deployment controller is deployed as aws-actions/amazon-ecs-deploy-task-definition
 * deploys it: a CodeDeploy deployment (CreateDeployment) of the new revision in an AppSpec, in the application
 * AppECS-<cluster>-<service> and group DgpECS-<cluster>-<service> unless named. Watched here through its lifecycle
 * events, each logged as it starts; a failure is reported at once with CodeDeploy's errorInformation. With
 * `gate: test-traffic` the deployment is left waiting in CodeDeploy's Ready state (the group reroutes production
 * traffic only on ContinueDeployment) and the test listener's URL is given for a smoke test.
 */

export type GateOutcome = 'paused' | 'continued' | 'rolled-back' | 'none';

export interface CodeDeployReport {
  application: string;
  group: string;
  deploymentId?: string;
  status?: string;
  events: EventView[];
  error?: { code: string; message: string };
  rollbackMessage?: string;
  testUrl?: string;
  gate: GateOutcome;
  /** When the watch ended, so the last event has a length. */
  endedAt?: number;
}

/** CodeDeploy's names for a service in cluster `cluster` (a name or an ARN) and the report entry for them. */
function namesOf(inputs: DeployEcsInputs, cd: CodeDeployInputs) {
  const cluster = inputs.cluster.slice(inputs.cluster.lastIndexOf('/') + 1);
  const service = (inputs.services[0] ?? '').slice((inputs.services[0] ?? '').lastIndexOf('/') + 1);
  return {
    service,
    application: cd.application ?? `AppECS-${cluster}-${service}`,
    group: cd.group ?? `DgpECS-${cluster}-${service}`,
  };
}

export async function deployThroughCodeDeploy(
  inputs: DeployEcsInputs & { codeDeploy: CodeDeployInputs },
  found: { service: Service; appSpec?: AppSpecDocument; taskDefinitionArn: string },
  report: DeployReport,
): Promise<void> {
  const cd = inputs.codeDeploy;
  const { service, application, group } = namesOf(inputs, cd);
  const entry = report.services[0] as ServiceReport;
  const cdReport: CodeDeployReport = { application, group, events: [], gate: cd.gate === 'none' ? 'none' : 'paused' };
  report.codeDeploy = cdReport;
  const deadline = { at: Date.now() + inputs.waitMs, input: 'wait-for-minutes' };
  const options: AwsOptions = {
    region: inputs.region,
    stage: 'deploy-ecs',
    maxRetries: inputs.compat.maxRetries,
    requestTimeoutMs: inputs.requestTimeoutMs,
    deadline,
  };
  const client = await codeDeployClient(options);
  const info = await getDeploymentGroup(client, application, group);
  const total = waitMinutes(info) * 60_000 + inputs.waitMs;
  deadline.at += waitMinutes(info) * 60_000;
  refuseGateWithoutReadyWait(cd, info, group);
  // appspec.yaml found in the workspace by default is read only now, for a service that deploys through CodeDeploy.
  const given = found.appSpec ?? (cd.appspecPath ? await readAppSpec(cd.appspecPath, 'appspec.yaml') : undefined);
  const doc = given
    ? fillAppSpec(given, found.taskDefinitionArn)
    : generateAppSpec(found.taskDefinitionArn, found.service.loadBalancers?.[0], service);
  const deploymentId = await createDeployment(client, { application, group, cd, doc });
  cdReport.deploymentId = deploymentId;
  report.changed = entry.changed = true;
  core.info(
    `CodeDeploy deployment ${deploymentId} started: https://console.aws.amazon.com/codesuite/codedeploy/deployments/${deploymentId}?region=${options.region ?? process.env.AWS_REGION ?? ''}`,
  );
  if (!inputs.wait) {
    entry.outcome = 'not-watched';
    return;
  }
  codeDeployState.save({ region: inputs.region, deploymentId });
  try {
    await watch(client, { inputs, total, stopAtReady: cd.gate === 'test-traffic' }, report);
  } finally {
    codeDeployState.clear();
  }
  if (cdReport.status === 'Ready') {
    const listener = info.loadBalancerInfo?.targetGroupPairInfoList?.[0]?.testTrafficRoute?.listenerArns?.[0];
    // The gate holds whatever the lookup says: a URL that cannot be found is a warning, not a failed deploy.
    const test = await testTrafficUrl(listener, options, core.info).catch((error: unknown) => ({
      url: undefined,
      problem: `${(error as Error).message.replace(/[.\s]*$/, '')} (allow elasticloadbalancing:DescribeListeners and elasticloadbalancing:DescribeLoadBalancers)`,
    }));
    cdReport.testUrl = test.url;
    if (test.problem) core.warning(`test-url is left empty: ${test.problem}.`);
    core.notice(
      `CodeDeploy deployment ${deploymentId} waits at the gate: test traffic goes to the new revision${test.url ? ` at ${test.url}` : ''}, production still to ${entry.previous}. Run deploy-ecs with mode: continue or mode: rollback and codedeploy-deployment-id: ${deploymentId}.`,
    );
  }
}

/**
 * How long the deployment may take: wait-for-minutes, plus the group's ready wait and the wait before the original
 * task set is terminated, as the anchor adds them up (CodeDeploy counts both inside the deployment).
 */
function waitMinutes(info: DeploymentGroupInfo): number {
  const blueGreen = info.blueGreenDeploymentConfiguration;
  return (
    (blueGreen?.deploymentReadyOption?.waitTimeInMinutes ?? 0) +
    (blueGreen?.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes ?? 0)
  );
}

/** The gate is CodeDeploy's Ready wait: a group that reroutes traffic at once has none. */
function refuseGateWithoutReadyWait(cd: CodeDeployInputs, info: DeploymentGroupInfo, group: string): void {
  if (cd.gate !== 'test-traffic') return;
  const ready = info.blueGreenDeploymentConfiguration?.deploymentReadyOption;
  if (ready?.actionOnTimeout === 'STOP_DEPLOYMENT' && (ready.waitTimeInMinutes ?? 0) > 0) return;
  throw new InputError(
    `Input 'gate: test-traffic' needs the deployment group ${group} to wait before it reroutes production traffic, but its deploymentReadyOption is ${ready?.actionOnTimeout ?? 'CONTINUE_DEPLOYMENT'}. The task definition was registered; no deployment was started.`,
    "Set the group's blueGreenDeploymentConfiguration.deploymentReadyOption to actionOnTimeout STOP_DEPLOYMENT with waitTimeInMinutes (the time the smoke test has), or drop 'gate'.",
  );
}

async function createDeployment(
  client: CodeDeployClient,
  { application, group, cd, doc }: { application: string; group: string; cd: CodeDeployInputs; doc: AppSpecDocument },
): Promise<string> {
  const { CreateDeploymentCommand } = await import('@aws-sdk/client-codedeploy');
  const answer = await aws(`codedeploy:CreateDeployment (${application}/${group})`, () =>
    client.send(
      new CreateDeploymentCommand({
        applicationName: application,
        deploymentGroupName: group,
        revision: { revisionType: 'AppSpecContent', appSpecContent: appSpecContent(doc) },
        ...(cd.description ? { description: cd.description } : {}),
        ...(cd.config ? { deploymentConfigName: cd.config } : {}),
      }),
    ),
  );
  return answer.deploymentId ?? '';
}

/** Watches the deployment to its end (or to Ready at the gate) and reports it; throws when it did not succeed. */
export async function watch(
  client: CodeDeployClient,
  how: { inputs: { pollIntervalMs: number }; total: number; stopAtReady: boolean },
  report: DeployReport,
): Promise<void> {
  const cdReport = report.codeDeploy as CodeDeployReport;
  const end = await watchCodeDeployment(client, cdReport.deploymentId ?? '', {
    intervalMs: how.inputs.pollIntervalMs,
    timeoutMs: how.total,
    stopAtReady: how.stopAtReady,
    onChange: logCodeDeployChange,
  });
  cdReport.endedAt = Date.now();
  if (end.view) record(end.view, report);
  const entry = report.services[0] as ServiceReport;
  if (end.kind === 'timeout')
    throw new TimeoutError(
      `CodeDeploy deployment ${cdReport.deploymentId} was still ${end.view?.status ?? 'unknown'} when wait-for-minutes (plus the group's waits) ran out.`,
      'It goes on in CodeDeploy: look at it in the console, and raise wait-for-minutes if it needs longer.',
    );
  if (end.view.status === 'Succeeded' || end.view.status === 'Ready') return;
  entry.outcome = 'failed';
  entry.reason = failureOf(end.view);
  throw new RolloutFailed(`CodeDeploy deployment ${end.view.deploymentId} ${end.view.status}: ${entry.reason}`);
}

function failureOf(view: CodeDeployView): string {
  const what = view.error ? `${view.error.code}: ${view.error.message}` : 'CodeDeploy gave no reason';
  const failedEvent = view.events.find((e) => e.status === 'Failed');
  return `${what}${failedEvent ? ` (at ${failedEvent.name})` : ''}${view.rollbackMessage ? ` ${view.rollbackMessage}` : ''}`;
}

/** What a view tells the report: the status, the events, the error, and the service entry's outcome. */
export function record(view: CodeDeployView, report: DeployReport): void {
  const cdReport = report.codeDeploy as CodeDeployReport;
  cdReport.status = view.status;
  cdReport.events = view.events;
  if (view.error) cdReport.error = view.error;
  if (view.rollbackMessage) cdReport.rollbackMessage = view.rollbackMessage;
  const entry = report.services[0];
  if (!entry) return;
  entry.deploymentId = view.deploymentId;
  entry.rolloutState = view.status === 'Succeeded' ? 'COMPLETED' : view.finished ? 'FAILED' : 'IN_PROGRESS';
  if (view.status === 'Succeeded') entry.outcome = 'completed';
  if (view.rollbackMessage) entry.rolledBackBy = 'codedeploy';
}
