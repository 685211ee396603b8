import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsEnvironment } from '../fakes/aws/json-server.js';
import { helloDefinition, helloImages } from '../fakes/ecs/hello.js';
import { startFakeEcs, type FakeEcs } from '../fakes/ecs/index.js';
import { processDriver } from '../fakes/ecs/process-driver.js';
import { startFakeElbv2, type FakeElbv2 } from '../fakes/elbv2/index.js';
import { startLoadBalancer, type LoadBalancer } from '../fakes/elbv2/load-balancer.js';
import { ROLE } from './gate-fixture.js';

/**
 * The sample service "hello" with tasks that really run (local processes) behind a load balancer that really
 * answers, with a production and a test listener (test/fakes/elbv2/load-balancer.ts counts what each revision
 * served on each), described by the local ELBv2 as load balancer 127.0.0.1 with those two ports and their rules:
 * what the test-traffic gate is proven against.
 */

export const VERSIONS: Record<string, { VERSION: string; BUG?: string }> = {
  'hello:1': { VERSION: '1.0.0' },
  'hello:2': { VERSION: '2.0.0' },
  'hello:bad': { VERSION: '2.0.1', BUG: 'unhealthy' },
};

export interface LiveGate {
  ecs: FakeEcs;
  elb: FakeElbv2;
  lb: LoadBalancer;
  env: Record<string, string>;
  /** deploy-ecs inputs: the revision running `image` to service hello, BLUE_GREEN with the gate. */
  inputs(image: string, extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

const portOf = (url: string) => Number(new URL(url).port);

export async function startLiveGate(minuteMs = 100): Promise<LiveGate> {
  const ecs = await startFakeEcs({
    minuteMs,
    driver: processDriver({ images: helloImages(VERSIONS), deregistrationDelayMs: 0 }),
  });
  const elb = await startFakeElbv2();
  const first = helloDefinition(ecs, 'hello:1');
  const revisions = new Map(Object.keys(VERSIONS).map((image) => [image, image === 'hello:1' ? first : '']));
  const lb = await startLoadBalancer(ecs, 'hello', 'default');
  const { targetGroup } = elb.seedLoadBalancer({
    name: 'hello',
    dnsName: '127.0.0.1',
    listeners: [
      { protocol: 'HTTP', port: portOf(lb.url) },
      { protocol: 'HTTP', port: portOf(lb.testUrl) },
    ],
  });
  const green = elb.seedTargetGroup('hello-green').TargetGroupArn;
  const [production, test] = [...elb.listeners.values()];
  const weights = [
    { arn: targetGroup.TargetGroupArn, weight: 100 },
    { arn: green, weight: 0 },
  ];
  const productionRule = elb.seedRule({
    listenerArn: production?.ListenerArn ?? '',
    priority: 1,
    targetGroups: weights,
  });
  const testRule = elb.seedRule({ listenerArn: test?.ListenerArn ?? '', priority: 1, targetGroups: weights });
  ecs.seedService({
    name: 'hello',
    taskDefinition: first,
    desiredCount: 2,
    loadBalancers: [{ targetGroupArn: targetGroup.TargetGroupArn, containerName: 'hello', containerPort: 8080 }],
  });
  return {
    ecs,
    elb,
    lb,
    env: {
      ...awsEnvironment({ ECS: ecs.url, ELASTIC_LOAD_BALANCING_V2: elb.url }),
      GITHUB_WORKSPACE: mkdtempSync(join(tmpdir(), 'workspace-')),
    },
    inputs(image, extra = {}) {
      let arn = revisions.get(image);
      if (!arn) revisions.set(image, (arn = helloDefinition(ecs, image)));
      return {
        cluster: 'default',
        service: 'hello',
        'task-definition': arn,
        'poll-interval': '0.1',
        strategy: 'BLUE_GREEN',
        'bake-time': '1m',
        'alternate-target-group': green,
        'production-listener-rule': productionRule.RuleArn,
        'test-listener-rule': testRule.RuleArn,
        'load-balancer-role': ROLE,
        gate: 'test-traffic',
        ...extra,
      };
    },
    close: async () => {
      await lb.close();
      await Promise.all([ecs.close(), elb.close()]);
    },
  };
}

/** The version the listener at `url` answers with now. */
export async function versionAt(url: string): Promise<string> {
  const answer = await fetch(`${url}/health`);
  return ((await answer.json()) as { version: string }).version;
}
