import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudError } from './errors.js';
import { maskCredential, mask, maskUrl, redactUrl, scrub } from './secrets.js';

/**
 * The Git command line, for a stage that changes another repository (a GitOps config repository). Git is on
 * every GitHub-hosted runner; running it rather than a library gives the user's own Git behaviour (proxies,
 * `insteadOf`, CA bundles). The token goes to Git as an HTTP header through GIT_CONFIG_* variables, the way
 * actions/checkout hands it over, so it is never in a command line, a remote URL or `.git/config`.
 */

export interface GitIdentity {
  name: string;
  email: string;
}

export interface GitRemote {
  /** The repository's HTTPS URL, without credentials. */
  url: string;
  branch: string;
  /** A token (job token, GitHub App token, personal access token) sent as HTTP basic auth. */
  token?: string;
  /** The basic-auth user name; GitHub accepts any with a token, `x-access-token` by convention. */
  username?: string;
  /** A deploy key (an SSH private key), for an ssh:// or git@host:owner/repo URL. */
  sshKey?: string;
  /** known_hosts lines the server's host key must match; default: GitHub.com's published key. */
  knownHosts?: string;
  /** A transfer that sends nothing for this long is given up (default 30 s). */
  requestTimeoutMs?: number;
}

/** GitHub.com's ed25519 host key, as GitHub publishes it (docs: GitHub's SSH key fingerprints). */
export const githubKnownHosts =
  'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

/** Whether a remote URL is reached over SSH: ssh://... or the scp-like user@host:path. */
export function isSshUrl(url: string): boolean {
  return url.startsWith('ssh://') || /^[\w.-]+@[\w.-]+:(?!\/\/)/.test(url);
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Counts the Git commands that talked to the remote (clone, fetch, push), for the summary and the bench. */
export interface GitCounter {
  remote: number;
}

const remoteCommands = new Set(['clone', 'fetch', 'push', 'ls-remote', 'pull']);

export class GitRepo {
  constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly counter: GitCounter = { remote: 0 },
  ) {}

  /** Runs git; a non-zero exit is returned, not thrown, for the callers that expect one (a rejected push). */
  async run(args: string[], cwd: string = this.dir): Promise<GitResult> {
    if (remoteCommands.has(args.find((arg) => !arg.startsWith('-') && !arg.includes('=')) ?? '')) this.counter.remote++;
    // Loaded at the first git command, not with this module, whose isSshUrl the inputs use before anything runs.
    const { execFile } = await import('node:child_process');
    return new Promise((resolve) => {
      execFile('git', args, { cwd, env: this.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: stdout.toString(), stderr: scrub(stderr.toString()) });
      });
    });
  }

  /** Runs git and throws a CloudError naming the command and Git's own message when it fails. */
  async must(args: string[], what: string, cwd?: string): Promise<string> {
    const result = await this.run(args, cwd);
    if (result.code !== 0) throw gitError(what, result);
    return result.stdout.trim();
  }
}

export function gitError(what: string, result: GitResult): CloudError {
  // Git's closing advice over SSH ("Please make sure you have the correct access rights...") hides the cause above it.
  const advice = /^(Please make sure you have the correct access rights|and the repository exists\.)$/;
  const lines = (result.stderr || result.stdout).split('\n').filter((line) => line.trim() !== '' && !advice.test(line));
  const message = lines.slice(-4).join('\n');
  const denied =
    /401|403|Authentication failed|could not read Username|Permission denied|denied to|read only|Host key verification/i.test(
      message,
    );
  return new CloudError(
    `git ${what} failed (exit ${result.code}): ${scrub(message)}`,
    denied ? 'AccessDenied' : 'GitError',
    denied
      ? 'Check the credential: it must be able to read and push the config repository (a deploy key with write access, or a GitHub App token with contents: write; the job token only reaches the workflow’s own repository). Over SSH the host key must match ssh-known-hosts.'
      : undefined,
  );
}

/**
 * The environment every git command of a stage runs with: the token as an `Authorization` header scoped to the
 * remote's origin, no prompts, no system or global config that could add a credential helper of its own.
 */
export function gitEnvironment(remote: GitRemote, keyDir?: string): NodeJS.ProcessEnv {
  if (!isSshUrl(remote.url)) maskUrl(remote.url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'echo',
    GIT_CONFIG_NOSYSTEM: '1',
    LC_ALL: 'C',
    // A server that stops sending is given up on (libcurl's low-speed limit: under 1 byte/s for request-timeout,
    // git-config(1) http.lowSpeedLimit/Time), not waited on.
    GIT_HTTP_LOW_SPEED_LIMIT: '1',
    GIT_HTTP_LOW_SPEED_TIME: String(Math.max(1, Math.ceil((remote.requestTimeoutMs ?? 30_000) / 1000))),
  };
  if (remote.sshKey && keyDir) Object.assign(env, sshEnvironment(remote, keyDir));
  if (remote.token && !isSshUrl(remote.url)) {
    mask(remote.token);
    const basic = Buffer.from(`${remote.username ?? 'x-access-token'}:${remote.token}`).toString('base64');
    const header = `Authorization: Basic ${basic}`;
    maskCredential(`Basic ${basic}`);
    const origin = new URL(remote.url).origin;
    env.GIT_CONFIG_COUNT = '2';
    env.GIT_CONFIG_KEY_0 = `http.${origin}/.extraheader`;
    env.GIT_CONFIG_VALUE_0 = header;
    // No credential helper may answer instead (or store the token): the header is the only credential.
    env.GIT_CONFIG_KEY_1 = 'credential.helper';
    env.GIT_CONFIG_VALUE_1 = '';
  }
  return env;
}

