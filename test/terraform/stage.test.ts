import { existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/terraform/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { terraform } from '../helpers/prereq.js';
import { holdStateLock, terraformEnv, workspaceWith } from './helpers.js';

const tf = terraform();

/** Runs the stage in-process against a copy of the fixture, as a step of a push workflow. */
async function step(workspace: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runInProcess(run, { 'working-directory': 'infra', comment: 'false', ...inputs }, terraformEnv(workspace, env));
}

const state = (dir: string, file = 'terraform.tfstate') =>
  JSON.parse(readFileSync(join(dir, file), 'utf8')) as { outputs: Record<string, { value: unknown }> };

describe.skipIf(!tf.available)('terraform stage with the real terraform binary', () => {
  it('plans changes: counts per type, a saved plan file, its hash, and the plan in the job summary', async () => {
    const { workspace, dir } = workspaceWith('service');
    const result = await step(workspace, { command: 'plan', variables: 'image_tag=v2' });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs).toMatchObject({ 'has-changes': 'true', 'to-add': '2', 'to-change': '0', 'to-destroy': '0' });
    expect(result.outputs['plan-file']).toBe(join(dir, 'tfplan'));
    expect(existsSync(join(dir, 'tfplan'))).toBe(true);
    expect(result.outputs['plan-hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(result.outputs['terraform-version']).toBe('1.11.4');
    expect(result.summary).toContain('### terraform: ✅ Succeeded');
    expect(result.summary).toContain('Plan for <code>infra</code>: 2 to add, 0 to change, 0 to destroy.');
    expect(result.summary).toContain('| `terraform_data` | 2 | 0 | 0 |');
    expect(result.summary).toContain('<details><summary>Plan</summary>');
    expect(result.summary).toContain('# terraform_data.service will be created');
    expect(existsSync(join(dir, 'terraform.tfstate'))).toBe(false);
    // TF_IN_AUTOMATION=1: no advice to type commands nobody is there to type.
    expect(result.log).not.toContain('To perform exactly these actions, run the following command');
  });

  it('applies the saved plan, exposes the outputs as JSON and one by one, then plans no changes', async () => {
    const { workspace, dir } = workspaceWith('service');
    const planned = await step(workspace, { command: 'plan', variables: 'image_tag=v2' });
    expect(planned.exitCode, planned.log).toBe(0);

    const applied = await step(workspace, { command: 'apply', 'plan-file': 'tfplan' });
    expect(applied.exitCode, applied.log).toBe(0);
    expect(JSON.parse(applied.outputs.outputs!)).toMatchObject({
      service_url: 'https://web-v2.example.com',
      ports: [80, 443],
      tags: { team: 'web', image: 'v2' },
    });
    expect(applied.outputs.service_url).toBe('https://web-v2.example.com');
    expect(applied.outputs.ports).toBe('[80,443]');
    expect(applied.outputs.tags).toBe('{"image":"v2","team":"web"}');
    expect(applied.summary).toContain('Applied the reviewed plan to <code>infra</code>: 2 to add');
    expect(state(dir).outputs.service_url?.value).toBe('https://web-v2.example.com');

    const again = await step(workspace, { command: 'plan', variables: 'image_tag=v2' });
    expect(again.outputs).toMatchObject({ 'has-changes': 'false', 'to-add': '0' });
    expect(again.summary).toContain('### terraform: ➖ Nothing to change');

    const read = await step(workspace, { command: 'output' });
    expect(read.exitCode, read.log).toBe(0);
    expect(read.outputs.service_url).toBe('https://web-v2.example.com');
  });

  it('refuses with plan-changed when the re-plan differs from the reviewed plan-hash, and applies nothing', async () => {
    const { workspace, dir } = workspaceWith('service');
    const reviewed = await step(workspace, { command: 'plan', variables: 'image_tag=v2' });
    const hash = reviewed.outputs['plan-hash']!;

    const changed = await step(workspace, { command: 'apply', 'plan-hash': hash, variables: 'image_tag=v3' });
    expect(changed.exitCode).toBe(1);
    expect(changed.outputs['failure-reason']).toBe('plan-changed');
    expect(changed.log).toContain('The plan changed since it was reviewed');
    expect(changed.summary).toContain('### terraform: ❌ Failed');
    expect(changed.summary).toContain('| What to do | Someone changed the infrastructure, the code or the variables');
    expect(existsSync(join(dir, 'terraform.tfstate')) && state(dir).outputs.service_url).toBeFalsy();

    const same = await step(workspace, { command: 'apply', 'plan-hash': hash, variables: 'image_tag=v2' });
    expect(same.exitCode, same.log).toBe(0);
    expect(same.outputs.service_url).toBe('https://web-v2.example.com');
  });

  it('refuses a saved plan made before someone else changed the state (plan-changed)', async () => {
    const { workspace } = workspaceWith('service');
    await step(workspace, { command: 'plan', variables: 'image_tag=v2', 'plan-file': 'reviewed.tfplan' });
    const other = await step(workspace, { command: 'apply', 'auto-approve': 'true', variables: 'image_tag=v9' });
    expect(other.exitCode, other.log).toBe(0);

    const stale = await step(workspace, { command: 'apply', 'plan-file': 'reviewed.tfplan' });
    expect(stale.exitCode).toBe(1);
    expect(stale.outputs['failure-reason']).toBe('plan-changed');
    expect(stale.log).toContain('the state changed since it was made');
  });

  it('will not apply without a reviewed plan or auto-approve, and destroy needs auto-approve', async () => {
    const { workspace } = workspaceWith('service');
    const apply = await step(workspace, { command: 'apply' });
    expect(apply.outputs['failure-reason']).toBe('invalid-input');
    expect(apply.log).toContain('Nothing says which plan was reviewed');
    const destroy = await step(workspace, { command: 'destroy' });
    expect(destroy.outputs['failure-reason']).toBe('invalid-input');
    expect(destroy.log).toContain("Input 'auto-approve' must be true for command 'destroy'");
  });

  it('creates a workspace per pull request the first time and keeps its state apart', async () => {
    const { workspace, dir } = workspaceWith('service');
    const first = await step(workspace, { command: 'apply', 'auto-approve': 'true', workspace: 'pr-7' });
    expect(first.exitCode, first.log).toBe(0);
    expect(first.outputs['workspace-created']).toBe('true');
    expect(state(dir, 'terraform.tfstate.d/pr-7/terraform.tfstate').outputs.service_url?.value).toBe(
      'https://web-v1.example.com',
    );
    expect(existsSync(join(dir, 'terraform.tfstate'))).toBe(false);

    const second = await step(workspace, { command: 'plan', workspace: 'pr-7' });
    expect(second.outputs).toMatchObject({ 'workspace-created': 'false', 'has-changes': 'false' });
    const destroyed = await step(workspace, { command: 'destroy', 'auto-approve': 'true', workspace: 'pr-7' });
    expect(destroyed.exitCode, destroyed.log).toBe(0);
    expect(destroyed.outputs).toMatchObject({ 'to-destroy': '2' });
  });

  it('reports a state lock held by another run as state-locked, with who holds it and since when', async () => {
    const { workspace, dir } = workspaceWith('service');
    const lock = await holdStateLock(dir);
    try {
      const result = await step(workspace, { command: 'plan', 'lock-timeout': '1s' });
      expect(result.exitCode).toBe(1);
      expect(result.outputs['failure-reason']).toBe('state-locked');
      const who = `${userInfo().username}@${hostname()}`;
      expect(result.log).toMatch(new RegExp(`held by ${who} since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`));
      expect(result.log).toContain('OperationTypeApply');
      expect(result.log).toContain('terraform force-unlock');
    } finally {
      await lock.release();
    }
    const after = await step(workspace, { command: 'plan', 'lock-timeout': '1s' });
    expect(after.exitCode, after.log).toBe(0);
  });

  it("validates a configuration and reports Terraform's own error for a broken one", async () => {
    const good = workspaceWith('service');
    const valid = await step(good.workspace, { command: 'validate' });
    expect(valid.exitCode, valid.log).toBe(0);
    expect(valid.summary).toContain('is valid');

    const bad = workspaceWith('broken');
    const invalid = await step(bad.workspace, { command: 'validate' });
    expect(invalid.exitCode).toBe(1);
    expect(invalid.outputs['failure-reason']).toBe('terraform-failed');
    expect(invalid.log).toContain('Reference to undeclared input variable');
    expect(invalid.summary).toContain('Reference to undeclared input variable');
  });
});
