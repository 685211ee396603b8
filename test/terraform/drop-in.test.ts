import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/terraform/main.js';
import { parseVariables, renderTfvars } from '../../src/terraform/tfvars.js';
import { runInProcess } from '../helpers/in-process.js';
import { terraform } from '../helpers/prereq.js';
import { runBundle } from '../helpers/runner.js';
import { startReleases, versionScript, type ReleasesServer } from '../fakes/releases/server.js';
import { terraformEnv, workspaceWith } from './helpers.js';

/**
 * The terraform action in place of hashicorp/setup-terraform v3 and dflook/terraform-plan / terraform-apply:
 * their README examples' `with:` blocks (written from their documentation; a mirror's download-url and
 * local paths added), and each of their inputs with its documented meaning.
 */

describe('variables as dflook takes them (.tfvars syntax) and as this action did (name=value)', () => {
  it('gives quoted strings, lists, maps and heredocs to Terraform as HCL, and plain values as strings', () => {
    const variables = parseVariables(
      'variables',
      [
        'image_id = "ami-abc123"',
        'availability_zone_names = [',
        '  "us-east-1a",',
        '  "us-west-1c",',
        ']',
        'tags = { team = "web" }',
        'motd = <<EOT',
        'hello ${name}',
        'EOT',
        'plain=nginx:1.2 "quoted" ${not_a_template}',
        'version=1.10',
        'turbo_mode=true',
      ].join('\n'),
    );
    expect(variables.map((variable) => variable.name)).toEqual([
      'image_id',
      'availability_zone_names',
      'tags',
      'motd',
      'plain',
      'version',
      'turbo_mode',
    ]);
    expect(renderTfvars(variables)).toBe(
      [
        'image_id = "ami-abc123"',
        'availability_zone_names = [\n  "us-east-1a",\n  "us-west-1c",\n]',
        'tags = { team = "web" }',
        'motd = <<EOT\nhello ${name}\nEOT',
        'plain = "nginx:1.2 \\"quoted\\" $${not_a_template}"',
        'version = "1.10"',
        'turbo_mode = "true"',
        '',
      ].join('\n'),
    );
  });

  it('refuses a line without = and a name Terraform would not accept', () => {
    expect(() => parseVariables('variables', 'image_tag')).toThrow(
      "Input 'variables' line 1 is not KEY=value: 'image_tag'.",
    );
    expect(() => parseVariables('variables', 'image tag = "x"')).toThrow(/'image tag', which is not a Terraform/);
  });
});

const tf = terraform();

/** A workspace holding the service fixture at my-terraform-config, with a local backend and a bool variable. */
function dflookWorkspace() {
  const { workspace, dir } = workspaceWith('service');
  const root = join(workspace, 'my-terraform-config');
  cpSync(dir, root, { recursive: true });
  writeFileSync(
    join(root, 'extra.tf'),
    'terraform {\n  backend "local" {}\n}\n\nvariable "turbo_mode" {\n  type    = bool\n  default = false\n}\n\noutput "turbo" {\n  value = var.turbo_mode\n}\n',
  );
  mkdirSync(join(workspace, 'env'));
  writeFileSync(join(workspace, 'env', 'prod.tfvars'), 'image_tag = "prod-1"\n');
  writeFileSync(join(workspace, 'env', 'prod.backend'), 'workspace_dir = "workspaces"\n');
  return { workspace, root };
}

