import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terraform } from '../helpers/prereq.js';
import { runBundle, type StepResult } from '../helpers/runner.js';
import { startReleases, versionScript, type ReleasesServer } from '../fakes/releases/server.js';
import { terraformEnv, workspaceWith } from './helpers.js';

/** actions/terraform/dist/index.js run as the runner runs it: Node 24, INPUT_* variables, runner files. */

const tf = terraform();
let releases: ReleasesServer;

beforeAll(async () => {
  // 1.98.0 answers `version` itself and hands every other command to the machine's real terraform, so a
  // downloaded release can plan for real; 1.97.0's SHA256SUMS does not match its zip.
  const real = tf.available ? execFileSync('sh', ['-c', 'command -v terraform']).toString().trim() : 'false';
  const script = versionScript('1.98.0').replace(/ {2}\*\) .*$/m, `  *) exec ${real} "$@" ;;`);
  releases = await startReleases({ '1.98.0': { script }, '1.97.0': { badChecksum: true } });
});
afterAll(() => releases.close());

/** A failed step: its exit code, its failure-reason output, and a job summary that says so and why. */
function expectFailure(result: StepResult, reason: string, says: string[]): void {
  expect(result.exitCode).toBe(1);
  expect(result.outputs['failure-reason']).toBe(reason);
  expect(result.summary).toContain('### terraform: ❌ Failed');
  expect(result.summary).toContain(`| Failure reason | <code>${reason}</code> |`);
  for (const text of says) expect(result.summary).toContain(text);
}

describe('the terraform bundle', () => {
  it('fails on an invalid input before doing anything, naming the input and the choices', async () => {
    const result = await runBundle('terraform', { inputs: { command: 'deploy' } });
    expectFailure(result, 'invalid-input', [
      "Input 'command' must be one of plan, apply, output, destroy, validate, setup",
    ]);
    expect(result.log).toContain(
      "::error::Input 'command' must be one of plan, apply, output, destroy, validate, setup, got 'deploy'.",
    );
  });

  it('refuses a download whose checksum does not match SHA256SUMS, and caches nothing', async () => {
    const { workspace } = workspaceWith('service');
    const env = terraformEnv(workspace);
    const result = await runBundle('terraform', {
      inputs: {
        command: 'validate',
        'working-directory': 'infra',
        'terraform-version': '1.97.0',
        'download-url': releases.url,
      },
      env,
    });
    expectFailure(result, 'checksum-mismatch', [
      'validate of <code>infra</code> failed: The checksum of terraform_1.97.0_',
      '| What to do | The download was corrupted or tampered with.',
    ]);
    expect(result.log).toContain('does not match its SHA256SUMS');
    expect(existsSync(join(env.RUNNER_TOOL_CACHE, 'terraform'))).toBe(false);
  });

  it.skipIf(!tf.available)(
    'downloads a verified release, plans and applies with it, and on the next run takes it from the tool cache',
    async () => {
      const { workspace } = workspaceWith('service');
      const env = { ...terraformEnv(workspace), RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'tool-cache-')) };
      const inputs = { 'working-directory': 'infra', 'terraform-version': '1.98.0', 'download-url': releases.url };

      releases.requests.length = 0;
      const planned = await runBundle('terraform', { inputs: { ...inputs, command: 'plan' }, env });
      expect(planned.exitCode, planned.log).toBe(0);
      expect(planned.outputs).toMatchObject({ 'terraform-version': '1.98.0', 'has-changes': 'true', 'to-add': '2' });
      expect(planned.log).toContain('Using terraform 1.98.0 from the download');
      expect(planned.summary).toContain('| Terraform | 1.98.0 (download) |');
      expect(releases.requests.filter((path) => path.endsWith('.zip'))).toHaveLength(1);

      releases.requests.length = 0;
      const applied = await runBundle('terraform', {
        inputs: { ...inputs, command: 'apply', 'plan-file': 'tfplan' },
        env,
      });
      expect(applied.exitCode, applied.log).toBe(0);
      expect(applied.log).toContain('Using terraform 1.98.0 from the cache');
      expect(releases.requests).toEqual([]);
      expect(JSON.parse(applied.outputs.outputs!).service_url).toBe('https://web-v1.example.com');
      expect(applied.outputs.service_url).toBe('https://web-v1.example.com');
    },
  );
});
