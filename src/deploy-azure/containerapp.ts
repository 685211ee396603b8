import type { Finished, Outputs, Stage } from '../lib/action.js';
import { formatDuration } from '../lib/duration.js';
import { code, type StageSummary } from '../lib/summary.js';
import { readContainerAppInputs } from './containerapp-inputs.js';
import { emptyContainerAppReport, type ContainerAppReport } from './containerapp-report.js';

/**
 * deploy-azure for `target: containerapp`: a stage of its own (its report, outputs and summary), which main.ts runs
 * when readTarget() says so. The work is in containerapp-deploy.ts, imported after the inputs are validated.
 */

export type ContainerAppOutput =
  | 'revision'
  | 'revision-url'
  | 'label-url'
  | 'app-url'
  | 'previous-revision'
  | 'changed'
  | 'image'
  | 'job-execution'
  | 'job-exit-code';

export const containerAppStage: Stage<ContainerAppReport, ContainerAppOutput> = {
  name: 'deploy-azure',
  start: emptyContainerAppReport,
  async run(report) {
    const inputs = readContainerAppInputs();
    Object.assign(report, { app: inputs.app, image: inputs.image, label: inputs.label });
    const { deployContainerApp } = await import('./containerapp-deploy.js');
    await deployContainerApp(inputs, report);
  },
  outputs: containerAppOutputs,
  summary: summariseContainerApp,
};

/** The outputs; on failure, what is known so far (previous-revision is what rollback needs). */
export function containerAppOutputs(report: ContainerAppReport): Outputs<ContainerAppOutput> {
  return {
    revision: report.revision,
    'revision-url': report.revisionUrl,
    'label-url': report.labelUrl,
    'app-url': report.appUrl,
    'previous-revision': report.previousRevision,
    changed: report.changed === undefined ? undefined : String(report.changed),
    image: report.image || undefined,
    'job-execution': report.job?.execution,
    'job-exit-code': report.job?.exitCode === undefined ? undefined : String(report.job.exitCode),
  };
}

type Summary = Omit<StageSummary, 'stage'>;

/** Outcome first; a failure says what state the app was left in (nothing changed, or put back). */
export function summariseContainerApp({ report, error }: Finished<ContainerAppReport>): Summary {
  const failed = error !== undefined;
  const last = report.steps.at(-1);
  const headline = failed
    ? ''
    : report.changed === false && report.labelMoved
      ? `${code(report.app)} already serves ${code(report.revision ?? '')}: label ${code(report.label ?? '')} now names it.`
      : report.changed === false
        ? `${code(report.app)} already serves ${code(report.revision ?? '')}: nothing changed.`
        : last
          ? `${code(report.app)} serves ${code(report.revision ?? '')} (${code(report.image)}) with ${last.weight}% of the traffic.`
          : `${code(report.revision ?? '')} (${code(report.image)}) is ready and proven, with no traffic (label ${code(report.label ?? '')}).`;
  return {
    outcome: failed ? 'failure' : report.changed === false && !report.labelMoved ? 'unchanged' : 'success',
    headline,
    facts: [
      ['App', `${code(report.app)} ${report.appUrl ?? ''}`],
      [
        'Revision',
        report.revision &&
          `${code(report.previousRevision ?? '(none)')} → ${code(report.revision)} ${report.revisionUrl ?? ''}`,
      ],
      ['Label', report.label && report.revisionUrl ? `${code(report.label)} ${report.labelUrl ?? ''}` : undefined],
      [
        'Label moved from',
        report.replaced &&
          `${code(report.replaced.revision)}: ${report.replaced.deactivated ? 'deactivated' : `left active (${report.replaced.kept ?? ''})`}`,
      ],
      ['Ready', report.readyMs === undefined ? undefined : `in ${formatDuration(report.readyMs)}`],
      [
        'Revision probe',
        report.revisionProbe && `${report.revisionProbe.run.attempts} probes of ${code(report.revisionProbe.url)}`,
      ],
      [
        'Job',
        report.job && `${code(report.job.execution)} ${report.job.status} (exit code ${report.job.exitCode ?? '?'})`,
      ],
      ['Traffic', report.steps.length ? report.steps.map((s) => `${s.weight}%`).join(' → ') : undefined],
      ['Ready → all traffic', report.trafficMovedMs === undefined ? undefined : formatDuration(report.trafficMovedMs)],
      ['Left', failed ? leftState(report) : undefined],
    ],
  };
}

function leftState(report: ContainerAppReport): string {
  if (!report.changing) return 'nothing changed';
  const back = report.restored
    ? `all traffic on ${code(report.previousRevision ?? '')}`
    : 'traffic NOT restored: see the log';
  return `${back}${report.deactivated ? `; ${code(report.revision ?? '')} deactivated` : ''}`;
}
