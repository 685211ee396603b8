import type { Outputs } from '../lib/action.js';
import type { RollbackReport } from './result.js';

export type RollbackOutput = 'outcome' | 'rolled-back-to' | 'rolled-back-from' | 'rollout-state';

/** rollback's outputs, set once it is done (a failed rollback sets only failure-reason). */
export function outputs({ result }: RollbackReport): Outputs<RollbackOutput> {
  return {
    outcome: result?.outcome,
    'rolled-back-to': result?.to,
    'rolled-back-from': result?.from,
    'rollout-state': result && (result.rolloutState ?? ''),
  };
}
