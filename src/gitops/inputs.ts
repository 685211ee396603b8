import * as core from '@actions/core';
import { InputError } from '../lib/errors.js';
import { checkImageReference } from '../lib/image.js';
import { checkRepoPath, gitopsNames } from '../lib/gitops-names.js';
import {
  checkRevert,
  readArgo,
  readConfigRemote,
  readIdentity,
  readService,
  type ArgoInputs,
} from '../lib/gitops-inputs.js';
import { bool, keyValues, list, number, oneOf, optional } from '../lib/inputs.js';
import { checkName } from '../lib/names.js';

export type { ArgoInputs } from '../lib/gitops-inputs.js';

export type GitOpsMode = 'release' | 'rollback';

export interface GitOpsInputs {
  mode: GitOpsMode;
  repository: string;
  branch: string;
  token?: string;
  /** A deploy key, for an SSH remote. */
  sshKey?: string;
  knownHosts?: string;
  /** Each Git transfer, GitHub and Argo CD request is cut after this long (request-timeout). */
  requestTimeoutMs?: number;
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

function readFiles(): string[] {
  const files = list('files', { commas: false });
  for (const file of files) checkRepoPath('files', file);
  return files;
}

function readImages(): Map<string, string> {
  const images = keyValues('images');
  for (const [target, image] of images) {
    checkName('images', target, gitopsNames.target);
    if (image === '')
      throw new InputError(`Input 'images' gives '${target}' no image: write ${target}=registry/repository:tag.`);
    checkImageReference('images', image);
  }
  return images;
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
  checkRepoPath('promote-from', from);
  for (const target of targets) checkName('promote', target, gitopsNames.target);
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
  const mergeMethod = oneOf('merge-method', ['squash', 'merge'] as const, 'squash');
  if (mergeMethod !== 'squash' && !autoMerge)
    core.warning("Input 'merge-method' has no effect without 'auto-merge: true': nothing is merged by this step.");
  return { delivery, autoMerge, mergeMethod };
}

/** What a mode does not use is refused: a rollback given images, or a release given a commit to revert. */
function checkMode(mode: GitOpsMode, given: { files: string[]; images: Map<string, string>; revert?: string }) {
  const promote = optional('promote-from') !== undefined || list('promote').length > 0;
  if (mode === 'release' && given.revert !== undefined)
    throw new InputError("Input 'revert' is for 'mode: rollback'; a release sets 'images'.", "Set 'mode: rollback'.");
  if (mode === 'rollback' && (given.files.length > 0 || given.images.size > 0 || promote))
    throw new InputError(
      "Inputs 'files', 'images', 'promote-from' and 'promote' have no effect with 'mode: rollback': it reverts the commit in 'revert'.",
      'Remove them from the rollback step.',
    );
}

export function readInputs(): GitOpsInputs {
  const mode = oneOf<GitOpsMode>('mode', ['release', 'rollback'], 'release');
  const remote = readConfigRemote();
  const files = readFiles();
  const images = readImages();
  const revert = optional('revert');
  checkMode(mode, { files, images, revert });
  const promote = readPromotion(images);
  if (mode === 'release' && (files.length === 0 || (images.size === 0 && !promote))) {
    throw new InputError(
      "A release needs 'files' (the files to edit) and 'images' (name=image lines), or 'promote-from' with 'promote'.",
      "Or set 'mode: rollback' with 'revert'.",
    );
  }
  if (mode === 'rollback') checkRevert(revert);
  return {
    mode,
    ...remote,
    files,
    images,
    promote,
    revert,
    service: readService(),
    identity: readIdentity(),
    pushAttempts: number('push-attempts', 5, { min: 1, max: 20 }),
    ...readDelivery(remote.token),
    argo: readArgo(),
  };
}
