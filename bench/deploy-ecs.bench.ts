import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsEnvironment } from '../test/fakes/aws/json-server.js';
import { startFakeEcs, type FakeEcs } from '../test/fakes/ecs/index.js';
import { webTaskDefinition } from '../test/deploy-ecs/fixture.js';
import {
  BARE_NODE,
  INVALID_INPUTS,
  bareNode,
  bundleSize,
  compared,
  entrySize,
  median,
  tally,
  timedStep,
  type Figure,
} from './lib.js';

/**
 * deploy-ecs: bundle size, cold start (to the first ECS request, and to exit on invalid input) against a
 * bare `node -e ''`, time to red at the default poll interval, and the ECS calls of a healthy rollout.
 */

const V2 = '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2.0.0';

async function setup(): Promise<{ ecs: FakeEcs; inputs: Record<string, string>; env: Record<string, string> }> {
  const ecs = await startFakeEcs();
  const first = ecs.register(webTaskDefinition());
  ecs.seedService({ name: 'web', taskDefinition: first.taskDefinitionArn, desiredCount: 2 });
  const workspace = mkdtempSync(join(tmpdir(), 'bench-'));
  writeFileSync(join(workspace, 'td.json'), JSON.stringify(webTaskDefinition(V2)));
  return {
    ecs,
    inputs: { 'task-definition': 'td.json', service: 'web' },
    env: { ...awsEnvironment({ ECS: ecs.url }), GITHUB_WORKSPACE: workspace },
  };
}

/** Cold starts, median of 7 each: a bare Node, the bundle to exit on an invalid input, to its first ECS request. */
async function coldStarts(): Promise<{ bare: number; invalid: number; firstRequest: number }> {
  const bare: number[] = [];
  const invalid: number[] = [];
  const firstRequest: number[] = [];
  for (let i = 0; i < 7; i++) {
    bare.push(await bareNode());
    const f = await setup();
    const bad = await timedStep('deploy-ecs', { inputs: { ...f.inputs, ...INVALID_INPUTS['deploy-ecs'] }, env: f.env });
    invalid.push(bad.endedAt - bad.startedAt);
    const good = await timedStep('deploy-ecs', {
      inputs: { ...f.inputs, 'wait-for-service-stability': 'false' },
      env: f.env,
    });
    firstRequest.push((f.ecs.calls[0]?.at ?? Number.NaN) - good.startedAt);
    await f.ecs.close();
  }
  return { bare: median(bare), invalid: median(invalid), firstRequest: median(firstRequest) };
}

/** Time to red: the new tasks crash; from the fake marking the rollout FAILED to the step's exit, median of 3. */
async function timeToRed(): Promise<number> {
  const red: number[] = [];
  for (let i = 0; i < 3; i++) {
    const f = await setup();
    f.ecs.behaviour = (td) =>
      td.containerDefinitions[0]?.image === V2 ? { kind: 'crash', exitCode: 137, startMs: 200 } : { kind: 'healthy' };
    const { endedAt } = await timedStep('deploy-ecs', { inputs: f.inputs, env: f.env });
    red.push(endedAt - ([...f.ecs.failedAt.values()][0] ?? Number.NaN));
    await f.ecs.close();
  }
  return median(red);
}

/**
 * Time to green: tasks that are healthy as soon as they start; from spawning the step to its exit with the
 * rollout COMPLETED, at the default poll interval, median of 3.
 */
async function timeToGreen(): Promise<number> {
  const green: number[] = [];
  for (let i = 0; i < 3; i++) {
    const f = await setup();
    f.ecs.behaviour = () => ({ kind: 'healthy', startMs: 200 });
    const step = await timedStep('deploy-ecs', { inputs: f.inputs, env: f.env });
    if (step.exitCode !== 0) throw new Error(`the healthy deploy failed:\n${step.log}`);
    green.push(step.ms);
    await f.ecs.close();
  }
  return median(green);
}

/** The ECS calls of a healthy rollout whose tasks take 30 s to start, at the default interval. */
async function healthyRolloutCalls(): Promise<Figure> {
  const f = await setup();
  f.ecs.behaviour = () => ({ kind: 'healthy', startMs: 30_000 });
  await timedStep('deploy-ecs', { inputs: f.inputs, env: f.env });
  const byOperation = tally(f.ecs.calls, (call) => call.operation);
  const calls = f.ecs.calls.length;
  await f.ecs.close();
  return { name: `ECS calls, healthy 30 s rollout (${byOperation})`, value: calls, unit: 'calls' };
}

export default async function deployEcs(): Promise<Figure[]> {
  const start = await coldStarts();
  const red = await timeToRed();
  const green = await timeToGreen();
  const calls = await healthyRolloutCalls();
  return [
    bundleSize('deploy-ecs'),
    entrySize('deploy-ecs'),
    { name: "node -e '' (Node 24), median", value: start.bare, unit: 'ms' },
    compared(
      { name: 'cold start to the first ECS request, median', value: start.firstRequest, unit: 'ms' },
      BARE_NODE,
      start.bare,
    ),
    compared(
      { name: 'cold start to exit on invalid input, median', value: start.invalid, unit: 'ms' },
      BARE_NODE,
      start.bare,
    ),
    { name: 'time to red at poll-interval 5 s, median of 3', value: red, unit: 'ms' },
    { name: 'time to green (tasks healthy at once), step start to exit, median of 3', value: green, unit: 'ms' },
    calls,
  ];
}
