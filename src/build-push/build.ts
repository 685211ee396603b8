import * as core from '@actions/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildxVersion, dockerOrThrow, inspectImage, push as pushImage } from '../lib/docker.js';
import { CloudError, InputError } from '../lib/errors.js';
import { buildxOptionArgs } from './buildx-options.js';
import type { BuildPushInputs } from './inputs.js';

/**
 * The build: `docker buildx build` when buildx is present, else the classic `docker build` and a `docker push`
 * per tag. The argument lists are pure functions, so both paths are tested without a Docker engine.
 */

export interface Builder {
  kind: 'buildx' | 'docker';
  /** Why this path: shown in the log and the summary. */
  reason: string;
}

export async function chooseBuilder(inputs: BuildPushInputs): Promise<Builder> {
  if (inputs.builder === 'docker') return { kind: 'docker', reason: 'builder: docker was asked for' };
  const buildx = await buildxVersion();
  if (buildx.available) return { kind: 'buildx', reason: `buildx is installed (${buildx.detail})` };
  const reason = `buildx is not installed (docker buildx version: ${buildx.detail || 'no answer'})`;
  if (inputs.builder === 'buildx') {
    throw new InputError(
      `'builder: buildx' was asked for but ${reason}.`,
      'Run docker/setup-buildx-action before this step.',
    );
  }
  const needs = [
    inputs.platforms.length > 0 ? "'platforms'" : undefined,
    inputs.secrets.size > 0 ? "'secrets' (the classic builder would have to bake them into the image)" : undefined,
    ...(inputs.buildx?.given ?? []).map((name) => `'${name}'`),
  ].filter(Boolean);
  if (needs.length > 0) {
    throw new InputError(
      `${needs.join(' and ')} need buildx, and ${reason}.`,
      'Run docker/setup-buildx-action before this step, or drop these inputs to build with the classic docker build.',
    );
  }
  return { kind: 'docker', reason };
}

export interface BuildRequest {
  inputs: BuildPushInputs;
  /** Full references: image:tag. */
  references: string[];
  labels: Record<string, string>;
  metadataFile: string;
  iidFile: string;
}

/** Build secrets reach buildx through variables of the child's environment, never as argument values. */
export function secretEnvironment(secrets: Map<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [id, value] of secrets) env[secretVariable(id)] = value;
  return env;
}

function secretVariable(id: string): string {
  return `BUILD_SECRET_${id.replace(/[^\w]/g, '_').toUpperCase()}`;
}

function commonArgs(request: BuildRequest): string[] {
  const { inputs } = request;
  const args = ['--file', inputs.file, '--iidfile', request.iidFile];
  if (inputs.target) args.push('--target', inputs.target);
  if (inputs.network) args.push('--network', inputs.network);
  if (inputs.noCache) args.push('--no-cache');
  for (const reference of request.references) args.push('--tag', reference);
  for (const [key, value] of Object.entries(request.labels)) args.push('--label', `${key}=${value}`);
  for (const [key, value] of inputs.buildArgs) args.push('--build-arg', `${key}=${value}`);
  return args;
}

export function buildxArgs(request: BuildRequest): string[] {
  const { inputs } = request;
  const args = ['buildx', 'build', ...commonArgs(request), '--metadata-file', request.metadataFile];
  if (inputs.platforms.length > 0) args.push('--platform', inputs.platforms.join(','));
  for (const cache of inputs.cacheFrom) args.push('--cache-from', cache);
  for (const cache of inputs.cacheTo) args.push('--cache-to', cache);
  for (const id of inputs.secrets.keys()) args.push('--secret', `id=${id},env=${secretVariable(id)}`);
  if (inputs.buildx) args.push(...buildxOptionArgs(inputs.buildx));
  const ownOutput = inputs.buildx?.load || inputs.buildx?.flags.some(([flag]) => flag === '--output');
  // A multi-platform image cannot be loaded into the local engine; without push it stays in the build cache.
  if (inputs.push) args.push('--push');
  else if (inputs.platforms.length <= 1 && !ownOutput) args.push('--load');
  args.push(inputs.context);
  return args;
}

/** The image references a classic build can reuse layers from: `type=registry,ref=X` or a bare reference. */
export function classicCacheRefs(cacheFrom: string[]): { refs: string[]; ignored: string[] } {
  const refs: string[] = [];
  const ignored: string[] = [];
  for (const entry of cacheFrom) {
    if (!entry.includes('=')) refs.push(entry);
    else if (/(^|,)type=registry(,|$)/.test(entry) && /(^|,)ref=([^,]+)/.test(entry)) {
      refs.push(/(?:^|,)ref=([^,]+)/.exec(entry)?.[1] ?? '');
    } else ignored.push(entry);
  }
  return { refs, ignored };
}

export function classicArgs(request: BuildRequest, cacheRefs: string[]): string[] {
  const args = ['build', ...commonArgs(request)];
  for (const ref of cacheRefs) args.push('--cache-from', ref);
  args.push(request.inputs.context);
  return args;
}

