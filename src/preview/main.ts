import * as core from '@actions/core';
import { runStage } from '../lib/action.js';
import { readPullRequest, type PreviewPullRequest } from './event.js';
import { readInputs } from './inputs.js';
import { postComment, recordDeployment, startRun, tearDown } from './phases.js';
import { outputs, summary, type PreviewReport } from './report.js';

/**
 * preview: the GitHub side of a pull request preview. A deployment to pr-<number> with a status that
 * carries the preview's URL, and one sticky comment on the pull request edited on every push; on close,
 * every deployment of the environment inactive and the comment saying so. Fork pull requests get nothing.
 */
export async function run(): Promise<void> {
  await runStage({ name: 'preview', start: (): PreviewReport => ({}), run: publish, outputs, summary });
}

async function publish(report: PreviewReport): Promise<void> {
  const inputs = readInputs();
  const pr = readPullRequest();
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
