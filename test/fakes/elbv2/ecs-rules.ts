import type { FakeEcs } from '../ecs/index.js';
import type { FakeElbv2 } from './index.js';

/**
 * The listener rules of a blue/green service as the local ELBv2 shows them while the local ECS moves traffic
 * (Developer Guide, "Amazon ECS blue/green deployments": ECS shifts the weights of the production and test listener
 * rules between the service's target group and its alternate one, through the infrastructure role). The revision
 * that serves sits in one target group; a deployment's green revision in the other, which, once the deployment
 * succeeds, is the one that serves: every SUCCESSFUL traffic-shifting deployment swaps them.
 */
const FINISHED = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];

export function rulesFollowEcs(elb: FakeElbv2, ecs: FakeEcs): void {
  elb.weights = (ruleArn) => {
    for (const service of ecs.services.values()) {
      const lb = service.loadBalancers[0] as
        { targetGroupArn?: string; advancedConfiguration?: Record<string, string | undefined> } | undefined;
      const advanced = lb?.advancedConfiguration;
      const listener =
        advanced?.productionListenerRule === ruleArn
          ? 'production'
          : advanced?.testListenerRule === ruleArn
            ? 'test'
            : undefined;
      if (!listener || !lb?.targetGroupArn || !advanced?.alternateTargetGroupArn) continue;
      const records = ecs.serviceDeployments.records.filter((r) => r.serviceArn === service.serviceArn && r.traffic);
      const swaps = records.filter((r) => r.status === 'SUCCESSFUL').length;
      const [live, other] =
        swaps % 2 === 0
          ? [lb.targetGroupArn, advanced.alternateTargetGroupArn]
          : [advanced.alternateTargetGroupArn, lb.targetGroupArn];
      // The deployment moving traffic now, if any: its green share of this listener's traffic.
      const moving = records.find((r) => !FINISHED.includes(r.status));
      const green = moving?.traffic?.[listener] ?? 0;
      return [
        { TargetGroupArn: live, Weight: 100 - green },
        { TargetGroupArn: other, Weight: green },
      ];
    }
    return undefined;
  };
}
