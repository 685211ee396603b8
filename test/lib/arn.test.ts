import { describe, expect, it } from 'vitest';
import { parseArn, resourcePath, shortArn, taskDefinitionRevision } from '../../src/lib/arn.js';

describe('ARNs', () => {
  const taskDefinition = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:12';

  it('reads the parts of an ARN and refuses what is not one', () => {
    expect(parseArn(taskDefinition)).toEqual({
      partition: 'aws',
      service: 'ecs',
      region: 'eu-west-1',
      account: '123456789012',
      resource: 'task-definition/web:12',
    });
    expect(parseArn('web:12')).toBeUndefined();
  });

  it('gives the short names people read', () => {
    expect(shortArn(taskDefinition)).toBe('web:12');
    expect(shortArn('web:3')).toBe('web:3');
    expect(shortArn(undefined)).toBeUndefined();
    expect(resourcePath('arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123abcd')).toBe(
      'web/0123abcd',
    );
    expect(taskDefinitionRevision(taskDefinition)).toEqual({ family: 'web', revision: 12 });
  });
});
