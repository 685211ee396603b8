import * as core from '@actions/core';
import { ArgoCd, waitForRevision } from '../lib/argocd.js';
import { deliverChange, revertCommit } from '../lib/gitops-deliver.js';
import { gitRemote, type ArgoInputs } from '../lib/gitops-inputs.js';
import type { GitOpsRollbackInputs } from './inputs.js';
import type { RollbackResult } from './result.js';

/**
 * rollback `target: gitops`: revert the release commit in the config repository (the gitops action's `commit`
 * output), push it, and wait until Argo CD has synced the revert and the Application is Healthy again.
 * Idempotent: a release already reverted makes no commit, and the wait proves what runs.
 */

export async function rollbackGitOps(inputs: GitOpsRollbackInputs): Promise<RollbackResult> {
  const delivered = await deliverChange({ remote: gitRemote(inputs), attempts: 5 }, (repo) =>
    revertCommit(repo, inputs.revert, { branch: inputs.branch, service: inputs.service, identity: inputs.identity }),
  );
  const short = (sha: string) => sha.slice(0, 7);
  core.info(
    delivered.pushed
      ? `Pushed the revert of ${short(delivered.reverted)} to ${inputs.branch}: ${delivered.commit}.`
      : `${short(delivered.reverted)} is already reverted on ${inputs.branch} (at ${short(delivered.commit)}): nothing to push.`,
  );
  const events: string[] = [];
  const health = inputs.argo ? await waitForArgo(inputs.argo, delivered.commit, events) : undefined;
  const proven = health ? `; Argo CD synced it and ${inputs.argo?.application} is ${health}` : '';
  return {
    outcome: delivered.pushed ? 'rolled-back' : 'already-current',
    to: delivered.commit,
    from: delivered.reverted,
    rolloutState: health,
    headline: `${delivered.pushed ? 'Reverted' : 'Already reverted:'} ${short(delivered.reverted)} on ${inputs.branch} of the config repository${proven}.`,
    facts: [
      ['Config repository', `${inputs.repository} (${inputs.branch})`],
      ['Revert commit', delivered.commit],
      ['Argo CD', inputs.argo ? `${inputs.argo.application}: ${health}` : 'not waited for (no argocd-server)'],
    ],
    events,
  };
}

async function waitForArgo(argo: ArgoInputs, commit: string, events: string[]): Promise<string> {
  const client = new ArgoCd(argo.server, argo.token, { requestTimeoutMs: argo.requestTimeoutMs });
  const done = await waitForRevision(client, argo.application, commit, {
    timeoutMs: argo.timeoutMs,
    intervalMs: argo.intervalMs,
    sync: argo.sync,
    onChange: (line) => {
      events.push(line);
      core.info(`${argo.application}: ${line}`);
    },
  });
  return done.health;
}
