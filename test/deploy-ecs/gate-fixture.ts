import { rulesFollowEcs } from '../fakes/elbv2/ecs-rules.js';
import { startFixture, type Fixture } from './fixture.js';

/**
 * Service "web" behind load balancer "web" with a production listener (80) and a test listener (8080), each with
 * a listener rule, and a second target group for green: what a service needs for ECS blue/green, canary and linear
 * (Developer Guide, "Amazon ECS blue/green deployments": production and test listener rules, two target groups, the
 * infrastructure role). `inputs` are the deploy-ecs inputs that switch "web" to `strategy` behind them.
 */
export interface GateFixture extends Fixture {
  testRule: string;
  productionRule: string;
  blue: string;
  green: string;
  testUrl: string;
  inputs(strategy: string, extra?: Record<string, string>): Record<string, string>;
}

export const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers';

export async function startGateFixture(
  options: { minuteMs?: number; pathPattern?: string; testPort?: number; testProtocol?: 'HTTP' | 'HTTPS' } = {},
): Promise<GateFixture> {
  const fixture = await startFixture({
    minuteMs: options.minuteMs ?? 100,
    listeners: [
      { protocol: 'HTTP', port: 80 },
      { protocol: options.testProtocol ?? 'HTTP', port: options.testPort ?? 8080 },
    ],
  });
  const [production, test] = [...fixture.elb.listeners.values()];
  const blue = [...fixture.elb.targetGroups.values()][0]?.TargetGroupArn ?? '';
  const greenGroup = fixture.elb.seedTargetGroup('web-green');
  greenGroup.LoadBalancerArns.push(production?.LoadBalancerArn ?? '');
  const green = greenGroup.TargetGroupArn;
  const weights = [
    { arn: blue, weight: 100 },
    { arn: green, weight: 0 },
  ];
  const productionRule = fixture.elb.seedRule({
    listenerArn: production?.ListenerArn ?? '',
    priority: 10,
    targetGroups: weights,
  }).RuleArn;
  const testRule = fixture.elb.seedRule({
    listenerArn: test?.ListenerArn ?? '',
    priority: 10,
    targetGroups: weights,
    ...(options.pathPattern ? { pathPattern: options.pathPattern } : {}),
  }).RuleArn;
  rulesFollowEcs(fixture.elb, fixture.ecs);
  const dns = [...fixture.elb.loadBalancers.values()][0]?.DNSName ?? '';
  const port = options.testPort ?? 8080;
  return {
    ...fixture,
    testRule,
    productionRule,
    blue,
    green,
    testUrl:
      options.testProtocol === 'HTTPS'
        ? `https://${dns}${port === 443 ? '' : `:${port}`}`
        : `http://${dns}${port === 80 ? '' : `:${port}`}`,
    inputs: (strategy, extra = {}) => ({
      strategy,
      ...(strategy === 'BLUE_GREEN' ? { 'bake-time': '1m' } : {}),
      'alternate-target-group': green,
      'production-listener-rule': productionRule,
      'test-listener-rule': testRule,
      'load-balancer-role': ROLE,
      ...extra,
    }),
  };
}
