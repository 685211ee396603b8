import { describe, expect, it } from 'vitest';
import { outputs } from '../../src/rollback/outputs.js';
import { rollbackStage } from '../../src/rollback/main.js';
import type { RollbackResult } from '../../src/rollback/result.js';
import { stageOutputNames } from '../helpers/action-yml.js';

describe("rollback's outputs", () => {
  it('are exactly those of its action.yml (failure-reason is runStage’s)', () => {
    expect(Object.keys(outputs(rollbackStage.start())).sort()).toEqual(stageOutputNames('rollback'));
  });

  it('are set only once the rollback is done', () => {
    expect(Object.values(outputs({ reason: 'smoke test failed' }))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const result: RollbackResult = { outcome: 'already-current', to: 'web:1', from: 'web:1', headline: '', facts: [] };
    expect(outputs({ result })).toEqual({
      outcome: 'already-current',
      'rolled-back-to': 'web:1',
      'rolled-back-from': 'web:1',
      'rollout-state': '',
    });
  });
});
