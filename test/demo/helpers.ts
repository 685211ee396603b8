import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { repoRoot } from '../helpers/runner.js';

/** Runs `npm run demo` (scripts/demo.ts) and what the demo tests check in its output. */

export async function demo(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
      cwd: repoRoot,
      timeout: 330_000,
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
  expectTheGate(stdout);
  // deploy-ecs found the load balancer through ELBv2 (target group -> DNS name, listener port): the smoke test
  // probes its service-url, which is the demo's load balancer.
  const balancer = /load balancer +(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
  expect(balancer).toBeDefined();
  expect(stdout).toContain(`smoke-test  ${balancer}/health answers 1.0.0`);
  expect(stdout).not.toContain('service-url is left empty');
}

/**
 * The test-traffic gate chapter: the canary 1.3.0 paused at the gate, failed its smoke test through the test
 * listener and was rolled back having served 0 production requests (the load balancer's counts, printed); 1.4.0
 * passed the gate and was shifted 10% -> 100%, as deploy-ecs logged it; the service ends on 1.4.0.
 */
export function expectTheGate(stdout: string) {
  const chapter = stdout.slice(stdout.indexOf('the test-traffic gate:'), stdout.lastIndexOf('summary'));
  expect(chapter).toMatch(/test listener +http:\/\/127\.0\.0\.1:\d+/);
  const rejected = /the rejected 1\.3\.0 \((hello:\d+)\) served (\d+) production requests/.exec(chapter);
  expect(rejected?.[2]).toBe('0');
  const revision = rejected?.[1] ?? '';
  // The load balancer's counts: 0 on the production listener, the smoke test's probes on the test listener.
  expect(chapter).toContain(`production listener: hello:1 `);
  expect(chapter).toMatch(new RegExp(`production listener: .*\\b${revision} 0\\b`));
  expect(chapter).toMatch(new RegExp(`test listener: +${revision} [1-9]\\d*`));
  expect(chapter).toMatch(
    /smoke-test +http:\/\/127\.0\.0\.1:\d+\/health answers 1\.3\.0 \(test listener\) \.\.\. ✘ failure/,
  );
  expect(chapter).toMatch(/deploy-ecs +mode: rollback: the gate rejected it \.\.\. ✔ success/);
  expect(chapter).toMatch(/smoke-test +production still answers 1\.0\.0 \.\.\. ✔ success/);
  // The good canary: proven through the test listener, then production 10%, then 100% after its bake time.
  expect(chapter).toMatch(
    /smoke-test +http:\/\/127\.0\.0\.1:\d+\/health answers 1\.4\.0 \(test listener\) \.\.\. ✔ success/,
  );
  expect(chapter).toMatch(/deploy-ecs +mode: continue: the gate passed, production traffic shifts \.\.\. ✔ success/);
  expect(chapter).toMatch(/ecs +.*production 10%[^]*ecs +.*production 100%/);
  const table = finalTable(stdout);
  expect(table).toMatch(/1\.3\.0 +smoke-test +✘ failure/);
  expect(table).toMatch(/1\.4\.0 +rollback +✔ success/);
  expect(stdout).toMatch(/hello now runs hello:\d+ \(version 1\.4\.0\), on 2 healthy/);
}
