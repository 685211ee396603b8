import { describe, expect, it } from 'vitest';
import { outputs } from '../../src/build-push/outputs.js';
import type { BuildPushReport } from '../../src/build-push/report.js';
import { summary } from '../../src/build-push/summary.js';
import type { BuildPushInputs } from '../../src/build-push/inputs.js';
import { stageOutputNames } from '../helpers/action-yml.js';

const digest = `sha256:${'d'.repeat(64)}`;
const built: BuildPushReport = {
  inputs: { image: 'ghcr.io/octo-org/web', registry: 'ghcr.io', registryType: 'ghcr', push: true } as BuildPushInputs,
  plan: { tags: [{ tag: '1.4.2', rule: 'version' }], labels: {} },
  builder: { kind: 'docker', reason: 'buildx is not installed' },
  result: { imageId: `sha256:${'e'.repeat(64)}`, digest, cache: 'none', buildMs: 1200, pushMs: 300 },
};

describe('build-push outputs and summary', () => {
  it('names every output of action.yml but failure-reason, even before anything is built', () => {
    expect(Object.keys(outputs({})).sort()).toEqual(stageOutputNames('build-push'));
    expect(Object.values(outputs({})).every((value) => value === undefined)).toBe(true);
  });

  it('gives the digest reference to deploy, since a tag can move', () => {
    expect(outputs(built)).toMatchObject({
      image: `ghcr.io/octo-org/web@${digest}`,
      tags: 'ghcr.io/octo-org/web:1.4.2',
    });
    // docker/build-push-action's name for the image ID, beside this action's.
    expect(outputs(built).imageid).toBe(outputs(built)['image-id']);
    expect(outputs(built).imageid).toMatch(/^sha256:/);
  });

  it('summarises a failure with what was known when it failed, leaving the headline to the error', () => {
    const failed = summary({
      report: { inputs: built.inputs, plan: built.plan },
      error: new Error('x'),
      durationMs: 5,
    });
    expect(failed.headline).toBe('');
    expect(failed.facts).toContainEqual(['Tags', '<code>1.4.2</code> version']);
  });
});
