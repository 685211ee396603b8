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
  return {
    owner,
    repo,
    number,
    sha: pr.head?.sha ?? env.GITHUB_SHA ?? '',
    headRepository: head || '(deleted fork)',
    fork: head.toLowerCase() !== base.toLowerCase(),
    action: event.action ?? '',
    merged: pr.merged === true,
  };
}
