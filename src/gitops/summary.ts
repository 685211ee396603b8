import type { Finished } from '../lib/action.js';
import { formatDuration } from '../lib/duration.js';
import { describe } from '../lib/errors.js';
import { redactUrl } from '../lib/secrets.js';
import { cell, code, type StageSummary } from '../lib/summary.js';
import type { GitOpsReport } from './outputs.js';

function headline(report: GitOpsReport): string {
  const { inputs, delivery, argo } = report;
  if (!inputs || !delivery) return '';
  const short = delivery.commit.slice(0, 7);
  const what =
    inputs.mode === 'rollback'
      ? delivery.pushed
        ? `Reverted ${delivery.reverted?.slice(0, 7)} with ${short} on ${inputs.branch}`
        : `Nothing to revert: ${delivery.reverted?.slice(0, 7)} is already undone on ${inputs.branch}`
      : delivery.pushed
        ? `Pushed ${short} to ${inputs.branch}`
        : `Nothing to commit: the image is already set at ${short} on ${inputs.branch}`;
  const pull = report.pullRequest;
  if (pull) {
    const merged = report.merged
      ? `, merged as ${report.merged.slice(0, 7)}`
      : pull.merge === 'manual'
        ? ', waiting for someone to merge it'
        : '';
    const opened = `Opened pull request #${pull.number} into ${inputs.branch}${merged}`;
    if (!report.merged) return `${opened}.`;
    return argo?.health === 'Healthy'
      ? `${opened}; ${inputs.argo?.application} is Synced at ${report.merged.slice(0, 7)} and Healthy.`
      : `${opened}.`;
  }
  if (!inputs.argo) return `${what}; no Argo CD server given, so the step stops after the push.`;
  if (argo?.health) return `${what}; ${inputs.argo.application} is Synced at ${short} and ${argo.health}.`;
  return `${what}.`;
}

/**
 * After a push, a failure leaves the branch changed: the headline says so first, with the commit that is NOT
 * proven and how to take it back, so no one reads the failure as "nothing happened".
 */
function failedAfterPush(report: GitOpsReport, error: unknown): string {
  const { inputs, delivery } = report;
  const landed =
    report.merged ?? (delivery?.pushed && delivery.pushedTo === inputs?.branch ? delivery.commit : undefined);
  if (!inputs || !landed) return '';
  const undo =
    inputs.mode === 'rollback'
      ? 'Look at the Application in Argo CD.'
      : `Revert it with mode: rollback, revert: ${landed}.`;
  return `${inputs.branch} of the config repository now carries ${landed.slice(0, 7)}, which is NOT proven: ${describe(error).split('\n')[0]} ${undo}`;
}

/** Pure: the job summary, outcome first, then the facts, the image changes and the Argo CD states seen. */
export function summary({ report, error }: Finished<GitOpsReport>): Omit<StageSummary, 'stage'> {
  const { inputs, delivery, argo } = report;
  if (!inputs) return { outcome: 'failure', headline: '', facts: [] };
  const unchanged = delivery !== undefined && !delivery.pushed;
  const rows = (delivery?.changes ?? []).map(
    (c) =>
      `| ${code(c.file)} | ${cell(c.location)} | ${code(c.previous || '(none)')} | ${c.previous === c.image ? 'unchanged' : code(c.image)} |`,
  );
  return {
    outcome: unchanged && !inputs.argo ? 'unchanged' : 'success',
    // On failure runStage puts the error there: what failed says more than what was pushed.
    headline: error === undefined ? headline(report) : failedAfterPush(report, error),
    facts: [
      ['Config repository', `${code(redactUrl(inputs.repository))} (${code(inputs.branch)})`],
      ['Commit', delivery ? code(delivery.commit) : undefined],
      ['Pull request', report.pullRequest ? `[#${report.pullRequest.number}](${report.pullRequest.url})` : undefined],
      ['Merge commit', report.merged ? code(report.merged) : undefined],
      ['Push attempts', delivery?.pushed ? String(delivery.attempts) : undefined],
      ['Argo CD Application', inputs.argo ? code(inputs.argo.application) : 'none (stopped after the push)'],
      ['Synced revision', argo?.revision ? code(argo.revision) : undefined],
      ['Health', argo?.health],
      ['Waited for Argo CD', argo?.waitedMs === undefined ? undefined : formatDuration(argo.waitedMs)],
      ['Requests', `${report.requests.git} Git, ${report.requests.argo} Argo CD`],
    ],
    markdown: rows.length ? `| file | where | before | after |\n|---|---|---|---|\n${rows.join('\n')}` : undefined,
    details: argo?.changes.length
      ? [{ title: 'Argo CD states', body: argo.changes.join('\n'), preformatted: true }]
      : undefined,
  };
}
