import { afterEach, describe, expect, it } from 'vitest';
import { rollbackState } from '../../src/deploy-ecs/state.js';

/** The rollback plan the main step leaves the post step, read back from GITHUB_STATE's STATE_rollback. */

afterEach(() => {
  delete process.env.STATE_rollback;
});

describe('the rollback state', () => {
  it('reads back the plan the main step saved', () => {
    process.env.STATE_rollback = JSON.stringify({
      cluster: 'prod',
      services: [{ service: 'web', previous: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1' }],
    });
    expect(rollbackState.load()).toEqual({
      cluster: 'prod',
      services: [{ service: 'web', previous: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1' }],
    });
  });

  it('is empty when nothing, or a cleared value, was saved', () => {
    expect(rollbackState.load()).toBeUndefined();
    process.env.STATE_rollback = '';
    expect(rollbackState.load()).toBeUndefined();
  });

  it('refuses a value that is not a rollback plan, naming what is wrong', () => {
    process.env.STATE_rollback = JSON.stringify({ cluster: 'prod', services: [{ service: 'web' }] });
    expect(() => rollbackState.load()).toThrowError(/not a rollback plan: services\.0 needs a service and a previous/);
    process.env.STATE_rollback = '"web"';
    expect(() => rollbackState.load()).toThrowError(/not a rollback plan: it is not an object/);
  });
});
