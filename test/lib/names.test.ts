import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/lib/errors.js';
import { checkName, names } from '../../src/lib/names.js';

describe('cloud name rules', () => {
  const cases: [keyof typeof names, string[], string[]][] = [
    [
      'ecsCluster',
      ['prod', 'a_b-1', 'arn:aws:ecs:us-east-1:123456789012:cluster/prod'],
      ['', 'a b', 'x'.repeat(256), 'prod\n'],
    ],
    ['ecsService', ['web', 'arn:aws:ecs:us-east-1:123456789012:service/prod/web'], ['web.api', 'we/b']],
    ['awsRegion', ['us-east-1', 'us-gov-west-1', 'ap-southeast-2'], ['US-EAST-1', 'useast1', 'us-east-1\n']],
    [
      'iamRoleArn',
      ['arn:aws:iam::123456789012:role/deploy', 'arn:aws:iam::123456789012:role/ci/deploy'],
      ['deploy', 'arn:aws:iam::12:role/x'],
    ],
    ['awsTagKey', ['team', 'cost center', 'a:b/c'], ['aws:owner', '', 'a'.repeat(129), 'a\nb']],
    ['awsTagValue', ['', 'x y', 'é'], ['a;b', 'a'.repeat(257)]],
    ['azureResourceGroup', ['rg-prod', 'rg.(1)', 'grün'], ['rg.', '', 'a'.repeat(91), 'rg/prod']],
    ['azureWebApp', ['my-app', 'a1'], ['-app', 'app-', 'a', 'my_app']],
    ['azureSlot', ['staging', 'pr-12'], ['pr_12', 's', 'a'.repeat(60)]],
    ['azureContainerApp', ['api', 'my-app-2'], ['Api', 'a--b', '2app', 'app-', 'a'.repeat(33)]],
    ['azureGuid', ['00000000-0000-0000-0000-000000000000'], ['0000', 'not-a-guid']],
  ];
  for (const [rule, good, bad] of cases) {
    it(`${rule} accepts what the cloud accepts and refuses the rest`, () => {
      for (const value of good) expect(names[rule].test(value), value).toBe(true);
      for (const value of bad) expect(names[rule].test(value), value).toBe(false);
    });
  }

  it('names the input and shows the value escaped, never as a line of its own', () => {
    const check = () => checkName('cluster', 'prod\n::error::forged', names.ecsCluster);
    expect(check).toThrow(InputError);
    expect(check).toThrow(/^Input 'cluster' must be .*, got "prod\\n::error::forged"\.$/);
  });
});
