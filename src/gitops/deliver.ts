import * as core from '@actions/core';
import { commitAll, type GitCounter, type GitRepo } from '../lib/git.js';
import { deliverChange, revertCommit, type Delivered } from '../lib/gitops-deliver.js';
import type { ImageChange } from '../lib/gitops-image.js';
import { gitRemote } from '../lib/gitops-inputs.js';
import { commitMessage, editFiles, promotedImages } from './edit.js';
import type { GitOpsInputs } from './inputs.js';

export interface Delivery extends Delivered {
  changes: ImageChange[];
  /** For a rollback: the release commit that was reverted. */
  reverted?: string;
}

/**
 * The release (images set) or the rollback (release commit reverted), delivered to the tracked branch or, for a
 * pull request, to a branch of its own; a push that loses a race is made again on the new tip.
 */
export async function deliver(inputs: GitOpsInputs, counter: GitCounter): Promise<Delivery> {
  const options = {
    remote: gitRemote(inputs),
    attempts: inputs.pushAttempts,
    counter,
    pushTo:
      inputs.delivery === 'pull-request' ? (commit: string) => pullRequestBranch(inputs.service, commit) : undefined,
  };
  if (inputs.mode === 'rollback') {
    const context = { branch: inputs.branch, service: inputs.service, identity: inputs.identity };
    const done = await deliverChange(options, (repo) => revertCommit(repo, inputs.revert ?? '', context));
    return { ...done, changes: [] };
  }
  return deliverChange(options, (repo) => release(repo, inputs));
}

/** The pull request's branch: one per commit, so it is new and the push is never forced. */
export function pullRequestBranch(service: string, commit: string): string {
  return `gitops/${service.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}-${commit.slice(0, 7)}`;
}

async function release(repo: GitRepo, inputs: GitOpsInputs): Promise<{ commit?: string; changes: ImageChange[] }> {
  const images = inputs.promote ? promotedImages(repo.dir, inputs.promote) : inputs.images;
  const changes = editFiles(repo.dir, inputs.files, images);
  for (const change of changes) {
    const what = change.previous === change.image ? `already ${change.image}` : `${change.previous} → ${change.image}`;
    core.info(`${change.file}: ${change.location}: ${what}`);
  }
  const commit = await commitAll(repo, commitMessage(inputs.service, changes), inputs.identity);
  return { commit, changes };
}
