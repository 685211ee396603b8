import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { containersLeft, demo, expectTheStory, finalTable, processesLeft } from './demo/helpers.js';
import { busybox, docker } from './helpers/prereq.js';
import { repoRoot } from './helpers/runner.js';

/**
 * `npm run demo` is the first thing a newcomer runs: it must keep telling the whole story with tasks that
 * really run, and leave nothing running behind it. The flavour without Docker: test/demo/no-docker.test.ts.
 */

/** Tasks as containers: a Docker engine, and the busybox their image is built from (asked only with Docker). */
const containers = docker().available && busybox().available;
/** The demo builds five images on this machine's storage driver; a loaded CI machine needs the room. */
const DEMO_TIMEOUT = 340_000;

describe('npm run demo', () => {
  it.skipIf(!containers)(
    'with Docker: builds and pushes each release, runs its tasks as containers, catches the crashing and the broken release, rejects the bad canary at the gate (0 production requests), shifts the good one, ends on 1.4.0 and removes its containers',
    async () => {
      const { stdout } = await demo();
      expect(stdout).toMatch(/Docker engine .*: tasks run as containers/);
      const table = finalTable(stdout);
      for (const version of ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'])
        expect(table).toMatch(new RegExp(`${version.replace(/\./g, '\\.')} +build-push +✔ success`));
      expect(stdout).toMatch(/Built and pushed .*127\.0\.0\.1:\d+\/hello@sha256:[0-9a-f]{64}/);
      expect(stdout).toContain('hello=127.0.0.1:');
      expectTheStory(stdout);
      expect(containersLeft(stdout)).toEqual([]);
    },
    DEMO_TIMEOUT,
  );

  it(
    'interrupted with Ctrl-C while tasks run, it stops every task it started',
    async () => {
      const args = containers ? [] : ['--no-docker'];
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], { cwd: repoRoot });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          // Tasks of 1.0.0 run and serve behind the load balancer: interrupt the smoke test.
          if (/\+ hello:1 task \w+ registered/.test(stdout)) resolve();
        });
        void exited.then(() => reject(new Error(`the demo ended before its tasks ran:\n${stderr}\n${stdout}`)));
      });
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stdout).toContain('interrupted: stopping every task');
      expect(containers ? containersLeft(stdout) : processesLeft(stdout)).toEqual([]);
    },
    DEMO_TIMEOUT,
  );
});
