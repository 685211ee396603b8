import { describe, expect, it } from 'vitest';
import { run } from '../../src/terraform/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { terraformEnv, workspaceWith } from './helpers.js';

/** Every input is checked before anything is installed or run: these fail with no terraform at all. */
async function withInputs(inputs: Record<string, string>) {
  const { workspace } = workspaceWith('service');
  // An empty PATH: had the stage got as far as looking for terraform, it would fail differently.
  return runInProcess(run, { 'working-directory': 'infra', ...inputs }, terraformEnv(workspace, { PATH: '' }));
}

describe('terraform inputs', () => {
  it.each([
    [
      'lock-timeout',
      'forever',
      "Input 'lock-timeout' must be a duration such as 500ms, 30s, 5m or 1m30s (a bare number is seconds), got 'forever'.",
    ],
    ['plan-hash', 'abc', "Input 'plan-hash' must be the 64-character hex 'plan-hash' output"],
    ['variables', 'image tag=v1', "Input 'variables' has 'image tag', which is not a Terraform variable name."],
    ['variables', 'image_tag', "Input 'variables' line 1 is not KEY=value: 'image_tag'."],
    ['workspace', 'pr 7', "Input 'workspace' must be letters, digits"],
    ['download-url', 'releases.internal', "Input 'download-url' must be an http(s) URL"],
    ['terraform-version', 'one.two', "Input 'terraform-version' 'one.two' is not a version, a range or 'latest'."],
    ['binary', 'opentofu', "Input 'binary' must be one of terraform, tofu, got 'opentofu'."],
    ['working-directory', 'nowhere', "Input 'working-directory' is "],
  ])('refuses %s: %s before running anything', async (input, value, message) => {
    const result = await withInputs({ [input]: value });
    expect(result.exitCode).toBe(1);
    expect(result.outputs['failure-reason']).toBe('invalid-input');
    expect(result.log).toContain(message);
    expect(result.log).not.toContain('::group::Install');
  });

  it('accepts secret variables whose values contain = and masks them at once', async () => {
    const result = await withInputs({ 'secret-variables': 'dsn=postgres://u:p=w@db/app', 'lock-timeout': 'x' });
    expect(result.log).toContain('::add-mask::postgres://u:p=w@db/app');
    expect(result.outputs['failure-reason']).toBe('invalid-input');
  });

  it('masks a malformed secret line before the error that quotes it', async () => {
    const result = await withInputs({ 'secret-variables': 's3cr3t-without-a-name' });
    expect(result.outputs['failure-reason']).toBe('invalid-input');
    // Its first appearance is the mask command, so the runner hides it in the error message after it.
    const first = result.log.indexOf('s3cr3t-without-a-name');
    expect(result.log.slice(first - '::add-mask::'.length, first)).toBe('::add-mask::');
    expect(result.log.indexOf('s3cr3t-without-a-name', first + 1)).toBeGreaterThan(first);
  });
});
