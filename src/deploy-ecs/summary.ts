import { code, type StageSummary } from '../lib/summary.js';
import { formatDuration } from '../lib/duration.js';
import type { DeployReport } from './deploy.js';
import { describeStoppedTask } from '../lib/ecs-assess.js';

const short = (arn: string | undefined) => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : undefined);

function serviceUrl({ serviceUrl: found, services }: DeployReport): string | undefined {
  if (found?.url) return `${found.url}${services.length > 1 ? ` (${code(found.service ?? '')})` : ''}`;
  return found?.problem ? `not known: ${found.problem}` : undefined;
}

/** The job summary of a deployment: outcome first, then what changed, then what ECS said. */
export function summarise(report: DeployReport, ms: number): StageSummary {
  const failed = report.services.filter((s) => s.outcome === 'failed' || s.outcome === 'timeout');
  const outcome = report.error ? 'failure' : 'success';
  const headline = report.error
    ? failed.map((s) => `**${s.service}**: ${s.reason ?? s.outcome}`).join('<br>') ||
      String((report.error as Error).message ?? report.error)
    : report.services.some((s) => s.outcome === 'not-watched')
      ? `Deployment started; not watched (wait-for-service-stability: false).`
      : `${report.services.map((s) => s.service).join(', ')} ${report.services.length > 1 ? 'run' : 'runs'} ${short(report.taskDefinitionArn)}.`;
  const details = report.services.flatMap((s) => [
    ...(s.stoppedTasks.length
      ? [
          {
            title: `${s.service}: stopped tasks (${s.stoppedTasks.length})`,
            body: s.stoppedTasks.map(describeStoppedTask).join('\n'),
            preformatted: true,
          },
        ]
      : []),
    ...(s.events.length
      ? [{ title: `${s.service}: service events (${s.events.length})`, body: s.events.join('\n'), preformatted: true }]
      : []),
  ]);
  return {
    stage: 'deploy-ecs',
    outcome,
    headline,
    facts: [
      ['Cluster', report.cluster],
      ...report.services.map((s): [string, string] => [
        `Service ${code(s.service)}`,
        `${short(s.previous) ?? '(new)'} → ${short(report.taskDefinitionArn) ?? '?'}: ${s.rolloutState ?? s.outcome}${s.rolledBackBy ? `, rolled back by ${s.rolledBackBy}` : ''}`,
      ]),
      [
        'Task definition',
        report.taskDefinitionArn
          ? `${code(report.taskDefinitionArn)}${report.registered ? ' (new revision)' : ' (existing revision)'}`
          : undefined,
      ],
      ['Service URL', serviceUrl(report)],
      ['Images', report.images.map(code).join('<br>')],
      [
        'One-off task',
        report.oneOff
          ? `${code(short(report.oneOff.taskArn) ?? '')} exit ${report.oneOff.exitCode ?? '(not waited for)'}`
          : undefined,
      ],
      [
        'Deregistered',
        report.deregistered.length ? report.deregistered.map((a) => code(short(a) ?? a)).join(', ') : undefined,
      ],
      ['Duration', formatDuration(ms)],
    ],
    details,
  };
}
