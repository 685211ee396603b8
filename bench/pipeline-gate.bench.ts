import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateServiceCommand, ECSClient } from '@aws-sdk/client-ecs';
import { shortArn } from '../src/lib/arn.js';
import { blueGreen, productionUsers, quietly } from '../scripts/demo/gate.js';
import { awsEnvironment } from '../test/fakes/aws/json-server.js';
import { helloDefinition, helloImages } from '../test/fakes/ecs/hello.js';
import { startFakeEcs } from '../test/fakes/ecs/index.js';
import { processDriver } from '../test/fakes/ecs/process-driver.js';
import { startFakeElbv2 } from '../test/fakes/elbv2/index.js';
import { startLoadBalancer } from '../test/fakes/elbv2/load-balancer.js';
import { BARE_NODE, bareNode, compared, median, timedStep, type Figure } from './lib.js';

/**
 * The test-traffic gate in its two-step form, timed as ecs-pipeline.yml runs it (deploy-ecs with gate: test-traffic -> smoke-test through
 * test-url -> deploy-ecs mode: continue or rollback), each step a bundle run as the runner runs it, against the
 * local ECS with tasks that really run (local processes of the sample service) behind the local load balancer:
 * - from the deployment pausing at the gate (the local ECS's PAUSE hook AWAITING_ACTION) to the first request on
 *   the test listener: deploy-ecs noticing the pause at its poll interval, ending, and the smoke test starting;
 * - from the decision (the smoke test's exit; the continue step's start) to ContinueServiceDeployment received;
 * - the production requests a revision rejected at the gate served, with production in use meanwhile (goal: 0).
 * bench/ecs-gate.bench.ts times the one-step form (deploy-ecs probing test-url itself).
 */

const MINUTE_MS = 100;
const IMAGES = {
  'local/hello:1.0.0': { VERSION: '1.0.0' },
  'local/hello:2.0.0': { VERSION: '2.0.0' },
  'local/hello:2.0.1': { VERSION: '2.0.1', BUG: 'unhealthy' },
};
type Image = keyof typeof IMAGES;

