import type { Finished } from '../lib/action.js';
import { shortArn } from '../lib/arn.js';
import { formatDuration } from '../lib/duration.js';
import { describeStoppedTask } from '../lib/ecs-assess.js';
import { stageTimeline, type StageMark } from '../lib/ecs-service-deployment.js';
import { code, type StageSummary } from '../lib/summary.js';
import type { CancelReport } from './cancel.js';
import type { DeployReport, ServiceReport } from './report.js';
import type { TeardownReport } from './teardown.js';

/**
 * The job summaries of deploy-ecs, drawn from a report; pure. runStage adds the failure reason and the
 * duration, and on a failure with an empty headline, the error.
 */

type Summary = Omit<StageSummary, 'stage'>;

/** A deployment: outcome first, then what changed, then what ECS said. */
export function deploySummary({ report, error }: Finished<DeployReport>): Summary {
  return {
    outcome: error === undefined ? 'success' : 'failure',
    headline: error === undefined ? successHeadline(report) : failureHeadline(report),
    facts: [
      ['Cluster', report.cluster],
      ...report.services.map((s): [string, string] => [`Service ${code(s.service)}`, serviceLine(report, s)]),
      ...report.services.flatMap((s): [string, string][] =>
        s.serviceDeploymentArn
          ? [[`Service deployment${report.services.length > 1 ? ` (${code(s.service)})` : ''}`, deploymentLine(s)]]
          : [],
      ),
      [
        'Task definition',
        report.taskDefinitionArn
          ? `${code(report.taskDefinitionArn)}${report.registered ? ' (new revision)' : ' (existing revision)'}`
          : undefined,
      ],
      ['Gate', gateLine(report)],
      ['Service URL', serviceUrl(report)],
      ['Images', report.images.map(code).join('<br>')],
      [
        'One-off task',
        report.oneOff
          ? `${code(shortArn(report.oneOff.taskArn))} exit ${report.oneOff.exitCode ?? '(not waited for)'}`
          : undefined,
      ],
      ['Deregistered', report.deregistered.map((arn) => code(shortArn(arn))).join(', ')],
    ],
    details: report.services.flatMap(whatEcsSaid),
  };
}

function successHeadline(report: DeployReport): string {
  if (report.gate === 'paused')
    return `${report.services[0]?.service ?? ''} waits at the test-traffic gate: ${shortArn(report.taskDefinitionArn)} takes test traffic only; answer with mode: continue or rollback.`;
  if (report.services.some((s) => s.outcome === 'not-watched'))
    return 'Deployment started; not watched (wait-for-service-stability: false).';
  const names = report.services.map((s) => s.service).join(', ');
  return `${names} ${report.services.length > 1 ? 'run' : 'runs'} ${shortArn(report.taskDefinitionArn)}.`;
}

/**
 * A service left NOT proven first, in the exact words of the report; else the reason of each rollout that
 * failed; empty (the error then) when the failure came before any.
 */
function failureHeadline(report: DeployReport): string {
  const unproven = report.services.flatMap((s) => (s.notProven ? [`**${s.notProven}**`] : []));
  if (unproven.length > 0) return unproven.join('<br>');
  return report.services
    .filter((s) => s.outcome === 'failed' || s.outcome === 'timeout')
    .map((s) => `**${s.service}**: ${s.reason ?? s.outcome}`)
    .join('<br>');
}

function serviceLine(report: DeployReport, s: ServiceReport): string {
  if (s.notProven) return s.notProven;
  if (!s.changed && s.outcome === 'pending')
    return `not changed: still runs ${shortArn(s.previous) ?? '(nothing)'} (the deployment stopped before its update)`;
  const change = `${shortArn(s.previous) ?? '(new)'} → ${shortArn(report.taskDefinitionArn) ?? '?'}`;
  return `${change}: ${s.rolloutState ?? s.outcome}${s.rolledBackBy ? `, rolled back by ${s.rolledBackBy}` : ''}`;
}

function deploymentLine(s: ServiceReport): string {
  return `${code(s.serviceDeploymentArn ?? '')}${s.strategy ? ` (${s.strategy})` : ''}`;
}

