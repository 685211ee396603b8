import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { repoRoot } from '../helpers/runner.js';

/** Runs `npm run demo` (scripts/demo.ts) and what the demo tests check in its output. */

export async function demo(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
      cwd: repoRoot,
      timeout: 230_000,
    });
  } catch (error) {
    // Why the demo stopped is on stderr; which stage broke, and its errors, on stdout.
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`the demo failed:\n${stderr}\n${stdout}`, { cause: error });
  }
}

export const finalTable = (stdout: string) => stdout.slice(stdout.lastIndexOf('summary'));

/** The label the demo printed for this run's tasks. */
function runLabel(stdout: string): string {
  const label = /labelled (\S+=\S+)\)/.exec(stdout)?.[1];
  if (!label) throw new Error(`the demo printed no task label:\n${stdout}`);
  return label;
}

/** Containers of the demo's run still present. */
export function containersLeft(stdout: string): string[] {
  return execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `label=${runLabel(stdout)}`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
}

/** Task processes of the demo's run still present. */
export function processesLeft(stdout: string): string[] {
  const label = runLabel(stdout);
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`--label=${label}`));
}

export function expectTheStory(stdout: string) {
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
  // During the rolling deployments the load balancer moved traffic to the new tasks, and back.
  expect(stdout).toMatch(/\+ hello:3 task \w+ registered/);
  expect(stdout).toMatch(/- hello:1 task \w+ deregistered/);
  expect(stdout).toMatch(/\+ hello:1 task \w+ registered[^]*- hello:3 task \w+ deregistered/);
  expect(stdout).toContain('"status\\":\\"unhealthy\\"');
  expect(stdout).toMatch(/hello now runs hello:1 \(version 1\.0\.0\), on 2 healthy/);
  // deploy-ecs found the load balancer through ELBv2 (target group -> DNS name, listener port): the smoke test
  // probes its service-url, which is the demo's load balancer.
  const balancer = /load balancer +(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
  expect(balancer).toBeDefined();
  expect(stdout).toContain(`smoke-test  ${balancer}/health answers 1.0.0`);
  expect(stdout).not.toContain('service-url is left empty');
}
