import { describe, expect, it } from 'vitest';
import { containerAppStage } from '../../src/deploy-azure/containerapp.js';
import { deployAzureStage } from '../../src/deploy-azure/main.js';
import { outputs } from '../../src/deploy-azure/outputs.js';
import { stageOutputNames } from '../helpers/action-yml.js';

describe("deploy-azure's outputs", () => {
  it('are exactly those of its action.yml (failure-reason is runStage’s), between its two targets', () => {
    const appService = Object.keys(outputs(deployAzureStage.start()));
    const containerApp = Object.keys(containerAppStage.outputs(containerAppStage.start()));
    const declared = stageOutputNames('deploy-azure');
    expect(appService.filter((name) => !declared.includes(name))).toEqual([]);
    expect(containerApp.filter((name) => !declared.includes(name))).toEqual([]);
    expect([...new Set([...appService, ...containerApp])].sort()).toEqual(declared);
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
