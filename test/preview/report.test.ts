import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/lib/errors.js';
import { outputs, summary } from '../../src/preview/report.js';
import { stageOutputNames } from '../helpers/action-yml.js';

/** preview's outputs and summary, read from its report alone. */

describe('preview outputs', () => {
  it('names every output of action.yml but failure-reason, which runStage sets', () => {
    expect(Object.keys(outputs({})).sort()).toEqual(stageOutputNames('preview'));
  });

  it('gives a fork the environment and skipped=true, and nothing else', () => {
    expect(outputs({ environment: 'pr-7', number: 7, skipped: true })).toEqual({
      'deployment-id': undefined,
      environment: 'pr-7',
      url: undefined,
      'comment-url': undefined,
      skipped: 'true',
    });
  });

  it('sets url with the comment, empty when the preview has no address', () => {
    const commented = { environment: 'pr-7', skipped: false, deploymentId: 12, commentUrl: 'https://c' };
    expect(outputs(commented)).toMatchObject({ 'deployment-id': '12', url: '', 'comment-url': 'https://c' });
  });
});

describe('preview summary', () => {
  it('on failure leaves the headline to runStage and shows what was done so far', () => {
    const report = { environment: 'pr-7', number: 7, state: 'success' as const, skipped: false, sha: 'abc1234' };
    const error = new CloudError('GitHub creating a deployment failed (HTTP 403)', 'HTTP_403');
    const drawn = summary({ report, error, durationMs: 10 });
    expect(drawn.headline).toBe('');
    expect(drawn.facts).toContainEqual(['Environment', '<code>pr-7</code>']);
    expect(drawn.facts).toContainEqual(['Commit', '<code>abc1234</code>']);
  });

  it('says a fork got nothing, and why', () => {
    const drawn = summary({ report: { environment: 'pr-7', number: 7, skipped: true, fork: 'x/y' }, durationMs: 1 });
    expect(drawn).toMatchObject({ outcome: 'unchanged' });
    expect(drawn.headline).toContain('it comes from the fork x/y, whose runs get no secrets');
  });
});
