import { describe, expect, it } from 'vitest';
import { deployAzureStage } from '../../src/deploy-azure/main.js';
import { outputs } from '../../src/deploy-azure/outputs.js';
import { stageOutputNames } from '../helpers/action-yml.js';

describe("deploy-azure's outputs", () => {
  it('are exactly those of its action.yml (failure-reason is runStage’s)', () => {
    expect(Object.keys(outputs(deployAzureStage.start())).sort()).toEqual(stageOutputNames('deploy-azure'));
  });

  it('leave unknown values unset, so a failure before the app was read names no image', () => {
    expect(outputs(deployAzureStage.start())).toEqual({
      'webapp-url': undefined,
      'slot-url': undefined,
      'previous-image': undefined,
      image: undefined,
      swapped: 'false',
      changed: 'false',
      'rolled-back': 'false',
      'end-state': undefined,
    });
  });
});