export interface BuildResult {
  imageId: string;
  digest?: string;
  size?: number;
  /** Which cache the build used, in words. */
  cache: string;
  buildMs: number;
  pushMs: number;
}

export async function build(
  builder: Builder,
  request: Omit<BuildRequest, 'metadataFile' | 'iidFile'>,
): Promise<BuildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'build-push-'));
  const full: BuildRequest = { ...request, metadataFile: join(dir, 'metadata.json'), iidFile: join(dir, 'iid') };
  try {
    return builder.kind === 'buildx' ? await buildWithBuildx(full) : await buildClassic(full);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function buildWithBuildx(request: BuildRequest): Promise<BuildResult> {
  const { inputs } = request;
  const result = await dockerOrThrow('docker buildx build', buildxArgs(request), {
    env: secretEnvironment(inputs.secrets),
    hint: 'The build failed: the lines above show the failing Dockerfile step.',
  });
  const metadata = JSON.parse(readFileSync(request.metadataFile, 'utf8')) as Record<string, unknown>;
  const digest = typeof metadata['containerimage.digest'] === 'string' ? metadata['containerimage.digest'] : undefined;
  const imageId = readIid(request.iidFile) ?? digest ?? '';
  const cached = (result.stderr.match(/\bCACHED\b/g) ?? []).length;
  const cache =
    inputs.cacheFrom.length > 0
      ? `${inputs.cacheFrom.join(', ')} (${cached} steps cached)`
      : `buildx local cache (${cached} steps cached)`;
  if (inputs.push && !digest)
    throw new CloudError('docker buildx build --push did not report a digest.', 'DockerError');
  const size = inputs.push ? undefined : (await inspectImage(request.references[0] ?? ''))?.size;
  return { imageId, digest, size, cache, buildMs: result.ms, pushMs: 0 };
}

async function buildClassic(request: BuildRequest): Promise<BuildResult> {
  const { inputs } = request;
  const { refs, ignored } = classicCacheRefs(inputs.cacheFrom);
  if (ignored.length > 0)
    core.warning(`The classic docker build cannot use these caches, ignored: ${ignored.join('; ')}.`);
  if (inputs.cacheTo.length > 0) core.warning("The classic docker build cannot export a cache: 'cache-to' is ignored.");
  for (const ref of refs) {
    // A cache image that is not there yet (the first build) is not an error.
    await dockerOrThrow(`docker pull ${ref}`, ['pull', ref]).catch(() => core.info(`Cache image ${ref} not found.`));
  }
  const result = await dockerOrThrow('docker build', classicArgs(request, refs), {
    env: { DOCKER_BUILDKIT: '0' },
    hint: 'The build failed: the lines above show the failing Dockerfile step.',
  });
  const imageId = readIid(request.iidFile) ?? '';
  const steps = (result.stdout.match(/^Step \d+\/\d+/gm) ?? []).length;
  const cached = (result.stdout.match(/Using cache/g) ?? []).length;
  const cache = `${refs.length > 0 ? `${refs.join(', ')} and the ` : ''}local layer cache (${cached} of ${steps} steps cached)`;
  const size = (await inspectImage(imageId))?.size;
  let digest: string | undefined;
  let pushMs = 0;
  if (inputs.push) {
    for (const reference of request.references) {
      const pushed = await pushImage(reference);
      digest ??= pushed.digest;
      pushMs += pushed.ms;
    }
  }
  return { imageId, digest, size, cache, buildMs: result.ms, pushMs };
}

function readIid(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** skip-build: the image exists; give it the new tags (buildx keeps every platform of a manifest list). */
export async function retag(
  builder: Builder,
  source: string,
  references: string[],
  push: boolean,
): Promise<BuildResult> {
  const started = performance.now();
  // imagetools copies the manifest list in the registry, every platform included, without pulling it.
  if (builder.kind === 'buildx' && push) {
    const args = ['buildx', 'imagetools', 'create', ...references.flatMap((r) => ['--tag', r]), source];
    await dockerOrThrow('docker buildx imagetools create', args);
    const inspect = await dockerOrThrow(
      'docker buildx imagetools inspect',
      ['buildx', 'imagetools', 'inspect', references[0] ?? ''],
      {
        silent: true,
      },
    );
    const digest = /Digest:\s+(sha256:[a-f0-9]{64})/.exec(inspect.stdout)?.[1];
    return {
      imageId: digest ?? '',
      digest,
      cache: 'none (existing image retagged)',
      buildMs: 0,
      pushMs: performance.now() - started,
    };
  }
  if (!(await inspectImage(source))) await dockerOrThrow(`docker pull ${source}`, ['pull', source]);
  const details = await inspectImage(source);
  let digest: string | undefined;
  for (const reference of references) {
    await dockerOrThrow(`docker tag ${source} ${reference}`, ['tag', source, reference]);
    if (!push) continue;
    const pushed = await pushImage(reference);
    digest ??= pushed.digest;
  }
  return {
    imageId: details?.id ?? '',
    digest,
    size: details?.size,
    cache: 'none (existing image retagged)',
    buildMs: 0,
    pushMs: performance.now() - started,
  };
}
