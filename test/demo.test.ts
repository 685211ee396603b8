import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/runner.js';

/** `npm run demo` is the first thing a newcomer runs: it must keep telling the whole story. */
describe('npm run demo', () => {
  it('deploys a healthy release, catches a crashing one and a broken one, and ends on the known-good version', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      cwd: repoRoot,
      timeout: 120_000,
    });
    const table = stdout.slice(stdout.lastIndexOf('summary'));
    expect(table).toMatch(/1\.1\.0 +deploy-ecs +✔ success/);
    expect(table).toMatch(/1\.1\.0 +smoke-test +✔ success/);
    expect(table).toMatch(/1\.2\.0 +deploy-ecs +✘ failure/);
    expect(table).toMatch(/1\.3\.0 +smoke-test +✘ failure/);
    expect(table).toMatch(/1\.3\.0 +rollback +✔ success/);
    expect(stdout).toContain('container hello exited with code 137 (OutOfMemoryError');
    expect(stdout).toMatch(/hello now runs hello:2 \(.*hello:1\.1\.0\)\./);
  });
});
