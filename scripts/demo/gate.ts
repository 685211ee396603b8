import { randomBytes } from 'node:crypto';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { shortArn } from '../../src/lib/arn.js';
import { rulesFollowEcs } from '../../test/fakes/elbv2/ecs-rules.js';
import type { Listener } from '../../test/fakes/elbv2/index.js';
import type { StepResult } from '../../test/helpers/runner.js';
import type { LocalCloud } from './cloud.js';
import { bold, dim } from './markdown.js';
import { smokeInputs, smokePassed, type Pipeline } from './pipeline.js';

/**
 * The demo's last chapter: releases through the test-traffic gate, wired as ecs-pipeline.yml wires them with
 * `strategy: CANARY` and `gate: test-traffic`: deploy-ecs (paused at the gate) -> smoke-test through the test
 * listener -> deploy-ecs `mode: rollback` or `mode: continue` -> smoke-test of production. The service first gets
 * what ECS-native blue/green needs (as Terraform would set it): a second target group, a test listener on the load
 * balancer, a production and a test listener rule, and the role ECS changes them with. Production users keep
 * calling the service meanwhile, and the load balancer counts what each revision served on each listener: a
 * rejected canary must have served 0 production requests.
 */

export interface Release {
  version: string;
  bug: string;
  story: string;
}

/** How long a minute of the canary (its bake times, the gate's timeout) lasts in the local ECS. */
export const MINUTE_MS = 2000;

export const GATE_RELEASES: [Release, Release] = [
  {
    version: '1.3.0',
    bug: 'unhealthy',
    story:
      "a canary whose /health answers 503: the smoke test through the test listener fails at the gate, it's rolled back",
  },
  {
    version: '1.4.0',
    bug: 'none',
    story: 'a good canary: proven through the test listener, then production shifted 10% -> 100% after its bake time',
  },
];

export interface GateChapter {
  cloud: LocalCloud;
  pipeline: Pipeline;
  cluster: string;
  service: string;
  /** build-push for the release (or its local program): the image to deploy; undefined when the build failed. */
  imageOf: (release: Release) => Promise<string | undefined>;
  /** The release a task definition runs. */
  versionOf: (taskDefinitionArn: string) => string;
}

/** Runs the chapter; says why when its story did not happen. */
export async function gateChapter(chapter: GateChapter): Promise<string | undefined> {
  const { cloud, cluster, service } = chapter;
  console.log(bold('the test-traffic gate: canary releases proven before any production request reaches them'));
  const { green } = await blueGreen(cloud, cluster, service);
  console.log(
    `test listener      ${cloud.lb.testUrl} (target group ${green}; a minute of the canary lasts ${MINUTE_MS} ms here)`,
  );
  console.log(`production users   a request to ${cloud.lb.url}/health every 50 ms until the end of the chapter`);
  const users = productionUsers(cloud.lb.url);
  try {
    const [bad, good] = GATE_RELEASES;
    console.log(bold(`\nrelease ${bad.version}: ${bad.story}`));
    const stopped = await rejected(chapter, bad);
    if (stopped) return stopped;
    console.log(bold(`\nrelease ${good.version}: ${good.story}`));
    return await shifted(chapter, good);
  } finally {
    await users.stop();
  }
}

/**
 * What the service needs for ECS-native blue/green, set as a platform team's Terraform would: the green target
 * group and the test listener on the demo's load balancer (its second port), the two listener rules, and the
 * service's load balancer with advancedConfiguration (UpdateService).
 */