describe.skipIf(!tf.available)("dflook/terraform-plan's and terraform-apply's inputs", () => {
  it('runs the full example of the terraform-plan README: path, label, workspace, var_file, variables, backend_config(_file)', async () => {
    const { workspace, root } = dflookWorkspace();
    const step = await runInProcess(
      run,
      {
        path: 'my-terraform-config',
        label: 'production',
        workspace: 'prod',
        var_file: 'env/prod.tfvars',
        variables: 'turbo_mode=true',
        backend_config_file: 'env/prod.backend',
        backend_config: 'path=unused.tfstate',
      },
      terraformEnv(workspace),
    );
    expect(step.exitCode, step.log).toBe(0);
    expect(step.outputs).toMatchObject({ changes: 'true', to_add: '2', to_change: '0', to_destroy: '0' });
    expect(step.outputs.plan_path).toBe(join('my-terraform-config', 'tfplan'));
    expect(step.summary).toContain(
      'Plan for production: <code>my-terraform-config</code> (workspace <code>prod</code>)',
    );
    const planned = JSON.parse(
      execFileSync('terraform', ['show', '-json', 'tfplan'], {
        cwd: root,
        env: { ...process.env, ...terraformEnv(workspace) },
      }).toString(),
    ) as {
      variables: Record<string, { value: unknown }>;
      planned_values: { outputs: Record<string, { value: unknown }> };
    };
    // var_file read from the workspace; `turbo_mode=true` given to Terraform, which made it the bool true.
    expect(planned.variables.image_tag?.value).toBe('prod-1');
    expect(planned.planned_values.outputs.turbo?.value).toBe(true);
    // backend_config_file's workspace_dir: the prod workspace's state lives there.
    expect(step.log).toContain(`-backend-config=${join(workspace, 'env', 'prod.backend')}`);
  });

  it('applies with auto_approve, reading HCL values as Terraform does (no quotes kept), then replaces, targets and destroys', async () => {
    const { workspace, root } = dflookWorkspace();
    const env = terraformEnv(workspace);
    const base = { path: 'my-terraform-config', command: 'apply', auto_approve: 'true', comment: 'false' };
    // A comment after the value, as a .tfvars file may hold: Terraform drops it, and so does this action.
    const applied = await runInProcess(
      run,
      { ...base, variables: 'image_tag = "v2" # the release', parallelism: '3' },
      env,
    );
    expect(applied.exitCode, applied.log).toBe(0);
    expect(applied.outputs.service_url).toBe('https://web-v2.example.com');
    expect(applied.outputs.to_move).toBe('0');
    expect(applied.outputs.to_import).toBe('0');
    expect(JSON.parse(readFileSync(resolve(workspace, applied.outputs.json_output_path!), 'utf8'))).toMatchObject({
      service_url: 'https://web-v2.example.com',
    });
    expect(applied.log).toMatch(/apply .*-parallelism=3/);

    const replaced = await runInProcess(
      run,
      { ...base, command: 'plan', variables: 'image_tag = "v2"', replace: 'terraform_data.service' },
      env,
    );
    expect(replaced.outputs).toMatchObject({ to_add: '1', to_destroy: '1' });
    // dflook's plan files, relative to the workspace: the text as printed, the JSON as show -json gives it.
    expect(readFileSync(resolve(workspace, replaced.outputs.text_plan_path!), 'utf8')).toContain(
      'terraform_data.service will be replaced, as requested',
    );
    const json = JSON.parse(readFileSync(resolve(workspace, replaced.outputs.json_plan_path!), 'utf8')) as {
      resource_changes: { address: string; change: { actions: string[] } }[];
    };
    expect(json.resource_changes.find((r) => r.address === 'terraform_data.service')?.change.actions).toEqual([
      'delete',
      'create',
    ]);

    const targeted = await runInProcess(
      run,
      { ...base, command: 'plan', variables: 'image_tag = "v3"', target: 'terraform_data.database', refresh: 'false' },
      env,
    );
    expect(targeted.outputs).toMatchObject({ changes: 'false' });
    expect(targeted.log).toContain('-refresh=false');

    const destroyed = await runInProcess(run, { ...base, destroy: 'true', variables: 'image_tag = "v2"' }, env);
    expect(destroyed.exitCode, destroyed.log).toBe(0);
    expect(destroyed.outputs).toMatchObject({ to_destroy: '2' });
    const state = JSON.parse(readFileSync(join(root, 'terraform.tfstate'), 'utf8')) as { resources: unknown[] };
    expect(state.resources).toEqual([]);
  });

  it('fails on a variable the root module does not declare, as -var did, though Terraform only warns for a .tfvars', async () => {
    const { workspace } = dflookWorkspace();
    const step = await runInProcess(
      run,
      { path: 'my-terraform-config', comment: 'false', variables: 'image_tagg = "v2"' },
      terraformEnv(workspace),
    );
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain("Input 'variables' sets 'image_tagg', which the root module does not declare.");
  });

  it('refuses what it cannot honour with what to use instead, and a setting given under both names', async () => {
    const { workspace } = dflookWorkspace();
    const env = terraformEnv(workspace);
    const newComment = await runInProcess(run, { path: 'my-terraform-config', add_github_comment: 'always-new' }, env);
    expect(newComment.outputs['failure-reason']).toBe('invalid-input');
    expect(newComment.log).toContain("Use 'true' (one comment, edited), 'changes-only' or 'false'.");
    const both = await runInProcess(run, { path: 'my-terraform-config', 'working-directory': 'infra' }, env);
    expect(both.log).toContain("Inputs 'working-directory' and 'path' are the same setting, and both are set.");
    const badTarget = await runInProcess(run, { path: 'my-terraform-config', target: 'not an address' }, env);
    expect(badTarget.log).toContain("Input 'target' has 'not an address', which is not a resource address.");
  });
});

