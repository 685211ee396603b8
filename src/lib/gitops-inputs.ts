import { InputError } from './errors.js';
import { isSshUrl, type GitRemote } from './git.js';
import { bool, duration, optional, text, required } from './inputs.js';
import { mask, maskUrl } from './secrets.js';

/**
 * The inputs a config repository and an Argo CD server are given by, read the same way by the gitops action
 * (release and rollback) and by the rollback action's `target: gitops`.
 */

export interface ArgoInputs {
  server: string;
  token: string;
  application: string;
  sync: boolean;
  timeoutMs: number;
  intervalMs: number;
}

/** The config repository's remote: its URL, branch and credentials (masked as they are read). */
export interface ConfigRemoteInputs {
  repository: string;
  branch: string;
  token?: string;
  /** A deploy key, for an SSH remote. */
  sshKey?: string;
  knownHosts?: string;
}

export function readConfigRemote(): ConfigRemoteInputs {
  const token = optional('token');
  mask(token);
  // A key's lines are masked as they are read: the raw input, untrimmed, is what the runner would print.
  const sshKey = text('ssh-key');
  mask(sshKey);
  if (sshKey !== undefined && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(sshKey)) {
    throw new InputError("Input 'ssh-key' is not a private key (-----BEGIN OPENSSH PRIVATE KEY-----...).");
  }
  return {
    repository: readRepository(sshKey !== undefined),
    branch: optional('branch') ?? 'main',
    token,
    sshKey,
    knownHosts: text('ssh-known-hosts'),
  };
}

/** The remote Git is given: the URL, branch and credentials as read. */
export function gitRemote(inputs: ConfigRemoteInputs): GitRemote {
  const { repository: url, branch, token, sshKey, knownHosts } = inputs;
  return { url, branch, token, sshKey, knownHosts };
}

/** The bot identity commits are made as. */
export function readIdentity(): { name: string; email: string } {
  return {
    name: optional('commit-user-name') ?? 'github-actions[bot]',
    email: optional('commit-user-email') ?? '41898282+github-actions[bot]@users.noreply.github.com',
  };
}

/**
 * owner/name is a repository on this GitHub (GITHUB_SERVER_URL), over HTTPS, or over SSH (git@host:owner/name.git)
 * with a deploy key; otherwise an https:// URL, or with a deploy key an ssh:// or git@host:path one.
 */
export function readRepository(ssh: boolean): string {
  const raw = required('repository', 'the config repository, owner/name or its HTTPS URL');
  if (/^[\w.-]+\/[\w.-]+$/.test(raw)) {
    const server = (process.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
    const name = `${raw.replace(/\.git$/, '')}.git`;
    return ssh ? `git@${new URL(server).hostname}:${name}` : `${server}/${name}`;
  }
  if (isSshUrl(raw)) {
    if (!ssh)
      throw new InputError(
        `Input 'repository' is an SSH URL ('${raw}'), but no 'ssh-key' is given.`,
        "Give the deploy key in 'ssh-key', or an https:// URL with 'token'.",
      );
    return raw;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(
      `Input 'repository' is '${raw}', neither owner/name nor a URL.`,
      'Write owner/name (on this GitHub) or https://host/owner/name.git.',
    );
  }
  maskUrl(url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`Input 'repository' must be an https:// URL or owner/name, got a ${url.protocol} URL.`);
  }
  return url.href;
}

/** The Argo CD server to wait for, or undefined without `argocd-server`; `names` are the time inputs' names. */
export function readArgo(names = { timeout: 'timeout', interval: 'interval' }): ArgoInputs | undefined {
  const server = optional('argocd-server');
  if (server === undefined) return undefined;
  const token = required('argocd-token', 'an Argo CD API token, when argocd-server is set');
  mask(token);
  const url = /^https?:\/\//.test(server) ? server : `https://${server}`;
  return {
    server: url,
    token,
    application: required('application', 'the Argo CD Application to wait for, when argocd-server is set'),
    sync: bool('sync', false),
    timeoutMs: duration(names.timeout, '10m', { bare: 's', minMs: 1000, maxMs: 6 * 3_600_000 }),
    intervalMs: duration(names.interval, '5', { bare: 's', minMs: 100, maxMs: 600_000 }),
  };
}

/** The service the commit messages name: `service`, else the repository's name. */
export function readService(): string {
  return optional('service') ?? (process.env.GITHUB_REPOSITORY ?? 'service').split('/').pop() ?? 'service';
}

/** The release commit to revert must be a commit SHA: the `commit` output of that release. */
export function checkRevert(revert: string | undefined): asserts revert is string {
  if (revert === undefined || !/^[0-9a-f]{7,40}$/.test(revert)) {
    throw new InputError(
      `Input 'revert' must be the commit SHA of the release to revert (the 'commit' output of that release), got '${revert ?? ''}'.`,
    );
  }
}
