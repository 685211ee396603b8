import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script shared with the tests and the demo
import { node24 } from '../scripts/node24.mjs';
import { awsEnvironment } from '../test/fakes/aws/json-server.js';
import { startFakeEcs, type FakeEcs } from '../test/fakes/ecs/index.js';
import { webTaskDefinition } from '../test/deploy-ecs/fixture.js';
import { runnerFiles, stepEnvironment } from '../test/helpers/runner.js';
import { median, timeToExit, type Figure } from './lib.js';

/**
 * deploy-ecs: bundle size, cold start (to the first ECS request, and to exit on invalid input) against a
 * bare `node -e ''`, time to red at the default poll interval, and the ECS calls of a healthy rollout.
 */

const root = join(import.meta.dirname, '..');
const dist = join(root, 'actions', 'deploy-ecs', 'dist');
const entry = join(dist, 'index.js');
const node = node24() as string;
const V2 = '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2.0.0';

function bytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

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

/** Runs the bundle; resolves with its start time and exit time (ms since epoch). */
function step(
  inputs: Record<string, string>,
  env: Record<string, string>,
): Promise<{ start: number; end: number; code: number }> {
  return new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(node, [entry], { env: stepEnvironment(inputs, runnerFiles(), env), stdio: 'ignore' });
    child.on('close', (code) => resolve({ start, end: Date.now(), code: code ?? 1 }));
  });
}

export default async function deployEcs(): Promise<Figure[]> {
  const runs = 7;
  const bare: number[] = [];
  const invalid: number[] = [];
  const firstRequest: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(await timeToExit(node, ['-e', '']));
    const f = await setup();
    const bad = await step({ ...f.inputs, 'wait-for-minutes': 'soon' }, f.env);
    invalid.push(bad.end - bad.start);
    const good = step({ ...f.inputs, 'wait-for-service-stability': 'false' }, f.env);
    const { start } = await good;
    firstRequest.push((f.ecs.calls[0]?.at ?? Number.NaN) - start);
    await f.ecs.close();
  }
  const baseline = median(bare);

  // Time to red: the new tasks crash; from the fake marking the rollout FAILED to the step's exit.
  const red: number[] = [];
  for (let i = 0; i < 3; i++) {
    const f = await setup();
    f.ecs.behaviour = (td) =>
      td.containerDefinitions[0]?.image === V2 ? { kind: 'crash', exitCode: 137, startMs: 200 } : { kind: 'healthy' };
    const { end } = await step(f.inputs, f.env);
    red.push(end - ([...f.ecs.failedAt.values()][0] ?? Number.NaN));
    await f.ecs.close();
  }

  // A healthy rollout whose tasks take 30 s to start, at the default interval.
  const f = await setup();
  f.ecs.behaviour = () => ({ kind: 'healthy', startMs: 30_000 });
  await step(f.inputs, f.env);
  const calls = f.ecs.calls.length;
  const counts = new Map<string, number>();
  for (const call of f.ecs.calls) counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1);
  const byOperation = [...counts].map(([operation, n]) => `${operation} ${n}`).join(', ');
  await f.ecs.close();

  return [
    { name: 'bundle size of actions/deploy-ecs/dist', value: bytes(dist), unit: 'bytes' },
    { name: "node -e '' (Node 24), median", value: baseline, unit: 'ms' },
    {
      name: 'cold start to the first ECS request, median',
      value: median(firstRequest),
      unit: 'ms',
      ratio: median(firstRequest) / baseline,
      baseline: "node -e ''",
    },
    {
      name: 'cold start to exit on invalid input, median',
      value: median(invalid),
      unit: 'ms',
      ratio: median(invalid) / baseline,
      baseline: "node -e ''",
    },
    { name: 'time to red at poll-interval 5 s, median of 3', value: median(red), unit: 'ms' },
    { name: `ECS calls, healthy 30 s rollout (${byOperation})`, value: calls, unit: 'calls' },
  ];
}
