import { readFileSync } from 'node:fs';
import { InputError } from '../lib/errors.js';

/** The pull request a preview is for, as the `pull_request` event payload tells it. */
export interface PreviewPullRequest {
  owner: string;
  repo: string;
  number: number;
  /** The head commit: what the preview runs. */
  sha: string;
  /** `owner/repo` the head branch lives in; differs from the base repository for a fork. */
  headRepository: string;
  fork: boolean;
  /** opened, synchronize, reopened, closed... */
  action: string;
  merged: boolean;
}

interface PullRequestEvent {
  action?: string;
  number?: number;
  pull_request?: {
    number?: number;
    merged?: boolean;
    head?: { sha?: string; repo?: { full_name?: string } | null };
    base?: { repo?: { full_name?: string } };
  };
}

/**
 * The event is GitHub's, but a workflow can be given another file: its number makes the environment name and its
 * head SHA the deployment's ref, so both are checked as GitHub writes them (an issue number is a positive 32-bit
 * integer; a commit SHA is 40 hex digits, 64 in a SHA-256 repository).
 */
function checkEvent(number: number, sha: string): void {
  if (!Number.isInteger(number) || number < 1 || number > 2 ** 31 - 1)
    throw new InputError(`The pull request number in the event is not one: ${JSON.stringify(number)}.`);
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(sha))
    throw new InputError(`The pull request's head SHA in the event is not a commit SHA: ${JSON.stringify(sha)}.`);
}

/**
 * Reads the pull request from GITHUB_EVENT_PATH. A head repository other than the base one (or one deleted
 * since, which GitHub reports as null) is a fork: its runs get no secrets and a read-only token.
 */
export function readPullRequest(env: NodeJS.ProcessEnv = process.env): PreviewPullRequest {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repository.split('/');
  let event: PullRequestEvent = {};
  try {
    if (env.GITHUB_EVENT_PATH) event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as PullRequestEvent;
  } catch {
    event = {};
  }
  const pr = event.pull_request;
  const number = pr?.number ?? event.number;
  if (!owner || !repo || !pr || typeof number !== 'number')
    throw new InputError(
      `preview found no pull request in this run's event (${env.GITHUB_EVENT_NAME ?? 'unknown event'}).`,
      'Run it from a workflow triggered by `on: pull_request` (types opened, synchronize, reopened, closed).',
    );
  const base = pr.base?.repo?.full_name ?? repository;
  const head = pr.head?.repo?.full_name ?? '';
  const sha = pr.head?.sha ?? env.GITHUB_SHA ?? '';
  checkEvent(number, sha);
  return {
    owner,
    repo,
    number,
    sha,
    // Shown in the log and the summary: anything but owner/name (GitHub's own rule for both) is not printed.
    headRepository: /^[\w.-]{1,100}\/[\w.-]{1,100}$/.test(head) ? head : head ? '(a fork)' : '(deleted fork)',
    fork: head.toLowerCase() !== base.toLowerCase(),
    action: event.action ?? '',
    merged: pr.merged === true,
  };
}
