import * as core from '@actions/core';
import type { getOctokit } from '@actions/github';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { CloudError, TimeoutError } from './errors.js';
import { redactUrl, scrub } from './secrets.js';

/**
 * The GitHub REST API, for the comments stages leave on pull requests. The API address comes from
 * GITHUB_API_URL (GitHub Enterprise Server sets it; tests point it at a local stand-in), read when the
 * client is made rather than when @actions/github is loaded.
 */

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface PullRequest {
  owner: string;
  repo: string;
  number: number;
}

export interface Comment {
  id: number;
  url: string;
  body: string;
  /** `Bot` for github-actions[bot] and GitHub Apps: people cannot write as one. */
  author: { login: string; type: string };
}

export function apiUrl(): string {
  return (process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
}

/**
 * How long GitHub may take. Every request is cut after `requestTimeoutMs`, and none outlives `deadline` (the
 * stage's own end, epoch ms): a hung API is reported, never waited on. A 5xx or a reset connection is tried
 * again, up to `attempts` in all (GitHub's REST guide: "retry 5xx with backoff"); a request that timed out is
 * tried again only when sending it twice does no harm (GET, PUT, PATCH, DELETE), since its answer, not its
 * effect, may be what was lost.
 */
export interface GitHubLimits {
  requestTimeoutMs?: number;
  deadline?: number;
  attempts?: number;
  /** Wait before the second try, doubled for each later one. */
  backoffMs?: number;
}

export const defaultLimits = { requestTimeoutMs: 30_000, attempts: 3, backoffMs: 1000 };

export async function gitHubClient(token: string, limits: GitHubLimits = {}): Promise<GitHubClient> {
  const { getOctokit } = await import('@actions/github');
  const client = getOctokit(token, { baseUrl: apiUrl() });
  client.hook.wrap('request', (request, options) =>
    bounded((o: typeof options) => Promise.resolve(request(o)), options, { ...defaultLimits, ...limits }),
  );
  return client;
}

interface RequestOptions {
  method?: string;
  url?: string;
  request?: object;
}

const idempotent = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);

async function bounded<O extends RequestOptions, T>(
  send: (options: O) => Promise<T>,
  options: O,
  limits: Required<Omit<GitHubLimits, 'deadline'>> & { deadline?: number },
): Promise<T> {
  const method = String(options.method ?? 'GET').toUpperCase();
  const what = `${method} ${redactUrl(String(options.url ?? ''))}`;
  for (let attempt = 1; ; attempt++) {
    const left = (limits.deadline ?? Number.POSITIVE_INFINITY) - Date.now();
    if (left <= 0) throw new TimeoutError(`${what} was not sent: the step's time ran out.`, deadlineHint);
    const cut = Math.min(limits.requestTimeoutMs, left);
    const byDeadline = cut < limits.requestTimeoutMs;
    try {
      // Set on the options object Octokit gave (a copy of it loses the request on its way to fetch).
      options.request = { ...options.request, signal: AbortSignal.timeout(cut) };
      return await send(options);
    } catch (error) {
      const timedOut = isTimeout(error);
      const status = (error as { status?: number }).status;
      const retry =
        attempt < limits.attempts &&
        (timedOut ? !byDeadline && idempotent.has(method) : status === undefined || status >= 500);
      if (timedOut && !retry) throw timeoutOf(what, cut, byDeadline);
      if (!retry) throw error;
      const wait = Math.min(limits.backoffMs * 2 ** (attempt - 1), Math.max(0, left - cut));
      const why = timedOut ? `no answer in ${cut} ms` : `HTTP ${status ?? 'connection error'}`;
      core.info(`GitHub ${what}: ${why}; trying again (${attempt + 1} of ${limits.attempts}).`);
      await delay(wait);
    }
  }
}

/** Octokit wraps the fetch's TimeoutError (AbortSignal.timeout) in a RequestError with status 500. */
function isTimeout(error: unknown): boolean {
  const names = [(error as Error).name, ((error as Error).cause as Error | undefined)?.name];
  return names.includes('TimeoutError') || names.includes('AbortError');
}

const deadlineHint = "Raise the step's timeout, or check that GITHUB_API_URL answers from the runner.";

function timeoutOf(what: string, ms: number, byDeadline: boolean): TimeoutError {
  return byDeadline
    ? new TimeoutError(`${what} had no answer when the step's time ran out.`, deadlineHint)
    : new TimeoutError(
        `${what} had no answer in ${ms / 1000} s (request-timeout).`,
        'GitHub did not answer: try again later, or raise request-timeout.',
      );
}

/**
 * The pull request this run is for, from the event payload: `pull_request` / `pull_request_target`
 * events, and comments on a pull request (`issue_comment`). Undefined on pushes and manual runs.
 */
