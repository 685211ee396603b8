import * as core from '@actions/core';
import { ArgoCd, waitForRevision } from '../lib/argocd.js';
import type { GitCounter } from '../lib/git.js';
import { deliver, type Delivery } from './deliver.js';
import type { ArgoInputs, GitOpsInputs } from './inputs.js';
import { enableAutoMerge, openPullRequest, waitForMerge, type PullRequestPlan } from './pull-request.js';
import type { GitOpsReport } from './outputs.js';

/** The release once the inputs are valid: deliver the change, through a pull request if asked, then wait for Argo CD. */
export async function release(report: GitOpsReport, inputs: GitOpsInputs): Promise<void> {
  const counter: GitCounter = { remote: 0 };
  try {
    report.delivery = await core.group(inputs.mode === 'rollback' ? 'Revert' : 'Set the image', () =>
      deliver(inputs, counter),
    );
  } finally {
    report.requests.git = counter.remote;
  }
  const { commit, pushed, pushedTo } = report.delivery;
  core.info(
    pushed ? `Pushed ${commit} to ${pushedTo}.` : `Nothing to commit: ${inputs.branch} already has it, at ${commit}.`,
  );
  const released = inputs.delivery === 'pull-request' && pushed ? await throughPullRequest(report, inputs) : commit;
  if (released === undefined) return;
  if (inputs.argo) await core.group('Wait for Argo CD', () => waitForArgo(report, inputs.argo as ArgoInputs, released));
}

/** Opens the pull request; returns the merge commit to wait for, or undefined when it waits for a person. */
async function throughPullRequest(report: GitOpsReport, inputs: GitOpsInputs): Promise<string | undefined> {
  const delivery = report.delivery as Delivery;
  const [title = '', ...body] = (delivery.message ?? '').split('\n');
  const plan: PullRequestPlan = {
    repository: inputs.repository,
    token: inputs.token ?? '',
    head: delivery.pushedTo ?? '',
    base: inputs.branch,
    title,
    body: body.join('\n').trim(),
    autoMerge: inputs.autoMerge,
    mergeMethod: inputs.mergeMethod,
    requestTimeoutMs: inputs.requestTimeoutMs,
  };
  let pull = await core.group('Pull request', () => openPullRequest(plan));
  report.pullRequest = pull;
  if (plan.autoMerge) {
    pull = await enableAutoMerge(plan, pull);
    report.pullRequest = pull;
  }
  if (!inputs.argo) return undefined;
  if (pull.merge === 'manual') {
    core.notice(`${pull.url} waits for someone to merge it; Argo CD is not waited for (set auto-merge: true to wait).`);
    return undefined;
  }
  const merged = await core.group('Wait for the merge', () => waitForMerge(plan, pull, inputs.argo as ArgoInputs));
  report.merged = merged;
  return merged;
}

async function waitForArgo(report: GitOpsReport, argo: ArgoInputs, commit: string): Promise<void> {
  const client = new ArgoCd(argo.server, argo.token, { requestTimeoutMs: argo.requestTimeoutMs });
  const started = Date.now();
  const changes: string[] = [];
  report.argo = { changes };
  try {
    const done = await waitForRevision(client, argo.application, commit, {
      timeoutMs: argo.timeoutMs,
      intervalMs: argo.intervalMs,
      sync: argo.sync,
      onApplication: (app) => {
        Object.assign(report.argo ?? {}, { revision: app.status?.sync?.revision, health: app.status?.health?.status });
      },
      onChange: (line) => {
        changes.push(line);
        core.info(`${argo.application}: ${line}`);
      },
    });
    report.argo = { revision: done.revision, health: done.health, changes, waitedMs: Date.now() - started };
  } finally {
    report.requests.argo = client.requests;
    if (report.argo) report.argo.waitedMs = Date.now() - started;
  }
}