/** A CANARY-capable service of two tasks of 1.0.0 behind the local load balancer, with its test listener. */
async function world() {
  const ecs = await startFakeEcs({
    minuteMs: MINUTE_MS,
    driver: processDriver({ images: helloImages(IMAGES), deregistrationDelayMs: 0 }),
  });
  ecs.addCluster('production');
  const lb = await startLoadBalancer(ecs, 'hello', 'production');
  const elbv2 = await startFakeElbv2();
  const { targetGroup } = elbv2.seedLoadBalancer({
    name: 'hello',
    dnsName: '127.0.0.1',
    listeners: [{ protocol: 'HTTP', port: Number(new URL(lb.url).port) }],
  });
  const env = awsEnvironment({ ECS: ecs.url, ELASTIC_LOAD_BALANCING_V2: elbv2.url });
  const client = quietly(
    () =>
      new ECSClient({
        endpoint: ecs.url,
        region: 'us-east-1',
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
      }),
  );
  await client.send(
    new CreateServiceCommand({
      cluster: 'production',
      serviceName: 'hello',
      taskDefinition: helloDefinition(ecs, 'local/hello:1.0.0'),
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'], securityGroups: ['sg-0123456789abcdef0'] },
      },
      loadBalancers: [{ targetGroupArn: targetGroup.TargetGroupArn, containerName: 'hello', containerPort: 8080 }],
    }),
  );
  client.destroy();
  await blueGreen({ ecs, elbv2, lb, env, targetGroupArn: targetGroup.TargetGroupArn }, 'production', 'hello');
  for (let i = 0; i < 300; i++) {
    const answer = await fetch(`${lb.url}/health`).then(
      (r) => r.json() as Promise<{ version?: string }>,
      (): { version?: string } => ({}),
    );
    if (answer.version === '1.0.0') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const workspace = mkdtempSync(join(tmpdir(), 'bench-gate-'));
  return {
    ecs,
    lb,
    env: { ...env, GITHUB_WORKSPACE: workspace },
    /** A task definition file of the release (the sample service's health check, 1 s apart). */
    release(image: Image) {
      writeFileSync(join(workspace, 'td.json'), JSON.stringify(taskDefinition(image)));
      return 'td.json';
    },
    close: async () => {
      await lb.close();
      await elbv2.close();
      await ecs.close();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

function taskDefinition(image: Image) {
  return {
    family: 'hello',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'hello',
        image,
        essential: true,
        portMappings: [{ containerPort: 8080 }],
        healthCheck: {
          command: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:$PORT/live || exit 1'],
          interval: 1,
          timeout: 1,
          retries: 2,
        },
      },
    ],
  };
}

type World = Awaited<ReturnType<typeof world>>;

/** deploy-ecs to the gate, as ecs-pipeline.yml's deploy step with strategy CANARY and gate: test-traffic. */
async function toTheGate(w: World, image: Image, pollInterval = '5') {
  const step = await timedStep('deploy-ecs', {
    inputs: {
      'task-definition': w.release(image),
      cluster: 'production',
      service: 'hello',
      'container-name': 'hello',
      strategy: 'CANARY',
      'canary-percent': '10',
      'canary-bake-time': '1m',
      'bake-time': '0m',
      gate: 'test-traffic',
      'poll-interval': pollInterval,
    },
    env: w.env,
  });
  const arn = step.outputs['service-deployment-arn'] ?? '';
  if (step.exitCode !== 0 || step.outputs.gate !== 'paused')
    throw new Error(`deploy-ecs did not stop at the gate (exit ${step.exitCode}):\n${step.log}`);
  const hook = w.ecs.serviceDeployments.find(arn)?.traffic?.ran.find((run) => run.targetType === 'PAUSE');
  if (!hook) throw new Error(`the local ECS ran no PAUSE hook for ${arn}`);
  return { step, arn, testUrl: step.outputs['test-url'] ?? '', pausedAt: hook.startedAt };
}

/** smoke-test through the test listener, as ecs-pipeline.yml's gate-smoke step (the demo's checks). */
const gateSmoke = (w: World, testUrl: string, version: string) =>
  timedStep('smoke-test', {
    inputs: {
      url: `${testUrl}/health`,
      'expect-json': `status=healthy\nversion=${version}`,
      timeout: '5',
      interval: '0.3',
      backoff: '1',
      'consecutive-successes': '3',
      'fail-on-error': 'false',
    },
    env: w.env,
  });

const answer = (w: World, mode: 'continue' | 'rollback', arn: string) =>
  timedStep('deploy-ecs', {
    inputs: { mode, cluster: 'production', service: 'hello', 'service-deployment-arn': arn },
    env: w.env,
  });

interface Round {
  /** Pause -> first request on the test listener; pause -> deploy-ecs exit; deploy-ecs exit -> first request. */
  pauseToProbe: number;
  pauseToExit: number;
  exitToProbe: number;
  /** Smoke test's exit -> ContinueServiceDeployment; continue step's spawn -> ContinueServiceDeployment. */
  decisionToContinue: number;
  startToContinue: number;
}

/** A good release through the gate, timed. */
async function goodRound(pollInterval: string): Promise<Round> {
  const w = await world();
  try {
    const gate = await toTheGate(w, 'local/hello:2.0.0', pollInterval);
    const probed = await gateSmoke(w, gate.testUrl, '2.0.0');
    if (probed.outputs.passed !== 'true')
      throw new Error(`the smoke test through the test listener failed:\n${probed.log}`);
    const firstProbe = w.lb.requests(gate.pausedAt).find((r) => r.listener === 'test');
    if (!firstProbe) throw new Error('no request reached the test listener');
    const continued = await answer(w, 'continue', gate.arn);
    if (continued.exitCode !== 0) throw new Error(`deploy-ecs mode: continue failed:\n${continued.log}`);
    const call = w.ecs.calls.find((c) => c.operation === 'ContinueServiceDeployment');
    if (!call) throw new Error('the local ECS received no ContinueServiceDeployment');
    return {
      pauseToProbe: firstProbe.at - gate.pausedAt,
      pauseToExit: gate.step.endedAt - gate.pausedAt,
      exitToProbe: firstProbe.at - gate.step.endedAt,
      decisionToContinue: call.at - probed.endedAt,
      startToContinue: call.at - continued.startedAt,
    };
  } finally {
    await w.close();
  }
}

/** A bad release rejected at the gate while production is in use: what it served, by listener. */
async function rejectedRound(): Promise<{ production: number; test: number; productionTotal: number }> {
  const w = await world();
  const users = productionUsers(w.lb.url);
  try {
    const before = w.lb.served();
    const gate = await toTheGate(w, 'local/hello:2.0.1');
    const probed = await gateSmoke(w, gate.testUrl, '2.0.1');
    if (probed.outputs.passed !== 'false')
      throw new Error(`the smoke test passed a release answering 503:\n${probed.log}`);
    const back = await answer(w, 'rollback', gate.arn);
    if (back.outputs.gate !== 'rolled-back')
      throw new Error(`deploy-ecs mode: rollback did not roll back:\n${back.log}`);
    await users.stop();
    const after = w.lb.served();
    const bad = shortArn(gate.step.outputs['task-definition-arn'] ?? '');
    const total = Object.entries(after.production).reduce(
      (sum, [name, n]) => sum + n - (before.production[name] ?? 0),
      0,
    );
    return { production: after.production[bad] ?? 0, test: after.test[bad] ?? 0, productionTotal: total };
  } finally {
    await users.stop();
    await w.close();
  }
}

export default async function gate(): Promise<Figure[]> {
  const rounds: Round[] = [];
  const quick: Round[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 3; i++) {
    rounds.push(await goodRound('5'));
    quick.push(await goodRound('1'));
    bare.push(await bareNode());
  }
  const of = (key: keyof Round, from = rounds) => median(from.map((round) => round[key]));
  const rejected = await rejectedRound();
  const node = median(bare);
  return [
    {
      name: 'pipeline gate: pause -> first test-url request (poll 5 s), median of 3',
      value: of('pauseToProbe'),
      unit: 'ms',
    },
    { name: '  of which pause -> deploy-ecs exit (its poll interval)', value: of('pauseToExit'), unit: 'ms' },
    compared(
      { name: '  of which deploy-ecs exit -> first test-listener request', value: of('exitToProbe'), unit: 'ms' },
      BARE_NODE,
      node,
    ),
    {
      name: 'pipeline gate: pause -> first test-url request (poll 1 s), median of 3',
      value: of('pauseToProbe', quick),
      unit: 'ms',
    },
    {
      name: 'pipeline gate: smoke-test exit -> ContinueServiceDeployment, median of 6',
      value: median([...rounds, ...quick].map((round) => round.decisionToContinue)),
      unit: 'ms',
    },
    compared(
      {
        name: 'pipeline gate: continue start -> ContinueServiceDeployment, median of 6',
        value: median([...rounds, ...quick].map((round) => round.startToContinue)),
        unit: 'ms',
      },
      BARE_NODE,
      node,
    ),
    {
      name: 'pipeline gate: production requests a rejected revision served (goal 0)',
      value: rejected.production,
      unit: 'requests',
    },
    {
      name: '  production requests the previous revision served meanwhile',
      value: rejected.productionTotal - rejected.production,
      unit: 'requests',
    },
    { name: '  test-listener requests the rejected revision served', value: rejected.test, unit: 'requests' },
  ];
}
