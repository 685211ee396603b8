import type { Finished } from '../lib/action.js';
import type { Served } from '../lib/app-service-wait.js';
import { formatDuration } from '../lib/duration.js';
import { describe } from '../lib/errors.js';
import { code, type StageSummary } from '../lib/summary.js';
import type { CancelReport } from './cancel.js';
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
  const summary = deployment(report, error !== undefined);
  // With the end state as headline, the failure itself is still said.
  if (error !== undefined && report.endState) summary.facts.unshift(['Failure', describe(error).split('\n')[0]]);
  return summary;
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
    // On failure once production was changed, the end state is the headline: what runs, proven or NOT.
    headline: failed
      ? (report.endState ?? '')
      : `${code(report.app)} ${where} serves ${code(report.image)}${report.swapped ? ` (swapped from ${code(report.slot)})` : ''}.`,
    facts: [
      ['App', `${code(report.app)} ${report.webappUrl ?? ''}`],
      [
        'Slot',
        `${code(report.slot)}${report.createdSlot ? ' (created)' : ''}${report.inPlace ? ' (in place: the plan has no slots)' : ''} ${report.slotUrl ?? ''}`,
      ],
      ['Put back', report.putBack ? `${code(report.previousImage ?? '')} on production: ${report.putBack}` : undefined],
      ['End state', report.endState],
      ['Read back', report.readBack],
      ['Image', `${code(report.previousImage || '(none)')} → ${code(report.image)}`],
      ['App settings changed', report.settingsChanged.length ? report.settingsChanged.map(code).join(', ') : undefined],
      ['Slot probe', probes(report.slotProbe)],
      ['Swap', report.swapped ? `into production in ${formatDuration(report.swapMs ?? 0)}` : 'no'],
      ['Production probe', probes(report.productionProbe)],
    ],
  };
}

/** The post step's summary, when the run was cancelled. */
export function cancelSummary({ report, error }: Finished<CancelReport>): Summary {
  const { saved } = report;
  const headline =
    error !== undefined
      ? ''
      : !saved
        ? 'Production was not being changed when the run was cancelled: nothing to put back.'
        : report.rollbackOnCancel === false
          ? `The run was cancelled while ${code(saved.app)} was being changed; rollback-on-cancel is false, so it is left as it is.`
          : report.putBack
            ? `The run was cancelled while production was changed: ${report.putBack}.`
            : `The run was cancelled; ${code(saved.app)} runs ${code(saved.previousImage)}, as before: nothing to put back.`;
  return {
    outcome: 'cancelled',
    headline,
    facts: [
      ['App', saved && code(saved.app)],
      ['Found', report.found && code(report.found)],
      ['Previous image', saved && code(saved.previousImage)],
    ],
  };
}