function gateLine(report: DeployReport): string | undefined {
  if (report.gate === 'none') return undefined;
  const url = report.testUrl ? ` (test URL ${report.testUrl})` : '';
  const probe = report.gateProbe ? `<br>${report.gateProbe.passed ? '✅' : '❌'} ${report.gateProbe.detail}` : '';
  return `${report.gate}${url}${probe}`;
}

function serviceUrl({ serviceUrl: found, services }: DeployReport): string | undefined {
  if (found?.url) return `${found.url}${services.length > 1 ? ` (${code(found.service ?? '')})` : ''}`;
  return found?.problem ? `not known: ${found.problem}` : undefined;
}

function whatEcsSaid(s: ServiceReport): NonNullable<Summary['details']> {
  const sections: NonNullable<Summary['details']> = [];
  if (s.stages?.length)
    sections.push({
      title: `${s.service}: service deployment stages (${s.stages.length})`,
      body: timeline(s.stages, s.stagesEndedAt),
    });
  if (s.stoppedTasks.length > 0)
    sections.push({
      title: `${s.service}: stopped tasks (${s.stoppedTasks.length})`,
      body: s.stoppedTasks.map(describeStoppedTask).join('\n'),
      preformatted: true,
    });
  if (s.events.length > 0)
    sections.push({
      title: `${s.service}: service events (${s.events.length})`,
      body: s.events.join('\n'),
      preformatted: true,
    });
  return sections;
}

/** The stage timeline of a followed service deployment: stage, when it began, how long it lasted. */
function timeline(stages: StageMark[], endedAt: number | undefined): string {
  const rows = stageTimeline(stages, endedAt ?? stages.at(-1)?.at);
  // A blank line first: GitHub renders Markdown inside <details> only after one.
  return [
    '',
    '| Stage | Began | Lasted |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.stage} | ${r.began} | ${formatDuration(r.lastedMs)} |`),
  ].join('\n');
}

/** A teardown: what became of each service. */
export function teardownSummary({ report, error }: Finished<TeardownReport>): Summary {
  const deleted = report.results.filter((r) => r.outcome !== 'already-gone');
  const names = (results: { service: string }[]) => results.map((r) => r.service).join(', ');
  const headline =
    error !== undefined
      ? ''
      : deleted.length > 0
        ? `Deleted ${names(deleted)} from ${report.cluster}.`
        : `Nothing to delete: ${names(report.results)} already gone from ${report.cluster}.`;
  return {
    outcome: deleted.length > 0 ? 'success' : 'unchanged',
    headline,
    facts: [
      ['Cluster', report.cluster && code(report.cluster)],
      ...report.results.map((r): [string, string] => [r.service, `${r.outcome} (${r.status})`]),
    ],
  };
}

/** The post step of a cancelled run: which services were pointed back, if any. */
export function cancelSummary({ report, error }: Finished<CancelReport>): Summary {
  const { saved, pointedBack } = report;
  const pointed = pointedBack
    .map((p) =>
      p.serviceDeploymentArn
        ? `${p.service}'s service deployment was stopped with rollback to ${shortArn(p.previous)}`
        : `${p.service} was pointed back at ${shortArn(p.previous)}`,
    )
    .join(', ');
  const headline =
    error !== undefined
      ? ''
      : !saved
        ? 'No rollout was in progress when the run was cancelled: nothing to put back.'
        : report.rollbackOnCancel
          ? `The run was cancelled during the rollout: ${pointed}.`
          : `The run was cancelled during the rollout of ${saved.services.map((s) => s.service).join(', ')}; rollback-on-cancel is false, so the rollout goes on.`;
  return {
    outcome: 'cancelled',
    headline,
    facts: [
      ['Cluster', saved && code(saved.cluster)],
      ...pointedBack.map(({ service, previous, serviceDeploymentArn }): [string, string] => [
        `Service ${code(service)}`,
        serviceDeploymentArn
          ? `service deployment ${code(serviceDeploymentArn)} stopped with rollback to ${code(previous)}`
          : `pointed back at ${code(previous)}`,
      ]),
    ],
  };
}
