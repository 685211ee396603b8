import type { Outputs } from '../lib/action.js';
import type { ImageChange } from '../lib/gitops-image.js';
import type { Delivery } from './deliver.js';
import type { GitOpsInputs } from './inputs.js';
import type { OpenedPull } from './pull-request.js';

/** What gitops knows so far, filled as it goes. */
export interface GitOpsReport {
  inputs?: GitOpsInputs;
  delivery?: Delivery;
  pullRequest?: OpenedPull;
  /** The pull request's merge commit, the revision Argo CD syncs. */
  merged?: string;
  /** The Argo CD wait, once it ended. */
  argo?: { revision?: string; health?: string; changes: string[]; waitedMs?: number };
  requests: { git: number; argo: number };
}

export type GitOpsOutput = 'commit' | 'pull-request-url' | 'previous-image' | 'synced-revision' | 'health';

/** Pure: the step's outputs. previous-image is set as soon as the files were read, so a failed wait can roll back. */
export function outputs(report: GitOpsReport): Outputs<GitOpsOutput> {
  return {
    commit: report.merged ?? report.delivery?.commit,
    'pull-request-url': report.pullRequest?.url,
    'previous-image': report.delivery ? previousImages(report.delivery.changes) : undefined,
    'synced-revision': report.argo?.revision,
    health: report.argo?.health,
  };
}

/** The image each target had before, as one reference or, for several targets, name=image lines. */
export function previousImages(changes: ImageChange[]): string | undefined {
  const byTarget = new Map(changes.map((change) => [change.target, change.previous]));
  if (byTarget.size === 0) return undefined;
  if (byTarget.size === 1) return [...byTarget.values()][0];
  return [...byTarget].map(([target, image]) => `${target}=${image}`).join('\n');
}
