import type { Finished } from '../lib/action.js';
import type { StageSummary } from '../lib/summary.js';
import type { RollbackReport } from './result.js';

/** The job summary: what runs now and why; a failure says why the rollback ran (runStage adds the error). */
export function summarise({ report: { reason, result } }: Finished<RollbackReport>): Omit<StageSummary, 'stage'> {
  if (!result) return { outcome: 'failure', headline: '', facts: [['Why', reason]] };
  return {
    outcome: result.outcome === 'already-current' ? 'unchanged' : 'success',
    headline: result.headline,
    facts: [...result.facts, ['Why', reason], ['From', result.from], ['To', result.to]],
    details: result.events?.length
      ? [{ title: `Service events (${result.events.length})`, body: result.events.join('\n'), preformatted: true }]
      : [],
  };
}
