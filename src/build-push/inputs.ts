import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../lib/errors.js';
import { parseImageReference } from '../lib/image.js';
import { bool, duration, keyValues, list, optional, workspacePath } from '../lib/inputs.js';
import { confineLocalPaths } from './local-paths.js';
import { maskUrl } from '../lib/secrets.js';
import { readBuildxOptions, type BuildxOptions } from './buildx-options.js';
import { awsRegion, network, platforms, registryId, stageName, warnNoEffect } from './checks.js';
import { maskCredentials, maskSecretFiles } from './secrets.js';
import type { Credentials } from './registry.js';
import type { Flavor, TagRule } from './tags.js';
import { readTargets, type ImageTarget } from './targets.js';

export interface BuildPushInputs extends ImageTarget {
  context: string;
  file: string;
  target?: string;
  buildArgs: Map<string, string>;
  labels: Map<string, string>;
  platforms: string[];
  push: boolean;
  cacheFrom: string[];
  cacheTo: string[];
  /** Build secrets, id -> value; passed to the build through the environment, never on a command line. */
  secrets: Map<string, string>;
  network?: string;
  noCache: boolean;
  version?: string;
  /** Bare tags for `image`, from `tags`. */
  tags: string[];
  tagRules: TagRule[];
  /** docker/metadata-action's flavor (latest, prefix, suffix). */
  flavor?: Flavor;
  /** Full references to other repositories (`tags`), pushed as they are, and where they are. */
  extraReferences?: string[];
  extraTargets?: ImageTarget[];
  defaultBranch?: string;
  skipBuild: boolean;
  sourceImage?: string;
  builder: 'auto' | 'buildx' | 'docker';
  /** build-push-action's buildx-only inputs (attests, ssh, build-contexts, ...); none when absent. */
  buildx?: BuildxOptions;
  credentials: Credentials;
  awsRegion?: string;
  registryId?: string;
  createRepository: boolean;
  logout: boolean;
  /** The most one request to a registry's own API (ACR's token exchange) may take. */
  requestTimeoutMs: number;
}

export function readInputs(): BuildPushInputs {
  maskCredentials();
  const targets = readTargets();
  const skipBuild = bool('skip-build', false);
  const inputs: BuildPushInputs = {
    ...targets,
    ...buildContext(skipBuild),
    target: stageName(),
    buildArgs: keyValues('build-args'),
    labels: keyValues('labels'),
    platforms: platforms(),
    // build-push-action's form (no image, tags as references) keeps its default: build only, push when asked.
    push: bool('push', optional('image') !== undefined),
    cacheFrom: confined('cache-from'),
    cacheTo: confined('cache-to'),
    secrets: buildSecrets(),
    network: network(),
    noCache: bool('no-cache', false),
    defaultBranch: optional('default-branch'),
    skipBuild,
    sourceImage: sourceImage(skipBuild),
    ...builderInputs(),
    credentials: credentials(),
    awsRegion: awsRegion(),
    registryId: registryId(),
    createRepository: bool('create-repository', false),
    logout: bool('logout', true),
    requestTimeoutMs: duration('request-timeout', '30s', { bare: 's', minMs: 1000, maxMs: 600_000 }),
  };
  maskSecretFiles(inputs.buildx?.secretFiles.values() ?? []);
  warnNoEffect(inputs);
  return inputs;
}

/**
 * `context` and `file`, inside the workspace (or RUNNER_TEMP) and checked to exist unless nothing is built.
 * A Git or HTTP context (build-push-action's default when no context is given) is not built from here.
 */
function buildContext(skipBuild: boolean): Pick<BuildPushInputs, 'context' | 'file'> {
  const given = optional('context') ?? '.';
  if (/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(given)) {
    maskUrl(given);
    throw new InputError(
      "Input 'context' is a URL: this action builds a folder of the checkout, not a Git or HTTP context.",
      'Check the repository out (actions/checkout) and give the folder, e.g. context: . (the default).',
    );
  }
  const context = workspacePath('context', given);
  const fileInput = optional('file');
  const file = fileInput ? workspacePath('file', fileInput) : join(context, 'Dockerfile');
  if (skipBuild) return { context, file };
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new InputError(
      `The build context '${given}' is not a directory.`,
      "Check 'context' (relative to the workspace).",
    );
  }
  if (!existsSync(file)) {
    throw new InputError(
      `No Dockerfile at '${fileInput ?? join(given, 'Dockerfile')}' (input 'file').`,
      "Give the Dockerfile's path in 'file', or check out the repository (actions/checkout) before this step.",
    );
  }
  return { context, file };
}

function buildSecrets(): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const [id, value] of keyValues('secrets')) {
    if (!/^[\w.-]+$/.test(id))
      throw new InputError(`Input 'secrets' has an invalid id '${id}'.`, 'Ids are letters, digits, _, . and -.');
    secrets.set(id, value);
  }
  return secrets;
}

/**
 * `builder`: auto, buildx or docker, or, as in build-push-action, the name of a buildx builder instance
 * (docker/setup-buildx-action's `name` output), which means buildx with that builder.
 */
function builderInputs(): Pick<BuildPushInputs, 'builder' | 'buildx'> {
  const raw = optional('builder');
  const buildx = readBuildxOptions(raw);
  const builder = raw === 'docker' || raw === 'buildx' ? raw : buildx.instance ? 'buildx' : 'auto';
  if (builder === 'docker' && buildx.given.length > 0) {
    throw new InputError(
      `'builder: docker' cannot honour ${buildx.given.map((name) => `'${name}'`).join(', ')}: they are buildx flags.`,
      'Leave builder empty (buildx when installed) or drop these inputs.',
    );
  }
  return { builder, buildx };
}

function credentials(): Credentials {
  return {
    username: optional('username'),
    password: optional('password'),
    githubToken: optional('github-token'),
    githubActor: process.env.GITHUB_ACTOR,
    azureAccessToken: optional('azure-access-token'),
    requestTimeoutMs: duration('request-timeout', '30s', { bare: 's', minMs: 1000, maxMs: 600_000 }),
  };
}

function sourceImage(skipBuild: boolean): string | undefined {
  const source = optional('source-image');
  if (!skipBuild) return undefined;
  if (!source || !parseImageReference(source)) {
    throw new InputError(
      `'skip-build: true' needs 'source-image', the existing image to tag, got '${source ?? ''}'.`,
      'Give a reference such as ghcr.io/octo-org/web:sha-0123abc or ghcr.io/octo-org/web@sha256:...',
    );
  }
  return source;
}

/** A list input whose local paths (type=local src/dest) must be inside the workspace or RUNNER_TEMP. */
function confined(input: string): string[] {
  const items = list(input, { commas: false });
  confineLocalPaths(input, items);
  return items;
}