export async function blueGreen(
  cloud: Pick<LocalCloud, 'ecs' | 'elbv2' | 'lb' | 'env' | 'targetGroupArn'>,
  cluster: string,
  service: string,
): Promise<{ green: string }> {
  const { elbv2, lb } = cloud;
  const blue = elbv2.targetGroups.get(cloud.targetGroupArn);
  const balancer = blue?.LoadBalancerArns[0];
  const production = [...elbv2.listeners.values()].find((l) => l.LoadBalancerArn === balancer);
  if (!blue || !balancer || !production) throw new Error('the demo load balancer is not described by the local ELBv2');
  const green = elbv2.seedTargetGroup(`${service}-green`);
  green.LoadBalancerArns.push(balancer);
  const test: Listener = {
    ...production,
    ListenerArn: production.ListenerArn.replace(/[^/]+$/, randomBytes(8).toString('hex')),
    Port: Number(new URL(lb.testUrl).port),
    DefaultActions: [{ Type: 'forward', TargetGroupArn: green.TargetGroupArn }],
  };
  elbv2.listeners.set(test.ListenerArn, test);
  const targetGroups = [
    { arn: blue.TargetGroupArn, weight: 100 },
    { arn: green.TargetGroupArn, weight: 0 },
  ];
  const productionRule = elbv2.seedRule({ listenerArn: production.ListenerArn, priority: 1, targetGroups });
  const testRule = elbv2.seedRule({ listenerArn: test.ListenerArn, priority: 1, targetGroups });
  // DescribeRules shows the weights as ECS moves them during a deployment.
  rulesFollowEcs(elbv2, cloud.ecs);
  const client = quietly(
    () =>
      new ECSClient({
        endpoint: cloud.ecs.url,
        region: cloud.env.AWS_REGION ?? 'us-east-1',
        credentials: {
          accessKeyId: cloud.env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: cloud.env.AWS_SECRET_ACCESS_KEY ?? '',
        },
      }),
  );
  try {
    await client.send(
      new UpdateServiceCommand({
        cluster,
        service,
        loadBalancers: [
          {
            targetGroupArn: blue.TargetGroupArn,
            containerName: service,
            containerPort: 8080,
            advancedConfiguration: {
              alternateTargetGroupArn: green.TargetGroupArn,
              productionListenerRule: productionRule.RuleArn,
              testListenerRule: testRule.RuleArn,
              roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers',
            },
          },
        ],
      }),
    );
  } finally {
    client.destroy();
  }
  return { green: green.TargetGroupName };
}

/**
 * The AWS SDK warns, once per process, that its releases from 2027 need Node 22 (its documented switch
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED turns that off): the demo itself may run on an older Node (the
 * actions run on Node 24), and the warning would only interrupt its story.
 */
