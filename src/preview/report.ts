import type { Finished, Outputs } from '../lib/action.js';
import { code, type StageSummary } from '../lib/summary.js';
import type { PreviewState } from './inputs.js';

/** What preview has done so far, filled as it goes; outputs and summary are read from it. */
export interface PreviewReport {
  environment?: string;
  /** The pull request's number, once the event is read. */
  number?: number;
  state?: PreviewState;
  /** Set once the pull request is known: true for a fork, which gets nothing. */
  skipped?: boolean;
  /** The repository a fork's head branch lives in. */
  fork?: string;
  sha?: string;
  deploymentId?: number;
  url?: string;
  /** Set once the sticky comment is written. */
  commentUrl?: string;
}

export type PreviewOutput = 'deployment-id' | 'environment' | 'url' | 'comment-url' | 'skipped';

/** The step's outputs, pure: those known so far when the step fails. */
export function outputs(report: PreviewReport): Outputs<PreviewOutput> {
  return {
    'deployment-id': report.deploymentId === undefined ? undefined : String(report.deploymentId),
    environment: report.environment,
    // Written with the comment, empty when the preview has no address.
    url: report.commentUrl === undefined ? undefined : (report.url ?? ''),
    'comment-url': report.commentUrl,
    skipped: report.skipped === undefined ? undefined : String(report.skipped),
  };
}

/** The job summary, pure: the state the preview was put in, or why a fork got nothing. */
export function summary({ report, error }: Finished<PreviewReport>): Omit<StageSummary, 'stage'> {
  const environment = report.environment === undefined ? undefined : code(report.environment);
  if (report.skipped) {
    return {
      outcome: 'unchanged',
      headline: `No preview for #${report.number}: it comes from the fork ${report.fork}, whose runs get no secrets.`,
      facts: [['Environment', environment]],
    };
  }
  const state = report.state ?? 'in_progress';
  return {
    outcome: state === 'failure' ? 'failure' : 'success',
    // On failure runStage puts the error here.
    headline: error === undefined ? `Preview ${environment} of #${report.number}: ${state.replace('_', ' ')}.` : '',
    facts: [
      ['Environment', error === undefined ? undefined : environment],
      ['URL', report.url],
      ['Commit', report.sha === undefined ? undefined : code(report.sha)],
      ['Deployment', report.deploymentId === undefined ? undefined : String(report.deploymentId)],
      ['Comment', report.commentUrl],
    ],
  };
}
