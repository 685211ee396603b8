import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/deploy-ecs/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { awsEnvironment } from '../fakes/aws/json-server.js';
import { startFakeCodeDeploy, type FakeCodeDeploy } from '../fakes/codedeploy/index.js';
import { startFakeEcs, type FakeEcs } from '../fakes/ecs/index.js';
import { helloDefinition, helloImages } from '../fakes/ecs/hello.js';
import { processDriver } from '../fakes/ecs/process-driver.js';
import { startFakeElbv2, type FakeElbv2 } from '../fakes/elbv2/index.js';
import { startLoadBalancer, type LoadBalancer } from '../fakes/elbv2/load-balancer.js';

/**
 * Service hello on the CODE_DEPLOY deployment controller, running revision 1 (hello:1, version 1.0.0) as local
 * processes behind the local load balancer (a production and a test listener, described by the local ELBv2 with
 * DNS name 127.0.0.1 and the same ports), with the CodeDeploy application AppECS-default-hello and its blue/green
 * group DgpECS-default-hello. A CodeDeploy minute lasts `minuteMs` (100 ms by default).
 */

export const IMAGES: Record<string, Record<string, string>> = {
  'hello:1': { VERSION: '1.0.0' },
  'hello:2': { VERSION: '2.0.0' },
  'hello:crash': { VERSION: '2.0.0', BUG: 'crash' },
};

export interface CodeDeployFixture {
  ecs: FakeEcs;
  elb: FakeElbv2;
  codedeploy: FakeCodeDeploy;
  lb: LoadBalancer;
  env: Record<string, string>;
  workspace: string;
  blue: string;
  testListenerArn: string;
  file(name: string, content: string): string;
  /** deploy-ecs for service hello, the container hello given `image`, polled fast. */
  deploy(inputs?: Record<string, string>): ReturnType<typeof runInProcess>;
  /** GET /health through a listener `times` times; the versions that answered. */
  probe(url: string, times: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startCodeDeployFixture(
  options: { group?: Parameters<FakeCodeDeploy['seedEcsGroup']>[0]; minuteMs?: number } = {},
): Promise<CodeDeployFixture> {
  const ecs = await startFakeEcs({ driver: processDriver({ images: helloImages(IMAGES) }) });
  const elb = await startFakeElbv2();
  const blue = helloDefinition(ecs, 'hello:1');
  ecs.seedService({
    name: 'hello',
    taskDefinition: blue,
    desiredCount: 2,
    deploymentController: 'CODE_DEPLOY',
    loadBalancers: [
      {
        targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hello-blue/0123456789abcdef',
        containerName: 'hello',
        containerPort: 8080,
      },
    ],
  });
  const lb = await startLoadBalancer(ecs, 'hello');
  const port = (url: string) => Number(new URL(url).port);
  elb.seedLoadBalancer({
    name: 'hello',
    dnsName: '127.0.0.1',
    listeners: [
      { protocol: 'HTTP', port: port(lb.url) },
      { protocol: 'HTTP', port: port(lb.testUrl) },
    ],
  });
  const listenerOn = (p: number) => [...elb.listeners.values()].find((l) => l.Port === p)?.ListenerArn ?? '';
  const testListenerArn = listenerOn(port(lb.testUrl));
  const codedeploy = await startFakeCodeDeploy(ecs, { minuteMs: options.minuteMs ?? 100 });
  codedeploy.seedEcsGroup({
    service: 'hello',
    prodListenerArn: listenerOn(port(lb.url)),
    testListenerArn,
    ...options.group,
  });
  const workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
  const env = {
    ...awsEnvironment({ ECS: ecs.url, ELASTIC_LOAD_BALANCING_V2: elb.url, CODEDEPLOY: codedeploy.url }),
    GITHUB_WORKSPACE: workspace,
  };
  return {
    ecs,
    elb,
    codedeploy,
    lb,
    env,
    workspace,
    blue,
    testListenerArn,
    file(name, content) {
      writeFileSync(join(workspace, name), content);
      return name;
    },
    deploy: (inputs = {}) =>
      runInProcess(
        run,
        {
          'poll-interval': '0.1',
          cluster: 'default',
          service: 'hello',
          'container-name': 'hello',
          image: 'hello:2',
          ...inputs,
        },
        env,
      ),
    async probe(url, times) {
      const versions: string[] = [];
      for (let i = 0; i < times; i++) {
        const answer = await fetch(`${url}/health`);
        versions.push(((await answer.json()) as { version?: string }).version ?? String(answer.status));
      }
      return versions;
    },
    close: async () => {
      await lb.close();
      await Promise.all([codedeploy.close(), elb.close(), ecs.close()]);
    },
  };
}

/** Waits until the service's tasks of revision 1 pass their health checks (seeded tasks start as processes). */
export async function untilServing(fixture: CodeDeployFixture): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (fixture.lb.targets().length < 2) {
    if (Date.now() > deadline) throw new Error('the seeded tasks of hello never became healthy');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