export function quietly<T>(call: () => T): T {
  const name = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  const before = process.env[name];
  process.env[name] = 'true';
  try {
    return call();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

/** Production keeps being used during the releases: one request at a time, 50 ms apart. */
export function productionUsers(url: string) {
  let running = true;
  const loop = (async () => {
    while (running) {
      await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })
        .then((answer) => answer.arrayBuffer())
        .catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

const common = (chapter: GateChapter) => ({
  cluster: chapter.cluster,
  service: chapter.service,
  'poll-interval': '0.5',
});

/** deploy-ecs as ecs-pipeline.yml calls it with strategy CANARY (10%, a minute's bake) and gate: test-traffic. */
async function toTheGate(chapter: GateChapter, release: Release, image: string) {
  const step = await chapter.pipeline.stage(
    release.version,
    'deploy-ecs',
    `${chapter.service} ${release.version}: CANARY 10% behind the test-traffic gate`,
    {
      ...common(chapter),
      'task-definition': 'examples/hello-service/task-definition.json',
      'container-name': chapter.service,
      image,
      strategy: 'CANARY',
      'canary-percent': '10',
      'canary-bake-time': '1m',
      'bake-time': '1m',
      gate: 'test-traffic',
    },
    chapter.cloud.env,
    (done) => done.exitCode === 0 && done.outputs.gate === 'paused',
  );
  printStages(step);
  return step;
}

/** The smoke test of ecs-pipeline.yml's gate-smoke step: the production checks, through deploy-ecs's test-url. */
function gateSmoke(chapter: GateChapter, release: Release, testUrl: string) {
  return chapter.pipeline.stage(
    release.version,
    'smoke-test',
    `${testUrl}/health answers ${release.version} (test listener)`,
    smokeInputs(release.version, testUrl),
    chapter.cloud.env,
    smokePassed,
  );
}

/** A bad canary: paused at the gate, failed through the test listener, rolled back; 0 production requests. */
async function rejected(chapter: GateChapter, release: Release): Promise<string | undefined> {
  const { cloud, pipeline, service } = chapter;
  const previous = chapter.versionOf(cloud.ecs.service(chapter.cluster, service)?.taskDefinition ?? '');
  const image = await chapter.imageOf(release);
  if (!image) return `build-push failed: there is no ${release.version} image to deploy`;
  const before = cloud.lb.served();
  const deployed = await toTheGate(chapter, release, image);
  const revision = shortArn(deployed.outputs['task-definition-arn'] ?? '');
  if (deployed.outputs.gate !== 'paused')
    return `deploy-ecs did not stop ${release.version} at the gate (gate output '${deployed.outputs.gate ?? ''}')`;
  const probed = await gateSmoke(chapter, release, deployed.outputs['test-url'] ?? '');
  if (probed.passed)
    return `the smoke test through the test listener passed ${release.version}, whose /health answers 503`;
  const back = await pipeline.stage(
    release.version,
    'deploy-ecs',
    'mode: rollback: the gate rejected it',
    {
      ...common(chapter),
      mode: 'rollback',
      'service-deployment-arn': deployed.outputs['service-deployment-arn'] ?? '',
    },
    cloud.env,
    (step) => step.outputs.gate === 'rolled-back',
  );
  printStages(back);
  const served = printServed(cloud, before, revision);
  console.log(bold(`  the rejected ${release.version} (${revision}) served ${served.production} production requests`));
  console.log();
  const now = chapter.versionOf(cloud.ecs.service(chapter.cluster, service)?.taskDefinition ?? '');
  await pipeline.stage(
    release.version,
    'smoke-test',
    `production still answers ${previous}`,
    smokeInputs(previous, cloud.lb.url),
    cloud.env,
    smokePassed,
  );
  if (!back.passed) return `deploy-ecs mode: rollback did not roll ${release.version} back`;
  if (served.production !== 0)
    return `the rejected ${release.version} served ${served.production} production requests (it should have served 0)`;
  if (served.test === 0) return `the smoke test never reached ${release.version} through the test listener`;
  if (now !== previous) return `after the rollback ${service} runs ${now}, not ${previous}`;
  return undefined;
}

/** A good canary: paused at the gate, proven through the test listener, continued, shifted 10% -> 100%. */
async function shifted(chapter: GateChapter, release: Release): Promise<string | undefined> {
  const { cloud, pipeline } = chapter;
  const image = await chapter.imageOf(release);
  if (!image) return `build-push failed: there is no ${release.version} image to deploy`;
  const before = cloud.lb.served();
  const deployed = await toTheGate(chapter, release, image);
  const revision = shortArn(deployed.outputs['task-definition-arn'] ?? '');
  if (deployed.outputs.gate !== 'paused')
    return `deploy-ecs did not stop ${release.version} at the gate (gate output '${deployed.outputs.gate ?? ''}')`;
  const probed = await gateSmoke(chapter, release, deployed.outputs['test-url'] ?? '');
  if (!probed.passed) return `the smoke test through the test listener failed ${release.version}`;
  const weights = productionWeights(chapter, deployed.outputs['task-definition-arn'] ?? '');
  const continued = await pipeline.stage(
    release.version,
    'deploy-ecs',
    'mode: continue: the gate passed, production traffic shifts',
    {
      ...common(chapter),
      mode: 'continue',
      'service-deployment-arn': deployed.outputs['service-deployment-arn'] ?? '',
    },
    cloud.env,
  );
  const steps = printStages(continued);
  printSteps(cloud, weights.stop(), revision);
  const served = printServed(cloud, before, revision);
  console.log();
  if (!continued.passed) return `deploy-ecs mode: continue did not take ${release.version} to production`;
  const proved = await pipeline.stage(
    release.version,
    'smoke-test',
    `${cloud.lb.url}/health answers ${release.version}`,
    smokeInputs(release.version, cloud.lb.url),
    cloud.env,
    smokePassed,
  );
  if (!proved.passed) return `production does not answer ${release.version} after the traffic shift`;
  await pipeline.stage(
    release.version,
    'rollback',
    'mark-good: the revision proved healthy',
    { ...common(chapter), mode: 'mark-good', 'task-definition': deployed.outputs['task-definition-arn'] ?? '' },
    cloud.env,
  );
  if (!steps.some((line) => /production 10%/.test(line)) || !steps.some((line) => /production 100%/.test(line)))
    return `deploy-ecs did not log production traffic moving 10% -> 100% for ${release.version}`;
  if (served.production === 0) return `${release.version} took no production request after the shift`;
  return undefined;
}

/** The share of production traffic the local ECS gives a revision, each time it changes, until stopped. */
function productionWeights(chapter: GateChapter, taskDefinitionArn: string) {
  const marks: { at: number; percent: number }[] = [];
  const sample = () => {
    const traffic = chapter.cloud.ecs.trafficOf(chapter.cluster, chapter.service);
    const runs = chapter.cloud.ecs.service(chapter.cluster, chapter.service)?.taskDefinition === taskDefinitionArn;
    const percent = traffic.shifting
      ? (traffic.production.find((w) => w.taskDefinition === taskDefinitionArn)?.weight ?? 0)
      : runs
        ? 100
        : 0;
    if (marks.at(-1)?.percent !== percent) marks.push({ at: Date.now(), percent });
  };
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return marks;
    },
  };
}

/** The production requests each revision served at each traffic step (10% then 100%), from the load balancer's log. */
function printSteps(cloud: LocalCloud, marks: { at: number; percent: number }[], revision: string) {
  marks.forEach((mark, i) => {
    const until = marks[i + 1]?.at ?? Number.POSITIVE_INFINITY;
    const counts: Record<string, number> = {};
    for (const request of cloud.lb.requests(mark.at))
      if (request.listener === 'production' && request.at < until)
        counts[request.revision] = (counts[request.revision] ?? 0) + 1;
    const shown = Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    const label = `${revision} at ${mark.percent}%:`.padEnd(18);
    console.log(`  ${i === 0 ? 'production ' : '           '} ${label} ${shown || 'no request'}`);
  });
}

/** The lifecycle stages and traffic steps deploy-ecs logged, as it logged them. */
function printStages(step: StepResult): string[] {
  const lines = step.log
    .split('\n')
    .map((line) => /\b((?:stage [A-Z_]+|traffic)\b.*)$/.exec(line)?.[1])
    .filter((line): line is string => line !== undefined);
  for (const line of lines) console.log(dim(`  ecs         ${line}`));
  if (lines.length > 0) console.log();
  return lines;
}

/** What each revision served on each listener since `before`; returns the counts of `revision`. */
function printServed(
  cloud: LocalCloud,
  before: ReturnType<LocalCloud['lb']['served']>,
  revision: string,
): { production: number; test: number } {
  const now = cloud.lb.served();
  const counts = (listener: 'production' | 'test') => {
    const delta: Record<string, number> = { [revision]: 0 };
    for (const [name, n] of Object.entries(now[listener])) {
      const since = n - (before[listener][name] ?? 0);
      if (since > 0 || name === revision) delta[name] = since;
    }
    return delta;
  };
  const production = counts('production');
  const test = counts('test');
  const shown = (delta: Record<string, number>) =>
    Object.entries(delta)
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
  console.log(`  served      production listener: ${shown(production)}`);
  console.log(`              test listener:       ${shown(test)}`);
  return { production: production[revision] ?? 0, test: test[revision] ?? 0 };
}
