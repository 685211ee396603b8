import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/deploy-ecs/main.js';
import { urlOf } from '../../src/deploy-ecs/url.js';
import { runInProcess } from '../helpers/in-process.js';
import { startFixture, V2, webTaskDefinition, type Fixture } from './fixture.js';

/** service-url: the load balancer in front of the service, found after a successful rollout, never a failure. */

let fixture: Fixture;
afterEach(() => fixture?.close());

function deploy(inputs: Record<string, string> = {}) {
  return runInProcess(
    run,
    {
      'poll-interval': '0.1',
      cluster: 'default',
      service: 'web',
      'task-definition': fixture.file('td.json', webTaskDefinition(V2)),
      ...inputs,
    },
    fixture.env,
  );
}
const dnsName = () => [...fixture.elb.loadBalancers.values()][0]?.DNSName ?? '(none seeded)';

describe('a service behind a load balancer', () => {
  it.each([
    ['an HTTP listener on 80', 'http://<dns>', [{ protocol: 'HTTP', port: 80 }], (dns: string) => `http://${dns}`],
    [
      'HTTPS on 443 besides HTTP on 80',
      'https://<dns>',
      [
        { protocol: 'HTTP', port: 80 },
        { protocol: 'HTTPS', port: 443 },
      ],
      (dns: string) => `https://${dns}`,
    ],
    [
      'an HTTP listener on 8080',
      'http://<dns>:8080',
      [{ protocol: 'HTTP', port: 8080 }],
      (dns: string) => `http://${dns}:8080`,
    ],
  ] as const)('with %s: service-url is %s', async (_name, _url, listeners, expected) => {
    fixture = await startFixture({ listeners: [...listeners] });
    const step = await deploy();
    expect(step.failed).toBe(false);
    expect(dnsName()).toMatch(/^web-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    expect(step.outputs['service-url']).toBe(expected(dnsName()));
    expect(step.summary).toContain(`| Service URL | ${expected(dnsName())} |`);
    expect(fixture.elb.calls.map((c) => [c.operation, c.result])).toEqual([
      ['DescribeTargetGroups', 'ok'],
      ['DescribeLoadBalancers', 'ok'],
      ['DescribeListeners', 'ok'],
    ]);
  });

  it('with TLS on 443 (a network load balancer): https', async () => {
    fixture = await startFixture({ listeners: [{ protocol: 'TLS', port: 443 }] });
    const step = await deploy();
    expect(step.outputs['service-url']).toBe(`https://${dnsName()}`);
    expect(dnsName()).toMatch(/^web-[0-9a-f]{16}\.elb\.us-east-1\.amazonaws\.com$/);
  });

  it('of several services, is the URL of the first one that has a load balancer', async () => {
    fixture = await startFixture();
    const { targetGroup } = fixture.elb.seedLoadBalancer({
      name: 'api',
      listeners: [{ protocol: 'HTTPS', port: 443 }],
    });
    fixture.ecs.seedService({
      name: 'api',
      taskDefinition: 'web:1',
      desiredCount: 1,
      loadBalancers: [{ targetGroupArn: targetGroup.TargetGroupArn, containerName: 'web', containerPort: 8080 }],
    });
    const step = await deploy({ service: 'web\napi' });
    expect(step.failed).toBe(false);
    expect(step.outputs['service-url']).toBe(`https://${dnsName()}`);
    expect(step.summary).toContain(`${dnsName()} (<code>api</code>)`);
  });
});

describe('no URL, and the deploy still succeeds', () => {
  it('without a load balancer: empty, and no call to Elastic Load Balancing', async () => {
    fixture = await startFixture();
    const step = await deploy();
    expect(step.failed).toBe(false);
    expect(step.outputs['service-url']).toBe('');
    expect(step.summary).not.toContain('Service URL');
    expect(fixture.elb.calls).toHaveLength(0);
  });

  it('when the role may not describe load balancers: a warning naming the permissions, service-url empty', async () => {
    fixture = await startFixture({ listeners: [{ protocol: 'HTTPS', port: 443 }] });
    fixture.elb.inject({ operation: 'DescribeTargetGroups', kind: 'access-denied', times: 1 });
    const step = await deploy();
    expect(step.failed).toBe(false);
    expect(step.outputs['rollout-state']).toBe('COMPLETED');
    expect(step.outputs['service-url']).toBe('');
    expect(step.log).toMatch(
      /::warning::service-url is left empty \(the deployment itself succeeded\): elasticloadbalancing:DescribeTargetGroups failed: AccessDenied \(HTTP 403\): User: .* is not authorized to perform: elasticloadbalancing:DescribeTargetGroups/,
    );
    expect(step.log).toMatch(
      /allow elasticloadbalancing:DescribeTargetGroups, elasticloadbalancing:DescribeLoadBalancers, elasticloadbalancing:DescribeListeners to the job's AWS role/,
    );
    expect(step.summary).toContain('deploy-ecs: ✅ Succeeded');
    expect(step.summary).toMatch(
      /\| Service URL \| not known: elasticloadbalancing:DescribeTargetGroups failed: AccessDenied .*to the job's AWS role/,
    );
    expect(fixture.elb.calls.map((c) => c.operation)).toEqual(['DescribeTargetGroups']);
  });

  it('when the target group was deleted: the warning names TargetGroupNotFound', async () => {
    fixture = await startFixture({ listeners: [{ protocol: 'HTTP', port: 80 }] });
    fixture.elb.targetGroups.clear();
    const step = await deploy();
    expect(step.failed).toBe(false);
    expect(step.outputs['service-url']).toBe('');
    expect(step.log).toMatch(
      /::warning::service-url is left empty \(the deployment itself succeeded\): elasticloadbalancing:DescribeTargetGroups failed: TargetGroupNotFoundException \(HTTP 400\): One or more target groups not found/,
    );
    expect(step.log).not.toContain("to the job's AWS role");
  });

  it('when the target group is not used by a load balancer yet: empty, without a warning', async () => {
    fixture = await startFixture();
    const group = fixture.elb.seedTargetGroup('web');
    fixture.ecs.service('default', 'web').loadBalancers = [
      { targetGroupArn: group.TargetGroupArn, containerName: 'web', containerPort: 8080 },
    ];
    const step = await deploy();
    expect(step.failed).toBe(false);
    expect(step.outputs['service-url']).toBe('');
    expect(step.log).not.toContain('::warning::');
    expect(step.log).toMatch(/target group web\/[0-9a-f]{16} is not used by a load balancer/);
  });

  it('when the rollout fails: no lookup at all', async () => {
    fixture = await startFixture({ listeners: [{ protocol: 'HTTP', port: 80 }] });
    fixture.ecs.behaviour = (td) =>
      td.containerDefinitions[0]?.image === V2 ? { kind: 'crash', exitCode: 1, startMs: 50 } : { kind: 'healthy' };
    const step = await deploy();
    expect(step.failed).toBe(true);
    expect(step.outputs['service-url']).toBe('');
    expect(fixture.elb.calls).toHaveLength(0);
  });
});

describe('choosing the listener', () => {
  const dns = 'web-1234567890.us-east-1.elb.amazonaws.com';
  it.each([
    [[{ Protocol: 'HTTP', Port: 80 }], `http://${dns}`],
    [[{ Protocol: 'HTTPS', Port: 8443 }], `https://${dns}:8443`],
    [
      [
        { Protocol: 'HTTPS', Port: 8443 },
        { Protocol: 'HTTPS', Port: 443 },
      ],
      `https://${dns}`,
    ],
    [
      [
        { Protocol: 'HTTP', Port: 8080 },
        { Protocol: 'HTTP', Port: 80 },
      ],
      `http://${dns}`,
    ],
    [
      [
        { Protocol: 'HTTP', Port: 9000 },
        { Protocol: 'HTTP', Port: 8080 },
      ],
      `http://${dns}:8080`,
    ],
    [[{ Protocol: 'TCP', Port: 80 }], `http://${dns}`],
    [
      [
        { Protocol: 'TLS', Port: 8443 },
        { Protocol: 'TCP', Port: 8080 },
      ],
      `http://${dns}:8080`,
    ],
    [[{ Protocol: 'UDP', Port: 53 }], undefined],
    [[], undefined],
  ])('%j -> %s', (listeners, url) => {
    expect(urlOf(dns, listeners)).toBe(url);
  });
});
