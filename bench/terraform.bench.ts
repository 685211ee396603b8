import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script shared with the tests and the demo
import { node24 } from '../scripts/node24.mjs';
import { install } from '../src/terraform/install.js';
import { startReleases } from '../test/fakes/releases/server.js';
import { median, timeToExit, type Figure } from './lib.js';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'actions', 'terraform', 'dist');

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
    INPUT_COMMAND: 'deploy',
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

/**
 * Installing from the tool cache against a first download with checksum check and unzip, from a local
 * releases site serving a zip of the machine's real terraform (about 90 MB uncompressed) when there is one.
 */
async function installTimes(): Promise<{ download: number; cache: number; zipBytes: number }> {
  let content: Buffer | undefined;
  try {
    content = readFileSync(execFileSync('sh', ['-c', 'command -v terraform']).toString().trim());
  } catch {
    content = undefined;
  }
  const releases = await startReleases({ '1.98.0': content ? { content } : {} });
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write; // install() logs progress
  try {
    const download: number[] = [];
    const cache: number[] = [];
    for (let i = 0; i < 3; i++) {
      process.env.RUNNER_TOOL_CACHE = mkdtempSync(join(tmpdir(), 'bench-tool-cache-'));
      process.env.RUNNER_TEMP = mkdtempSync(join(tmpdir(), 'bench-runner-temp-'));
      const options = {
        binary: 'terraform',
        spec: { kind: 'exact', version: '1.98.0' },
        downloadUrl: releases.url,
      } as const;
      const path = process.env.PATH;
      let started = performance.now();
      await install(options);
      download.push(performance.now() - started);
      process.env.PATH = path; // install() put the tool on PATH; the second run must find it in the cache
      started = performance.now();
      await install(options);
      cache.push(performance.now() - started);
    }
    return { download: median(download), cache: median(cache), zipBytes: releases.zipBytes('1.98.0') };
  } finally {
    process.stdout.write = write;
    await releases.close();
  }
}

export default async function terraformBench(): Promise<Figure[]> {
  const node = node24() as string;
  const start = await coldStart(node);
  const times = await installTimes();
  return [
    { name: 'bundle size of actions/terraform/dist', value: bundleBytes(), unit: 'bytes' },
    {
      name: 'cold start to exit on invalid input',
      value: start.action,
      unit: 'ms',
      baseline: "node -e ''",
      ratio: start.action / start.baseline,
    },
    { name: 'install: first download (zip, SHA256SUMS check, unzip, cache)', value: times.download, unit: 'ms' },
    {
      name: 'install: from the tool cache',
      value: times.cache,
      unit: 'ms',
      baseline: 'first download',
      ratio: times.cache / times.download,
    },
    { name: 'install: release zip served', value: times.zipBytes, unit: 'bytes' },
  ];
}
