import { describe, expect, it } from 'vitest';
import { outputs } from '../../src/terraform/outputs.js';
import { stageOutputNames } from '../helpers/action-yml.js';

describe('terraform outputs', () => {
  it('names every output of action.yml but failure-reason, and sets none before anything ran', () => {
    expect(Object.keys(outputs({})).sort()).toEqual(stageOutputNames('terraform'));
    expect(Object.values(outputs({})).every((value) => value === undefined)).toBe(true);
  });
});