/**
 * The deploy key and the known hosts as files only the runner's user reads (ssh refuses a key others can read),
 * in `keyDir`, which the caller removes; host keys are checked strictly, no agent or user config takes part.
 */
function sshEnvironment(remote: GitRemote, keyDir: string): NodeJS.ProcessEnv {
  const key = (remote.sshKey ?? '').replace(/\r\n/g, '\n').trim();
  mask(key);
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  const keyFile = join(keyDir, 'deploy_key');
  const hostsFile = join(keyDir, 'known_hosts');
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  writeFileSync(hostsFile, `${(remote.knownHosts ?? githubKnownHosts).trim()}\n`, { mode: 0o600 });
  const quote = (path: string) => `'${path.replace(/'/g, `'\\''`)}'`;
  // A server that does not answer is given up on after request-timeout (ssh_config(5): ConnectTimeout, and
  // ServerAliveInterval x ServerAliveCountMax once connected), as an HTTPS transfer is by its low-speed limit.
  const seconds = Math.max(1, Math.ceil((remote.requestTimeoutMs ?? 30_000) / 1000));
  return {
    GIT_SSH_COMMAND: [
      'ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes',
      `-o ConnectTimeout=${seconds} -o ServerAliveInterval=${seconds} -o ServerAliveCountMax=1`,
      `-o UserKnownHostsFile=${quote(hostsFile)} -i ${quote(keyFile)}`,
    ].join(' '),
    SSH_AUTH_SOCK: '',
  };
}

/** A fresh single-branch clone of the remote into `dir`; a deploy key's files go to `keyDir`. */
export async function clone(
  remote: GitRemote,
  dir: string,
  options: { counter?: GitCounter; keyDir?: string } = {},
): Promise<GitRepo> {
  const repo = new GitRepo(dir, gitEnvironment(remote, options.keyDir), options.counter);
  await repo.must(
    ['clone', '--quiet', '--single-branch', '--no-tags', '--branch', remote.branch, '--', remote.url, dir],
    `clone of ${redactUrl(remote.url)} (branch ${remote.branch})`,
    process.cwd(),
  );
  return repo;
}

/** Commits every change of the work tree as `identity`; undefined when there was nothing to commit. */
export async function commitAll(repo: GitRepo, message: string, identity: GitIdentity): Promise<string | undefined> {
  await repo.must(['add', '--all'], 'add');
  const staged = await repo.run(['diff', '--cached', '--quiet']);
  if (staged.code === 0) return undefined;
  const who = ['-c', `user.name=${identity.name}`, '-c', `user.email=${identity.email}`];
  // A commit message is published (the config repository, a pull request): no masked value goes into it.
  await repo.must([...who, 'commit', '--quiet', '--no-verify', '--message', scrub(message)], 'commit');
  return repo.must(['rev-parse', 'HEAD'], 'rev-parse');
}

export type PushOutcome = { outcome: 'pushed' } | { outcome: 'rejected'; reason: string };

/**
 * Pushes HEAD to the branch, never forced: a rejection because the branch moved on (someone else pushed)
 * comes back as `rejected`; any other refusal (permissions, a protected branch, a hook) is thrown.
 */
export async function push(repo: GitRepo, branch: string): Promise<PushOutcome> {
  const result = await repo.run(['push', '--porcelain', 'origin', `HEAD:refs/heads/${branch}`]);
  if (result.code === 0) return { outcome: 'pushed' };
  const text = `${result.stdout}\n${result.stderr}`;
  if (/\[rejected\].*\((fetch first|non-fast-forward)\)|failed to update ref|cannot lock ref/.test(text)) {
    return { outcome: 'rejected', reason: /\(([^)]+)\)/.exec(text)?.[1] ?? 'the branch moved' };
  }
  throw gitError(`push to ${branch}`, result);
}

/** Fetches the branch and puts the work tree on its tip, dropping local commits (to make them again on top). */
export async function resetToRemote(repo: GitRepo, branch: string): Promise<string> {
  await repo.must(
    ['fetch', '--quiet', '--no-tags', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`],
    `fetch of ${branch}`,
  );
  await repo.must(['reset', '--quiet', '--hard', `origin/${branch}`], 'reset');
  return repo.must(['rev-parse', 'HEAD'], 'rev-parse');
}
