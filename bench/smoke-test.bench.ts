import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script shared with the tests and the demo
import { node24 } from '../scripts/node24.mjs';
import { median, timeToExit, type Figure } from './lib.js';

const dist = join(import.meta.dirname, '..', 'actions', 'smoke-test', 'dist');

function bundleBytes(): number {
  return readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

/** Time from spawning the bundle to its exit when an input is invalid: what a mistyped workflow costs. */
async function coldStart(node: string): Promise<{ action: number; baseline: number }> {
  const files = mkdtempSync(join(tmpdir(), 'bench-runner-'));
  for (const name of ['output', 'state', 'summary']) writeFileSync(join(files, name), '');
  const env = {
    PATH: process.env.PATH,
    INPUT_URL: 'http://127.0.0.1:9/health',
    'INPUT_EXPECT-STATUS': 'healthy',
    GITHUB_OUTPUT: join(files, 'output'),
    GITHUB_STATE: join(files, 'state'),
    GITHUB_STEP_SUMMARY: join(files, 'summary'),
  };
  const action: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < 9; i++) {
    baseline.push(await timeToExit(node, ['-e', '']));
    action.push(await timeToExit(node, [join(dist, 'index.js')], env));
  }
  return { action: median(action), baseline: median(baseline) };
}

export default async function smokeTestBench(): Promise<Figure[]> {
  const start = await coldStart(node24() as string);
  return [
    { name: 'bundle size of actions/smoke-test/dist', value: bundleBytes(), unit: 'bytes' },
    {
      name: 'cold start to exit on invalid input',
      value: start.action,
      unit: 'ms',
      baseline: "node -e ''",
      ratio: start.action / start.baseline,
    },
  ];
}
