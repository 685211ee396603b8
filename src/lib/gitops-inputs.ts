import * as core from '@actions/core';
import { InputError } from './errors.js';
import { isSshUrl, type GitRemote } from './git.js';
import { gitopsNames, hasControl } from './gitops-names.js';
import { bool, duration, optional, optionalBool, text, required } from './inputs.js';
import { checkName } from './names.js';
import { mask, maskUrl, redactUrl } from './secrets.js';

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
  /** Each Argo CD (and GitHub) request is cut after this long; none outlives the wait's timeout. */
  requestTimeoutMs: number;
}

/** The config repository's remote: its URL, branch and credentials (masked as they are read). */
export interface ConfigRemoteInputs {
  /** The URL Git is given: never with credentials in it. */
  repository: string;
  branch: string;
  token?: string;
  /** The basic-auth user of credentials that came in the repository URL. */
  username?: string;
  /** A Git transfer that sends nothing for this long is given up (request-timeout). */
  requestTimeoutMs?: number;
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
  const knownHosts = text('ssh-known-hosts');
  if (knownHosts !== undefined && sshKey === undefined)
    core.warning("Input 'ssh-known-hosts' has no effect without 'ssh-key': the repository is reached over HTTPS.");
  const branch = checkName('branch', optional('branch') ?? 'main', gitopsNames.branch);
  const { url, username, password } = withoutCredentials(readRepository(sshKey !== undefined));
  // Credentials written into the URL are the ones meant for Git: they go as the header a token goes as.
  const requestTimeoutMs = duration('request-timeout', '30', { bare: 's', minMs: 100, maxMs: 600_000 });
  return { repository: url, branch, token: password ?? token, username, sshKey, knownHosts, requestTimeoutMs };
}

/**
 * A URL's user and password taken out of it: git prints the remote URL in its errors and keeps it in .git/config,
 * so credentials go to Git only as the Authorization header (gitEnvironment in src/lib/git.ts).
 */
function withoutCredentials(raw: string): { url: string; username?: string; password?: string } {
  if (isSshUrl(raw)) return { url: raw };
  const url = new URL(raw);
  if (!url.username && !url.password) return { url: raw };
  const decode = (part: string) => (part ? decodeURIComponent(part) : undefined);
  const [username, password] = [decode(url.username), decode(url.password)];
  mask(password);
  url.username = '';
  url.password = '';
  // https://<token>@host: a token as the user name, as GitHub takes it.
  return password === undefined ? { url: url.href, password: username } : { url: url.href, username, password };
}

/** The remote Git is given: the URL, branch and credentials as read. */
export function gitRemote(inputs: ConfigRemoteInputs): GitRemote {
  const { repository: url, branch, token, username, sshKey, knownHosts, requestTimeoutMs } = inputs;
  return { url, branch, token, username, sshKey, knownHosts, requestTimeoutMs };
}

/** The bot identity commits are made as. */
export function readIdentity(): { name: string; email: string } {
  const name = optional('commit-user-name') ?? 'github-actions[bot]';
  const email = optional('commit-user-email') ?? '41898282+github-actions[bot]@users.noreply.github.com';
  // Git refuses `<` and `>` in an identity (it would end the `Name <email>` field); so does this, before cloning.
  for (const [input, value] of [
    ['commit-user-name', name],
    ['commit-user-email', email],
  ] as const) {
    if (/[<>]/.test(value) || hasControl(value))
      throw new InputError(
        `Input '${input}' must not hold '<', '>' or control characters, got ${JSON.stringify(value)}.`,
      );
  }
  if (!/^[^@\s]+@[^@\s]+$/.test(email))
    throw new InputError(`Input 'commit-user-email' must be an e-mail address, got ${JSON.stringify(email)}.`);
  return { name, email };
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
  if (url.username && !url.password) mask(url.username);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`Input 'repository' must be an https:// URL or owner/name, got a ${url.protocol} URL.`);
  }
  if (url.search || url.hash || /[\s"'`<>\\]/.test(raw)) {
    throw new InputError(
      `Input 'repository' must be a plain https:// URL of a Git repository, got ${JSON.stringify(redactUrl(raw))}.`,
      'Write https://host/owner/name.git, without a query, a fragment, spaces or quotes.',
    );
  }
  return url.href;
}

/** The Argo CD server to wait for, or undefined without `argocd-server`; `names` are the time inputs' names. */
export function readArgo(names = { timeout: 'timeout', interval: 'interval' }): ArgoInputs | undefined {
  const server = optional('argocd-server');
  if (server === undefined) return warnWithoutServer();
  const token = required('argocd-token', 'an Argo CD API token, when argocd-server is set');
  mask(token);
  return {
    server: readArgoServer(server),
    token,
    application: checkName(
      'application',
      required('application', 'the Argo CD Application to wait for, when argocd-server is set'),
      gitopsNames.application,
    ),
    sync: bool('sync', false),
    timeoutMs: duration(names.timeout, '10m', { bare: 's', minMs: 1000, maxMs: 6 * 3_600_000 }),
    intervalMs: duration(names.interval, '5', { bare: 's', minMs: 100, maxMs: 600_000 }),
    requestTimeoutMs: duration('request-timeout', '30', { bare: 's', minMs: 100, maxMs: 600_000 }),
  };
}

/** The inputs that only mean something with an Argo CD server: said so, not silently dropped. */
function warnWithoutServer(): undefined {
  const given = ['argocd-token', 'application'].filter((name) => optional(name) !== undefined);
  if (optionalBool('sync')) given.push('sync');
  if (given.length > 0) {
    const names = given.map((name) => `'${name}'`).join(', ');
    core.warning(
      `${names} ha${given.length > 1 ? 've' : 's'} no effect without 'argocd-server': Argo CD is not waited for.`,
    );
  }
  return undefined;
}

/** The API server's address: https:// is assumed without a scheme; its credentials, if any, are masked. */
function readArgoServer(server: string): string {
  const raw = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url) maskUrl(url);
  if (!url || !/^https?:$/.test(url.protocol) || /[\s"'`<>\\]/.test(server)) {
    throw new InputError(
      `Input 'argocd-server' must be the Argo CD API server's http(s) address, got ${JSON.stringify(url ? redactUrl(raw) : server)}.`,
      'Write https://argocd.example.com (the address the argocd CLI logs in to).',
    );
  }
  return raw;
}

/** The service the commit messages name: `service`, else the repository's name. */
export function readService(): string {
  const given = optional('service');
  if (given !== undefined) return checkName('service', given, gitopsNames.service);
  return (process.env.GITHUB_REPOSITORY ?? 'service').split('/').pop() ?? 'service';
}

/** The release commit to revert must be a commit SHA: the `commit` output of that release. */
export function checkRevert(revert: string | undefined): asserts revert is string {
  if (revert === undefined || !/^[0-9a-f]{7,40}$/.test(revert)) {
    throw new InputError(
      `Input 'revert' must be the commit SHA of the release to revert (the 'commit' output of that release), got '${revert ?? ''}'.`,
    );
  }
}
