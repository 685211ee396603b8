/** What a rollback did, whichever cloud it was on: the outputs and the job summary are made from it. */
export interface RollbackResult {
  outcome: 'rolled-back' | 'already-current' | 'marked-good';
  /** What runs now (task definition ARN, image, or slot). */
  to: string;
  /** What ran before. */
  from: string;
  rolloutState?: string;
  headline: string;
  facts: [string, string | undefined][];
  events?: string[];
}

/** The stage's report: why it ran, once the inputs are read, and what it did, once it is done. */
export interface RollbackReport {
  reason?: string;
  result?: RollbackResult;
}
