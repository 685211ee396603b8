import type { BuildResult, Builder } from './build.js';
import type { BuildPushInputs } from './inputs.js';
import type { TagPlan } from './tags.js';

/** What one run of build-push found and did, filled in as it goes: what the outputs and the summary show. */
export interface BuildPushReport {
  inputs?: BuildPushInputs;
  plan?: TagPlan;
  builder?: Builder;
  result?: BuildResult;
}

/** The full references: image:tag for each planned tag, then those `tags` named in other repositories. */
export function references(inputs: BuildPushInputs, plan: TagPlan): string[] {
  return [...plan.tags.map(({ tag }) => `${inputs.image}:${tag}`), ...(inputs.extraReferences ?? [])];
}

/** The image to deploy: the digest reference when there is one, since a tag can move. */
export function deployableImage(inputs: BuildPushInputs, plan: TagPlan, result: BuildResult): string {
  return result.digest ? `${inputs.image}@${result.digest}` : (references(inputs, plan)[0] ?? inputs.image);
}
