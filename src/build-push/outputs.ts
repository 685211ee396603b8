import type { Outputs } from '../lib/action.js';
import type { BuildResult, Builder } from './build.js';
import type { BuildPushInputs } from './inputs.js';
import { deployableImage, references, type BuildPushReport } from './report.js';
import type { TagPlan } from './tags.js';

export type BuildPushOutput = 'image' | 'digest' | 'tags' | 'image-id' | 'imageid' | 'metadata';

/** The step outputs; none until the image is built (or tagged). Pure. */
export function outputs({ inputs, plan, builder, result }: BuildPushReport): Outputs<BuildPushOutput> {
  if (!inputs || !plan || !builder || !result) {
    return {
      image: undefined,
      digest: undefined,
      tags: undefined,
      'image-id': undefined,
      imageid: undefined,
      metadata: undefined,
    };
  }
  const image = deployableImage(inputs, plan, result);
  return {
    image,
    digest: result.digest ?? '',
    tags: references(inputs, plan).join('\n'),
    'image-id': result.imageId,
    // docker/build-push-action's name for it.
    imageid: result.imageId,
    metadata: JSON.stringify(metadata(image, inputs, plan, builder, result)),
  };
}

function metadata(image: string, inputs: BuildPushInputs, plan: TagPlan, builder: Builder, result: BuildResult) {
  return {
    image,
    digest: result.digest ?? null,
    imageId: result.imageId,
    tags: references(inputs, plan),
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
}