describe("hashicorp/setup-terraform's examples", () => {
  let releases: ReleasesServer;
  beforeAll(async () => {
    releases = await startReleases({ '1.14.6': { script: versionScript('1.14.6') } });
  });
  afterAll(() => releases.close());

  it('installs the version asked for on PATH for later steps, with no command given', async () => {
    const { workspace } = workspaceWith('service');
    const step = await runBundle('terraform', {
      inputs: { terraform_version: '1.14.6', 'download-url': releases.url },
      env: terraformEnv(workspace),
    });
    expect(step.exitCode, step.log).toBe(0);
    expect(step.outputs['terraform-version']).toBe('1.14.6');
    expect(step.log).toMatch(/::add-path::.*terraform[\\/]1\.14\.6/);
    expect(step.summary).toContain('Terraform 1.14.6 is on PATH for the steps after this one.');
  });

  it('installs, as setup-terraform did, when the step is a bare `uses:` and the workspace root holds no Terraform files', async () => {
    const { workspace } = workspaceWith('service');
    const stale = join(workspace, 'PATH-without-terraform');
    mkdirSync(stale);
    const env = { ...terraformEnv(workspace), PATH: `${stale}:/usr/bin:/bin` };
    // The releases site's latest is installed: no version anywhere, no terraform on PATH.
    const bare = await runInProcess(run, { 'download-url': releases.url, 'github-token': 'ghs_unused' }, env);
    expect(bare.exitCode, bare.log).toBe(0);
    expect(bare.log).toContain('::notice::No command and no Terraform files in the workspace root');
    expect(bare.outputs['terraform-version']).toBe('1.14.6');
    expect(bare.summary).toContain('Terraform 1.14.6 is on PATH for the steps after this one.');

    // With a root module in the workspace root, the same bare step plans it (and so needs a working terraform).
    writeFileSync(join(workspace, 'main.tf'), 'output "x" {\n  value = 1\n}\n');
    const planned = await runInProcess(run, { 'download-url': releases.url, 'github-token': 'ghs_unused' }, env);
    expect(planned.log).not.toContain('::notice::No command');
    expect(planned.log).toContain('fake terraform 1.14.6: init');
  });

  it('writes HCP Terraform credentials to the CLI configuration for later steps, masked, and warns the wrapper is not there', async () => {
    const { workspace } = workspaceWith('service');
    const token = 'abcdef0123456789.atlasv1.0123456789abcdefghij';
    const env = { ...terraformEnv(workspace), TF_CLI_CONFIG_FILE: undefined };
    const step = await runBundle('terraform', {
      inputs: {
        cli_config_credentials_hostname: 'terraform.example.com',
        cli_config_credentials_token: token,
        terraform_version: '1.14.6',
        terraform_wrapper: 'true',
        'download-url': releases.url,
      },
      env,
    });
    expect(step.exitCode, step.log).toBe(0);
    const exported = /TF_CLI_CONFIG_FILE<<(.+)\n(.+)\n/.exec(readFileSync(step.files.env, 'utf8'));
    expect(exported?.[2]).toBeDefined();
    expect(readFileSync(exported![2]!, 'utf8')).toBe(
      `credentials "terraform.example.com" {\n  token = "${token}"\n}\n`,
    );
    expect(step.log).toContain(`::add-mask::${token}`);
    expect(step.log.replace(/^::add-mask::.*$/gm, '')).not.toContain(token);
    expect(step.log).toContain("::warning::Input 'terraform_wrapper' has no effect");
  });
});
