import { describe } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { code, type StageSummary } from '../lib/summary.js';
import type { AzureReport } from './deploy.js';
import type { Served } from './wait.js';

const probes = (served: Served | undefined) =>
  served ? `${served.run.attempts} probes of ${code(served.url)}, ${formatDuration(served.ms)}` : undefined;

/** The job summary of a deployment: outcome first, then app, slot, images, swap and probes. */
export function summarise(report: AzureReport, ms: number): StageSummary {
  if (report.deletedSlot !== undefined) {
    return {
      stage: 'deploy-azure',
      outcome: report.deletedSlot ? 'success' : 'unchanged',
      headline: report.deletedSlot
        ? `Deleted slot ${code(report.slot)} of ${code(report.app)}.`
        : `Slot ${code(report.slot)} of ${code(report.app)} did not exist.`,
      facts: [['Duration', formatDuration(ms)]],
    };
  }
  const where = report.swapped ? 'production' : report.slot;
  return {
    stage: 'deploy-azure',
    outcome: report.error ? 'failure' : 'success',
    headline: report.error
      ? describe(report.error)
      : `${code(report.app)} ${where} serves ${code(report.image)}${report.swapped ? ` (swapped from ${code(report.slot)})` : ''}.`,
    facts: [
      ['App', `${code(report.app)} ${report.webappUrl}`],
      ['Slot', `${code(report.slot)}${report.createdSlot ? ' (created)' : ''} ${report.slotUrl}`],
      ['Image', `${code(report.previousImage || '(none)')} → ${code(report.image)}`],
      ['App settings changed', report.settingsChanged.length ? report.settingsChanged.map(code).join(', ') : undefined],
      ['Slot probe', probes(report.slotProbe)],
      ['Swap', report.swapped ? `into production in ${formatDuration(report.swapMs ?? 0)}` : 'no'],
      ['Production probe', probes(report.productionProbe)],
      ['Duration', formatDuration(ms)],
    ],
  };
}
