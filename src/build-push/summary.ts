import { formatDuration } from '../lib/duration.js';
import { code, type StageSummary } from '../lib/summary.js';
import type { BuildResult, Builder } from './build.js';
import type { BuildPushInputs } from './inputs.js';
import type { TagPlan } from './tags.js';

export interface BuildPushOutputs {
  image: string;
  digest: string;
  tags: string;
  'image-id': string;
  metadata: string;
}

/** The step outputs: `image` is the digest reference when there is one, since a tag can move. */
export function describeResult(
  inputs: BuildPushInputs,
  plan: TagPlan,
  builder: Builder,
  result: BuildResult,
): BuildPushOutputs {
  const references = plan.tags.map(({ tag }) => `${inputs.image}:${tag}`);
  const image = result.digest ? `${inputs.image}@${result.digest}` : (references[0] ?? inputs.image);
  const metadata = {
    image,
    digest: result.digest ?? null,
    imageId: result.imageId,
    tags: references,
    registry: inputs.registry,
    registryType: inputs.registryType,
    builder: builder.kind,
    pushed: inputs.push,
    platforms: inputs.platforms,
    labels: plan.labels,
    size: result.size ?? null,
    cache: result.cache,
    buildMs: Math.round(result.buildMs),
    pushMs: Math.round(result.pushMs),
  };
  return {
    image,
    digest: result.digest ?? '',
    tags: references.join('\n'),
    'image-id': result.imageId,
    metadata: JSON.stringify(metadata),
  };
}

function bytes(size: number | undefined): string | undefined {
  if (size === undefined) return undefined;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}

export function summarise(
  inputs: BuildPushInputs,
  plan: TagPlan,
  builder: Builder,
  result: BuildResult,
  image: string,
  totalMs: number,
): StageSummary {
  const action = inputs.skipBuild ? 'Tagged' : inputs.push ? 'Built and pushed' : 'Built (not pushed)';
  return {
    stage: 'build-push',
    outcome: 'success',
    headline: `${action} ${code(image)} in ${formatDuration(totalMs)}.`,
    facts: [
      ['Registry', `${inputs.registry} (${inputs.registryType})`],
      ['Tags', plan.tags.map(({ tag, rule }) => `${code(tag)} ${rule}`).join('<br>')],
      ['Digest', result.digest ? code(result.digest) : undefined],
      ['Image ID', result.imageId ? code(result.imageId) : undefined],
      ['Size', bytes(result.size)],
      ['Builder', `${builder.kind === 'buildx' ? 'docker buildx build' : 'docker build'}: ${builder.reason}`],
      ['Build time', inputs.skipBuild ? undefined : formatDuration(result.buildMs)],
      ['Push time', result.pushMs > 0 ? formatDuration(result.pushMs) : undefined],
      ['Cache', result.cache],
      ['Platforms', inputs.platforms.join(', ') || undefined],
    ],
  };
}
