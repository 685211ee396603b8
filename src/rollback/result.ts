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
