import type { Finished } from '../lib/action.js';
import type { Served } from '../lib/app-service-wait.js';
import { formatDuration } from '../lib/duration.js';
import { code, type StageSummary } from '../lib/summary.js';
import type { AzureReport } from './report.js';

type Summary = Omit<StageSummary, 'stage'>;

const probes = (served: Served | undefined) =>
  served ? `${served.run.attempts} probes of ${code(served.url)}, ${formatDuration(served.ms)}` : undefined;

/**
 * The job summary of a deployment: outcome first, then app, slot, images, swap and probes. A failure before the
 * first change says that nothing was changed; runStage gives a failure its headline.
 */
export function summarise({ report, error }: Finished<AzureReport>): Summary {
  if (report.deletedSlot !== undefined) return slotDeletion(report);
  if (error !== undefined && !report.changing) {
    return {
      outcome: 'failure',
      headline: '',
      facts: [
        ['App', report.app],
        ['Slot', report.slot],
        ['Changed', 'nothing'],
      ],
    };
  }
  return deployment(report, error !== undefined);
}

function slotDeletion(report: AzureReport): Summary {
  return {
    outcome: report.deletedSlot ? 'success' : 'unchanged',
    headline: report.deletedSlot
      ? `Deleted slot ${code(report.slot)} of ${code(report.app)}.`
      : `Slot ${code(report.slot)} of ${code(report.app)} did not exist.`,
    facts: [],
  };
}

function deployment(report: AzureReport, failed: boolean): Summary {
  const where = report.swapped ? 'production' : report.slot;
  return {
    outcome: failed ? 'failure' : 'success',
    headline: failed
      ? ''
      : `${code(report.app)} ${where} serves ${code(report.image)}${report.swapped ? ` (swapped from ${code(report.slot)})` : ''}.`,
    facts: [
      ['App', `${code(report.app)} ${report.webappUrl ?? ''}`],
      [
        'Slot',
        `${code(report.slot)}${report.createdSlot ? ' (created)' : ''}${report.inPlace ? ' (in place: the plan has no slots)' : ''} ${report.slotUrl ?? ''}`,
      ],
      ['Put back', report.putBack ? `${code(report.previousImage ?? '')} on production` : undefined],
      ['Image', `${code(report.previousImage || '(none)')} → ${code(report.image)}`],
      ['App settings changed', report.settingsChanged.length ? report.settingsChanged.map(code).join(', ') : undefined],
      ['Slot probe', probes(report.slotProbe)],
      ['Swap', report.swapped ? `into production in ${formatDuration(report.swapMs ?? 0)}` : 'no'],
      ['Production probe', probes(report.productionProbe)],
    ],
  };
}
