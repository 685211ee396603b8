import {
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  type DescribeRulesCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeElbv2, type FakeElbv2 } from '../fakes/elbv2/index.js';

/**
 * The local ELBv2's DescribeRules, through the real SDK, as the Elastic Load Balancing API Reference describes it:
 * rules by ARN or by listener ("You must specify either a listener or rules"), RuleNotFound / ListenerNotFound, and
 * the rule's conditions and weighted forward action in ELBv2's shape.
 */

let elb: FakeElbv2 | undefined;
afterEach(async () => {
  await elb?.close();
  elb = undefined;
});

async function describeRules(input: DescribeRulesCommandInput) {
  const client = new ElasticLoadBalancingV2Client({
    endpoint: elb?.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'fake' },
    maxAttempts: 1,
  });
  try {
    return await client.send(new DescribeRulesCommand(input));
  } finally {
    client.destroy();
  }
}

async function seeded() {
  elb = await startFakeElbv2();
  const { targetGroup } = elb.seedLoadBalancer({
    name: 'web',
    listeners: [
      { protocol: 'HTTP', port: 80 },
      { protocol: 'HTTP', port: 8080 },
    ],
  });
  const green = elb.seedTargetGroup('web-green');
  const [production, test] = [...elb.listeners.values()];
  const targetGroups = [
    { arn: targetGroup.TargetGroupArn, weight: 100 },
    { arn: green.TargetGroupArn, weight: 0 },
  ];
  const productionRule = elb.seedRule({ listenerArn: production?.ListenerArn ?? '', priority: 10, targetGroups });
  const testRule = elb.seedRule({
    listenerArn: test?.ListenerArn ?? '',
    priority: 10,
    targetGroups,
    pathPattern: '/api/*',
  });
  return { production, productionRule, testRule, blue: targetGroup.TargetGroupArn, green: green.TargetGroupArn };
}

describe('the local ELBv2 DescribeRules', () => {
  it('describes a rule by ARN with its path-pattern condition and weighted forward action', async () => {
    const { testRule, blue, green } = await seeded();
    expect(testRule.RuleArn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule\/app\/web\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/,
    );
    const { Rules } = await describeRules({ RuleArns: [testRule.RuleArn] });
    expect(Rules).toHaveLength(1);
    expect(Rules?.[0]).toMatchObject({
      RuleArn: testRule.RuleArn,
      Priority: '10',
      IsDefault: false,
      Conditions: [{ Field: 'path-pattern', Values: ['/api/*'], PathPatternConfig: { Values: ['/api/*'] } }],
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: blue, Weight: 100 },
              { TargetGroupArn: green, Weight: 0 },
            ],
          },
        },
      ],
    });
  });

  it("lists a listener's rules, and only its own", async () => {
    const { production, productionRule } = await seeded();
    const { Rules } = await describeRules({ ListenerArn: production?.ListenerArn });
    expect(Rules?.map((r) => r.RuleArn)).toEqual([productionRule.RuleArn]);
  });

  it('refuses an unknown rule with RuleNotFound, an unknown listener with ListenerNotFound, neither with a ValidationError', async () => {
    const { testRule } = await seeded();
    const unknown = testRule.RuleArn.replace(/[0-9a-f]{16}$/, '0000000000000000');
    await expect(describeRules({ RuleArns: [testRule.RuleArn, unknown] })).rejects.toMatchObject({
      name: 'RuleNotFoundException',
      message: 'One or more rules not found',
    });
    const noListener = testRule.RuleArn.replace(':listener-rule/', ':listener/')
      .replace(/\/[0-9a-f]{16}$/, '')
      .replace(/[0-9a-f]{16}$/, '0000000000000000');
    await expect(describeRules({ ListenerArn: noListener })).rejects.toMatchObject({
      name: 'ListenerNotFoundException',
    });
    await expect(describeRules({})).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
