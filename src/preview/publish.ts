import * as core from '@actions/core';
import type { PreviewPullRequest } from './event.js';
import type { PreviewInputs } from './inputs.js';
import { postComment, recordDeployment, startRun, tearDown } from './phases.js';
import type { PreviewReport } from './report.js';

/** The preview once the inputs are valid: the deployment and its status, or the teardown, and the comment. */
export async function publish(report: PreviewReport, inputs: PreviewInputs, pr: PreviewPullRequest): Promise<void> {
  const environment = inputs.environment ?? `pr-${pr.number}`;
  Object.assign(report, { environment, number: pr.number, state: inputs.state, skipped: pr.fork });
  if (pr.fork) return skipFork(report, pr);

  const preview = await startRun(inputs, pr, environment);
  report.sha = preview.sha;
  report.url = inputs.environmentUrl;
  if (inputs.state === 'inactive') {
    const lastUrl = await tearDown(preview);
    report.url ??= lastUrl;
  } else {
    report.deploymentId = (await recordDeployment(preview, report.url)).id;
  }
  report.commentUrl = await postComment(preview, report.url);
}

/** A fork's runs get no secrets and a read-only token: nothing is deployed or written, and the log says why. */
function skipFork(report: PreviewReport, pr: PreviewPullRequest): void {
  report.fork = pr.headRepository;
  core.notice(
    `Pull request #${pr.number} comes from the fork ${pr.headRepository}: no preview is deployed, because a fork's runs get no secrets and a read-only token.`,
  );
}
