import * as core from '@actions/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudError, InputError } from './errors.js';
import {
  clone,
  commitAll,
  push,
  resetToRemote,
  type PushOutcome,
  type GitCounter,
  type GitIdentity,
  type GitRemote,
  type GitRepo,
} from './git.js';

/**
 * Delivering one change to a GitOps config repository, shared by the gitops action and a rollback: a fresh
 * clone, the change made and committed, a push never forced. When someone else pushed first the branch is
 * fetched, the change is made again on its new tip (a rebase of the one commit) and pushed again.
 */

export interface Delivered {
  /** The commit that carries the change: the pushed one, or the branch tip when there was nothing to commit. */
  commit: string;
  pushed: boolean;
  attempts: number;
  /** The branch pushed to. */
  pushedTo?: string;
  /** The commit's full message. */
  message?: string;
}

export interface DeliverOptions {
  remote: GitRemote;
  /** How many pushes to try before giving up. */
  attempts: number;
  counter?: GitCounter;
  /** The branch a commit is pushed to (default: the remote's branch; a pull request's own branch otherwise). */
  pushTo?: (commit: string) => string;
}

export async function deliverChange<T extends object>(
  options: DeliverOptions,
  make: (repo: GitRepo) => Promise<T & { commit?: string }>,
): Promise<Delivered & Omit<T, 'commit'>> {
  const dir = mkdtempSync(join(process.env.RUNNER_TEMP ?? tmpdir(), 'gitops-'));
  const { branch } = options.remote;
  try {
    const repo = await clone(options.remote, join(dir, 'config'), {
      counter: options.counter,
      keyDir: join(dir, 'ssh'),
    });
    for (let attempt = 1; ; attempt++) {
      const { commit, ...made } = await make(repo);
      if (commit === undefined) {
        return {
          ...made,
          commit: await repo.must(['rev-parse', 'HEAD'], 'rev-parse'),
          pushed: false,
          attempts: attempt,
        };
      }
      const target = options.pushTo?.(commit) ?? branch;
      const outcome = await pushOrReadBack(repo, target, commit);
      if (outcome.outcome === 'pushed') {
        const message = await repo.must(['log', '-1', '--format=%B', commit], 'log');
        return { ...made, commit, pushed: true, attempts: attempt, pushedTo: target, message };
      }
      if (attempt >= options.attempts) {
        throw new CloudError(
          `The push to ${branch} was rejected ${attempt} times (${outcome.reason}): others keep pushing to it.`,
          'PushRejected',
          "Raise 'push-attempts', or serialise the releases with a concurrency group.",
        );
      }
      core.info(
        `The push was rejected (${outcome.reason}): someone pushed first. Making the change again on the new tip.`,
      );
      await resetToRemote(repo, branch);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Pushes; when the push fails without a rejection (a dropped connection, a transfer cut by request-timeout) its
 * answer may be what was lost, not the push: the branch is read back, and a branch at our commit is a push that
 * landed. Otherwise the failure is thrown, saying where the branch is, so the state left is known.
 */
async function pushOrReadBack(repo: GitRepo, branch: string, commit: string): Promise<PushOutcome> {
  try {
    return await push(repo, branch);
  } catch (error) {
    if (!(error instanceof CloudError) || error.code === 'AccessDenied') throw error;
    const remote = await repo.run(['ls-remote', 'origin', `refs/heads/${branch}`]);
    const tip = remote.code === 0 ? remote.stdout.split(/\s/)[0] : undefined;
    if (tip === commit) {
      core.info(`The push's answer was lost, but ${branch} is at ${commit.slice(0, 7)}: the push landed.`);
      return { outcome: 'pushed' };
    }
    const where = tip ? `${branch} is at ${tip.slice(0, 7)}, without this change` : `${branch} could not be read back`;
    throw new CloudError(`${error.message} (${where}.)`, error.code, error.hint, { cause: error });
  }
}

/** Where the change comes from, for commit messages: the source commit and the run, as links. */
export function provenance(): string[] {
  const repository = process.env.GITHUB_REPOSITORY;
  const sha = process.env.GITHUB_SHA;
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runId = process.env.GITHUB_RUN_ID;
  return [
    repository && sha ? `Source-Commit: ${server}/${repository}/commit/${sha}` : '',
    repository && runId ? `Run: ${server}/${repository}/actions/runs/${runId}` : '',
  ].filter(Boolean);
}

/**
 * Reverts a release commit on the branch tip and commits the revert as `identity`; no commit when it is already
 * undone. A commit that is not on the branch is refused; a conflict (a later change to the same lines) fails
 * with Git's words.
 */
export async function revertCommit(
  repo: GitRepo,
  sha: string,
  context: { branch: string; service: string; identity: GitIdentity },
): Promise<{ commit?: string; reverted: string }> {
  const full = await repo.run(['rev-parse', '--verify', '--quiet', `${sha}^{commit}`]);
  const onBranch = full.code === 0 ? await repo.run(['merge-base', '--is-ancestor', full.stdout.trim(), 'HEAD']) : full;
  if (onBranch.code !== 0) {
    throw new InputError(
      `Commit ${sha} is not on ${context.branch} of the config repository: there is nothing to revert.`,
      "Pass the 'commit' output of the release to roll back.",
    );
  }
  const reverted = full.stdout.trim();
  const subject = await repo.must(['log', '-1', '--format=%s', reverted], 'log');
  const result = await repo.run(['revert', '--no-edit', '--no-commit', reverted]);
  if (result.code !== 0) {
    await repo.run(['revert', '--abort']);
    throw new CloudError(
      `git revert of ${reverted.slice(0, 7)} failed: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`,
      'RevertConflict',
      'A later commit changed the same lines: set the previous image with a release instead (its previous-image output).',
    );
  }
  const message = [
    `Roll back ${context.service}: revert "${subject}"`,
    '',
    `This reverts commit ${reverted}.`,
    '',
    ...provenance(),
  ];
  const commit = await commitAll(repo, message.join('\n'), context.identity);
  return { commit, reverted };
}
