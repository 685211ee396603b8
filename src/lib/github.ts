import type { getOctokit } from '@actions/github';
import { readFileSync } from 'node:fs';
import { CloudError } from './errors.js';
import { scrub } from './secrets.js';

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

export async function gitHubClient(token: string): Promise<GitHubClient> {
  const { getOctokit } = await import('@actions/github');
  return getOctokit(token, { baseUrl: apiUrl() });
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
export function gitHubError(error: unknown, operation: string): CloudError {
  const err = error as { status?: number; message?: string };
  const status = typeof err.status === 'number' ? err.status : undefined;
  return new CloudError(
    `GitHub ${operation} failed${status ? ` (HTTP ${status})` : ''}: ${err.message ?? String(error)}`,
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
