import { InputError } from '../lib/errors.js';
import { checkImageReference } from '../lib/image.js';
import { bool, duration, keyValues, list, number, oneOf, optional, required } from '../lib/inputs.js';
import { isSshUrl } from '../lib/git.js';
import { mask, maskUrl } from '../lib/secrets.js';

export type GitOpsMode = 'release' | 'rollback';

export interface ArgoInputs {
  server: string;
  token: string;
  application: string;
  sync: boolean;
  timeoutMs: number;
  intervalMs: number;
}

export interface GitOpsInputs {
  mode: GitOpsMode;
  repository: string;
  branch: string;
  token?: string;
  /** A deploy key, for an SSH remote. */
  sshKey?: string;
  knownHosts?: string;
  /** Files of the config repository to edit, relative to its root. */
  files: string[];
  /** Target (container name, kustomize image name or Helm values path) → image reference. */
  images: Map<string, string>;
  /** Promotion: copy the images of these targets from this file of the config repository (another environment's path). */
  promote?: { from: string; targets: string[] };
  /** The commit to revert (rollback). */
  revert?: string;
  service: string;
  identity: { name: string; email: string };
  pushAttempts: number;
  /** push: straight to the branch; pull-request: a branch of its own and a pull request into it. */
  delivery: 'push' | 'pull-request';
  autoMerge: boolean;
  mergeMethod: 'merge' | 'squash';
  argo?: ArgoInputs;
}

/** owner/name means a repository on this GitHub (GITHUB_SERVER_URL); anything else must be an http(s) URL. */
/**
 * owner/name is a repository on this GitHub (GITHUB_SERVER_URL), over HTTPS, or over SSH (git@host:owner/name.git)
 * with a deploy key; otherwise an https:// URL, or with a deploy key an ssh:// or git@host:path one.
 */
function readRepository(ssh: boolean): string {
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

function readFiles(): string[] {
  const files = list('files', { commas: false });
  for (const file of files) {
    if (file.startsWith('/') || file.split('/').includes('..')) {
      throw new InputError(
        `Input 'files' has '${file}': give paths relative to the config repository's root, without '..'.`,
      );
    }
  }
  return files;
}

function readImages(): Map<string, string> {
  const images = keyValues('images');
  for (const [target, image] of images) {
    if (image === '')
      throw new InputError(`Input 'images' gives '${target}' no image: write ${target}=registry/repository:tag.`);
    checkImageReference('images', image);
  }
  return images;
}

function readArgo(): ArgoInputs | undefined {
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
    timeoutMs: duration('timeout', '10m', { bare: 's', minMs: 1000, maxMs: 6 * 3_600_000 }),
    intervalMs: duration('interval', '5', { bare: 's', minMs: 100, maxMs: 600_000 }),
  };
}

function readPromotion(images: Map<string, string>): GitOpsInputs['promote'] {
  const from = optional('promote-from');
  const targets = list('promote');
  if (from === undefined && targets.length === 0) return undefined;
  if (from === undefined || targets.length === 0) {
    throw new InputError(
      "Inputs 'promote-from' and 'promote' go together: the file to copy from and the targets to copy.",
    );
  }
  if (images.size > 0) throw new InputError("Give either 'images' or 'promote-from' with 'promote', not both.");
  if (from.startsWith('/') || from.split('/').includes('..')) {
    throw new InputError(`Input 'promote-from' is '${from}': give a path relative to the config repository's root.`);
  }
  return { from, targets };
}

function readDelivery(token: string | undefined): Pick<GitOpsInputs, 'delivery' | 'autoMerge' | 'mergeMethod'> {
  const delivery = oneOf('delivery', ['push', 'pull-request'] as const, 'push');
  const autoMerge = bool('auto-merge', false);
  if (delivery === 'pull-request' && token === undefined) {
    throw new InputError(
      "Input 'token' is required with 'delivery: pull-request': it opens the pull request through the GitHub API.",
    );
  }
  if (autoMerge && delivery !== 'pull-request')
    throw new InputError("Input 'auto-merge' needs 'delivery: pull-request'.");
  return { delivery, autoMerge, mergeMethod: oneOf('merge-method', ['squash', 'merge'] as const, 'squash') };
}

export function readInputs(): GitOpsInputs {
  const token = optional('token');
  mask(token);
  // A key's lines are masked as they are read: the raw input, untrimmed, is what the runner would print.
  const sshKey = optional('ssh-key');
  mask(sshKey);
  if (sshKey !== undefined && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(sshKey)) {
    throw new InputError("Input 'ssh-key' is not a private key (-----BEGIN OPENSSH PRIVATE KEY-----...).");
  }
  const mode = oneOf<GitOpsMode>('mode', ['release', 'rollback'], 'release');
  const repository = readRepository(sshKey !== undefined);
  const files = readFiles();
  const images = readImages();
  const revert = optional('revert');
  const promote = readPromotion(images);
  if (mode === 'release' && (files.length === 0 || (images.size === 0 && !promote))) {
    throw new InputError(
      "A release needs 'files' (the files to edit) and 'images' (name=image lines), or 'promote-from' with 'promote'.",
      "Or set 'mode: rollback' with 'revert'.",
    );
  }
  if (mode === 'rollback' && (revert === undefined || !/^[0-9a-f]{7,40}$/.test(revert))) {
    throw new InputError(
      `Input 'revert' must be the commit SHA of the release to revert (the 'commit' output of that release), got '${revert ?? ''}'.`,
    );
  }
  return {
    mode,
    repository,
    branch: optional('branch') ?? 'main',
    token,
    sshKey,
    knownHosts: optional('ssh-known-hosts'),
    files,
    images,
    promote,
    revert,
    service: optional('service') ?? (process.env.GITHUB_REPOSITORY ?? 'service').split('/').pop() ?? 'service',
    identity: {
      name: optional('commit-user-name') ?? 'github-actions[bot]',
      email: optional('commit-user-email') ?? '41898282+github-actions[bot]@users.noreply.github.com',
    },
    pushAttempts: number('push-attempts', 5, { min: 1, max: 20 }),
    ...readDelivery(token),
    argo: readArgo(),
  };
}