export function pullRequestFromEvent(): PullRequest | undefined {
  const path = process.env.GITHUB_EVENT_PATH;
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!path || !owner || !repo) return undefined;
  let event: {
    pull_request?: { number?: number };
    issue?: { number?: number; pull_request?: unknown };
    number?: number;
  };
  try {
    event = JSON.parse(readFileSync(path, 'utf8')) as typeof event;
  } catch {
    return undefined;
  }
  const number = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
  return typeof number === 'number' ? { owner, repo, number } : undefined;
}

const hints: Record<number, string> = {
  401: "The token is not valid: pass 'github-token: ${{ github.token }}' or a current token.",
  403: 'The token may not write pull request comments: give the job `permissions: pull-requests: write`.',
  404: "The repository or pull request was not found with this token: check GITHUB_REPOSITORY and the token's access.",
};

/** Turns an Octokit error into a CloudError that names the call, the HTTP status and what to check. */
export function gitHubError(error: unknown, operation: string): CloudError | TimeoutError {
  // A timeout stays one (failure-reason timeout), now naming what was being done.
  if (error instanceof TimeoutError) return new TimeoutError(`GitHub ${operation}: ${error.message}`, error.hint);
  const err = error as { status?: number; message?: string };
  const status = typeof err.status === 'number' ? err.status : undefined;
  // GitHub's error bodies can echo what was sent (a comment, a status): scrubbed like everything that is printed.
  return new CloudError(
    scrub(`GitHub ${operation} failed${status ? ` (HTTP ${status})` : ''}: ${err.message ?? String(error)}`),
    status ? `HTTP_${status}` : 'NetworkError',
    status ? hints[status] : 'Check that GITHUB_API_URL is reachable from the runner.',
    { cause: error },
  );
}

/** The hidden line that lets a stage find its own comment again among everyone else's. */
export function markerLine(marker: string): string {
  return `<!-- ${marker.replace(/--/g, '- -')} -->`;
}

/**
 * The comment on the pull request that carries the marker, reading every page of comments. Anyone can
 * paste a marker into a comment, so callers that trust its content pass `accept` (e.g. bot authors only);
 * among those, a comment written by a bot is preferred.
 */
export async function findStickyComment(
  client: GitHubClient,
  pr: PullRequest,
  marker: string,
  accept: (comment: Comment) => boolean = () => true,
): Promise<Comment | undefined> {
  const line = markerLine(marker);
  let first: Comment | undefined;
  try {
    const pages = client.paginate.iterator(client.rest.issues.listComments, {
      owner: pr.owner,
      repo: pr.repo,
      issue_number: pr.number,
      per_page: 100,
    });
    for await (const page of pages) {
      for (const found of page.data) {
        if (!found.body?.startsWith(line)) continue;
        const comment: Comment = {
          id: found.id,
          url: found.html_url,
          body: found.body,
          author: { login: found.user?.login ?? '', type: found.user?.type ?? '' },
        };
        if (!accept(comment)) continue;
        if (comment.author.type === 'Bot') return comment;
        first ??= comment;
      }
    }
  } catch (error) {
    throw gitHubError(error, `listing the comments of ${pr.owner}/${pr.repo}#${pr.number}`);
  }
  return first;
}

/**
 * Leaves one comment per marker on the pull request: edits the comment that carries the marker, or
 * creates it the first time, so each push updates the same comment instead of adding another. `accept`
 * as for findStickyComment: a comment it refuses is left alone and a new one is made. A comment leaves the
 * runner unmasked, so every masked value is scrubbed from the body first.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  pr: PullRequest,
  marker: string,
  body: string,
  accept?: (comment: Comment) => boolean,
): Promise<Comment & { created: boolean }> {
  const text = `${markerLine(marker)}\n${scrub(body)}`;
  const existing = await findStickyComment(client, pr, marker, accept);
  try {
    if (existing) {
      const { data } = await client.rest.issues.updateComment({
        owner: pr.owner,
        repo: pr.repo,
        comment_id: existing.id,
        body: text,
      });
      return { ...existing, url: data.html_url, body: data.body ?? '', created: false };
    }
    const { data } = await client.rest.issues.createComment({
      owner: pr.owner,
      repo: pr.repo,
      issue_number: pr.number,
      body: text,
    });
    const author = { login: data.user?.login ?? '', type: data.user?.type ?? '' };
    return { id: data.id, url: data.html_url, body: data.body ?? '', author, created: true };
  } catch (error) {
    throw gitHubError(
      error,
      `${existing ? 'updating' : 'creating'} the comment on ${pr.owner}/${pr.repo}#${pr.number}`,
    );
  }
}
