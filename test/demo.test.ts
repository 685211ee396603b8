import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { docker } from './helpers/prereq.js';
import { repoRoot } from './helpers/runner.js';

/**
 * `npm run demo` is the first thing a newcomer runs: it must keep telling the whole story, with real
 * tasks (Docker containers, or local processes without Docker), and leave nothing running behind it.
 */

const demo = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
    cwd: repoRoot,
    timeout: 180_000,
  });

const finalTable = (stdout: string) => stdout.slice(stdout.lastIndexOf('summary'));

/** Containers of the demo's run still present (the demo prints the label it gives them). */
function containersLeft(stdout: string): string[] {
  const label = /labelled (\S+=\S+)\)/.exec(stdout)?.[1];
  expect(label).toBeDefined();
  return execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `label=${label}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

function serviceProcessesLeft(): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('examples/hello-service/server.mjs'));
}

function expectTheStory(stdout: string) {
  const table = finalTable(stdout);
  expect(table).toMatch(/1\.0\.0 +deploy-ecs +✔ success/);
  expect(table).toMatch(/1\.0\.0 +smoke-test +✔ success/);
  expect(table).toMatch(/1\.1\.0 +deploy-ecs +✘ failure/);
  expect(table).toMatch(/1\.2\.0 +deploy-ecs +✔ success/);
  expect(table).toMatch(/1\.2\.0 +smoke-test +✘ failure/);
  expect(table).toMatch(/1\.2\.0 +rollback +✔ success/);
  expect(table).toMatch(/1\.2\.0 +smoke-test +✔ success/);
  // The crash is reported with the real exit code of the release's process.
  expect(stdout).toContain('container hello exited with code 3');
  // During the rolling deployment the load balancer moved traffic to the new tasks, and back.
  expect(stdout).toMatch(/\+ hello:3 task \w+ registered/);
  expect(stdout).toMatch(/- hello:1 task \w+ deregistered/);
  expect(stdout).toMatch(/\+ hello:1 task \w+ registered[^]*- hello:3 task \w+ deregistered/);
  expect(stdout).toContain('"status\\":\\"unhealthy\\"');
  expect(stdout).toMatch(/hello now runs hello:1 \(version 1\.0\.0\), on 2 healthy/);
}

const engine = docker();

describe('npm run demo', () => {
  it.skipIf(!engine.available)(
    'with Docker: builds and pushes each release, runs its tasks as containers, catches the crashing and the broken release, ends on 1.0.0 and removes its containers',
    async () => {
      const { stdout } = await demo();
      expect(stdout).toMatch(/Docker engine .*: tasks run as containers/);
      const table = finalTable(stdout);
      for (const version of ['1.0.0', '1.1.0', '1.2.0'])
        expect(table).toMatch(new RegExp(`${version.replace(/\./g, '\\.')} +build-push +✔ success`));
      expect(stdout).toMatch(/Built and pushed .*127\.0\.0\.1:\d+\/hello@sha256:[0-9a-f]{64}/);
      expect(stdout).toContain('hello=127.0.0.1:');
      expectTheStory(stdout);
      expect(containersLeft(stdout)).toEqual([]);
    },
  );

  it('without Docker: says so and runs the same flow with tasks as local processes of the sample service', async () => {
    const { stdout } = await demo('--no-docker');
    expect(stdout).toContain('No Docker engine (--no-docker was given): tasks run as local Node processes');
    expect(finalTable(stdout)).toMatch(/1\.0\.0 +build-push +- skipped/);
    expectTheStory(stdout);
    expect(serviceProcessesLeft()).toEqual([]);
  });

  it('interrupted with Ctrl-C while tasks run, it stops every task it started', async () => {
    const args = engine.available ? [] : ['--no-docker'];
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], { cwd: repoRoot });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        // Tasks of 1.0.0 run and serve behind the load balancer: interrupt the smoke test.
        if (/\+ hello:1 task \w+ registered/.test(stdout)) resolve();
      });
      void exited.then(() => reject(new Error(`the demo ended before its tasks ran:\n${stdout}`)));
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toContain('interrupted: stopping every task');
    if (engine.available) expect(containersLeft(stdout)).toEqual([]);
    expect(serviceProcessesLeft()).toEqual([]);
  });
});
