import { describe, expect, it } from 'vitest';
import { deployOutputs, teardownOutputs } from '../../src/deploy-ecs/outputs.js';
import { emptyReport } from '../../src/deploy-ecs/report.js';
import { stageOutputNames } from '../helpers/action-yml.js';

describe('the outputs of deploy-ecs', () => {
  it('name exactly the outputs of action.yml (failure-reason is runStage’s), in both modes', () => {
    const declared = stageOutputNames('deploy-ecs');
    expect(Object.keys(deployOutputs(emptyReport())).sort()).toEqual(declared);
    expect(Object.keys(teardownOutputs({ results: [] })).sort()).toEqual(declared);
  });

  it('say what a deployment that failed before its rollout knew, and nothing it did not', () => {
    const outputs = deployOutputs({
      ...emptyReport(),
      cluster: 'prod',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2',
      services: [
        {
          service: 'web',
          previous: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
          outcome: 'pending',
          events: [],
          stoppedTasks: [],
        },
      ],
    });
    expect(outputs).toMatchObject({
      'previous-task-definition-arn': 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
      'deployment-id': '',
      'rolled-back': 'false',
      changed: 'false',
      'run-task-arn': undefined,
    });
    expect(JSON.parse(outputs.services ?? '')).toEqual([
      {
        service: 'web',
        previous: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
        outcome: 'pending',
        changed: false,
      },
    ]);
  });
});
