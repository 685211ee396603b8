import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { startGitHub, type GitHubServer } from '../fakes/github/server.js';
import { startReleases, type ReleasesServer } from '../fakes/releases/server.js';
import { runInProcess } from '../helpers/in-process.js';
import { terraform } from '../helpers/prereq.js';
import { holdStateLock, pullRequestEvent, terraformEnv, workspaceWith } from '../terraform/helpers.js';
import { expectNoLeak, runnerLog } from '../terraform/leaks.js';
import { badInput, fault, leak } from './kinds.js';

/**
 * The terraform action under attack: inputs that must be refused before Terraform, the releases site or GitHub
 * is asked anything; secrets that must not leave the runner in any printed form; Terraform failing part-way.
 */

const TOKEN = 'ghs_adversarial_write_token_0123';
let github: GitHubServer;
let releases: ReleasesServer;
let calls: string;
let shimPath: string;

/** A `terraform` first on PATH that records each call, then runs the real one (when there is one). */
function terraformShim(): { path: string; calls: string } {
  const dir = mkdtempSync(join(tmpdir(), 'terraform-shim-'));
  const log = join(dir, 'calls');
  writeFileSync(log, '');
  let real = '';
  try {
    real = execFileSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' }).trim();
  } catch {
    // none: the bad inputs never reach it, and the cases that need it are skipped
  }
  writeFileSync(
    join(dir, 'terraform'),
    `#!/bin/sh\necho "$*" >> '${log}'\n${real ? `exec '${real}' "$@"` : 'exit 127'}\n`,
  );
  chmodSync(join(dir, 'terraform'), 0o755);
  return { path: `${dir}${delimiter}${process.env.PATH ?? ''}`, calls: log };
}

beforeAll(async () => {
  github = await startGitHub({ tokens: { [TOKEN]: 'write' } });
  releases = await startReleases({ '1.11.4': {} });
  ({ path: shimPath, calls } = terraformShim());
});
afterAll(async () => {
  await github?.close();
  await releases?.close();
});

const terraformCalls = () => readFileSync(calls, 'utf8').split('\n').filter(Boolean);

/** One step of a pull_request workflow in a fresh workspace holding the `service` root as infra/. */
async function step(inputs: Record<string, string>, number = 1, workspace = workspaceWith('service').workspace) {
  github.openPullRequest('octo-org/hello-service', number);
  vi.resetModules();
  const { run } = await import('../../src/terraform/main.js');
  return runInProcess(
    run,
    { 'working-directory': 'infra', 'github-token': TOKEN, 'download-url': releases.url, ...inputs },
    terraformEnv(workspace, { ...pullRequestEvent(number), GITHUB_API_URL: github.url, PATH: shimPath }),
  );
}

describe('terraform refuses bad inputs before Terraform, the releases site or GitHub is asked anything', () => {
  const outside = mkdtempSync(join(tmpdir(), 'outside-'));
  const cases: [string, Record<string, string>, string][] = [
    ['an unknown command', { command: 'deploy' }, 'command'],
    ['a working-directory outside the workspace', { 'working-directory': '../../etc' }, 'working-directory'],
    ["dflook's path outside the workspace", { 'working-directory': '', path: '/etc' }, 'path'],
    ['a var-file that climbs out of the workspace', { 'var-file': '../../../etc/passwd' }, 'var-file'],
    ["dflook's var_file at an absolute path outside", { var_file: '/etc/passwd' }, 'var_file'],
    ['a plan-file outside the workspace', { 'plan-file': '/etc/tfplan' }, 'plan-file'],
    ["dflook's plan_path outside the workspace", { plan_path: '../tfplan', command: 'apply' }, 'plan_path'],
    ['a backend_config_file outside the workspace', { backend_config_file: '/etc/hosts' }, 'backend_config_file'],
    ['a backend-config file line outside the workspace', { 'backend-config': '../../etc/shadow' }, 'backend-config'],
    ['a backend-config key that is no setting name', { 'backend-config': 'bucket name=state' }, 'backend-config'],
    ['a workspace name with a path in it', { workspace: '../production' }, 'workspace'],
    ['a workspace name of dots', { workspace: '..' }, 'workspace'],
    ['a target that is not a resource address', { target: 'aws_instance.web; rm -rf /' }, 'target'],
    ['a replace that is a flag', { replace: '-destroy' }, 'replace'],
    ['a lock-timeout in words', { 'lock-timeout': '5 minutes' }, 'lock-timeout'],
    ['a negative parallelism', { parallelism: '-1' }, 'parallelism'],
    ['a plan-hash that is not a SHA-256', { command: 'apply', 'plan-hash': 'abc123' }, 'plan-hash'],
    ['a variable name Terraform refuses', { variables: '1image=v2' }, 'variables'],
    ['a heredoc secret variable that is never closed', { 'secret-variables': 'key=<<EOT\nline' }, 'secret-variables'],
    [
      'a terraform_version with a shell command',
      { terraform_version: '1.11.4 && curl evil.example' },
      'terraform_version',
    ],
    ['a download-url that is not http(s)', { 'download-url': 'ftp://mirror.example.com' }, 'download-url'],
    [
      'a credentials hostname given as a URL',
      { cli_config_credentials_hostname: 'https://app.terraform.io', cli_config_credentials_token: 'x.atlasv1.y' },
      'cli_config_credentials_hostname',
    ],
    ["dflook's add_github_comment: always-new", { add_github_comment: 'always-new' }, 'add_github_comment'],
    ['destroy without auto-approve', { command: 'destroy' }, 'auto-approve'],
    ['working-directory and path both set', { path: 'infra' }, 'path'],
    ['a label that would print a workflow command', { label: 'prod\n::warning::forged' }, 'label'],
    ['refresh that is not a boolean', { refresh: 'maybe' }, 'refresh'],
  ];
  for (const [name, inputs, input] of cases) {
    badInput(`terraform: ${name}`, async () => {
      const before = {
        terraform: terraformCalls().length,
        github: github.calls.length,
        releases: releases.requests.length,
      };
      const result = await step(inputs);
      expect(result.exitCode, result.log).toBe(1);
      expect(result.outputs['failure-reason']).toBe('invalid-input');
      expect(/^::error::.*$/m.exec(result.log)?.[0]).toContain(`'${input}'`);
      expect(terraformCalls().length - before.terraform).toBe(0);
      expect(github.calls.length - before.github).toBe(0);
      expect(releases.requests.length - before.releases).toBe(0);
    });
  }

  badInput('terraform: a working-directory that is a link to a folder outside the workspace', async () => {
    const { workspace } = workspaceWith('service');
    symlinkSync(outside, join(workspace, 'linked'));
    const before = terraformCalls().length;
    const result = await step({ 'working-directory': 'linked' }, 1, workspace);
    expect(result.outputs['failure-reason']).toBe('invalid-input');
    expect(/^::error::.*$/m.exec(result.log)?.[0]).toContain("'working-directory'");
    expect(terraformCalls().length - before).toBe(0);
  });

  badInput('terraform: a secret-variables line without a name, whose value is not printed', async () => {
    const secret = 'hunter2-never-printed';
    const result = await step({ 'secret-variables': `db password=${secret}` });
    expect(result.outputs['failure-reason']).toBe('invalid-input');
    expect(/^::error::.*$/m.exec(result.log)?.[0]).toContain("'secret-variables'");
    expectNoLeak([secret], { log: runnerLog(result.log), summary: result.summary });
  });
});

const tf = terraform();

/** A root whose variables are not declared sensitive, so Terraform prints them in the plan, and an output echoes one. */
function echoingRoot(): { workspace: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'tf-workspace-'));
  mkdirSync(join(workspace, 'infra'));
  writeFileSync(
    join(workspace, 'infra', 'main.tf'),
    [
      'variable "api_token" {\n  type    = string\n  default = ""\n}',
      'variable "tls_key" {\n  type    = string\n  default = ""\n}',
      'resource "terraform_data" "client" {\n  input = { token = var.api_token, key = var.tls_key }\n}',
      'output "token_echo" {\n  value = var.api_token\n}',
      'output "generated_password" {\n  value     = "pw-${sha256(var.api_token)}"\n  sensitive = true\n}',
      '',
    ].join('\n\n'),
  );
  return { workspace };
}

describe.skipIf(!tf.available)('terraform lets no secret leave the runner', () => {
  /** Plans on a pull request (the comment is written), then applies: every place a secret could show. */
  async function planAndApply(secretVariables: string, number: number, secrets: string[]) {
    const { workspace } = echoingRoot();
    const planned = await step({ command: 'plan', 'secret-variables': secretVariables }, number, workspace);
    expect(planned.exitCode, planned.log).toBe(0);
    const applied = await step(
      { command: 'apply', 'auto-approve': 'true', 'secret-variables': secretVariables },
      number,
      workspace,
    );
    expect(applied.exitCode, applied.log).toBe(0);
    const textPlan = readFileSync(join(workspace, planned.outputs.text_plan_path!), 'utf8');
    expect(textPlan).toContain('terraform_data.client will be created');
    const comment = github
      .comments(`octo-org/hello-service#${number}`)
      .map((c) => c.body)
      .join('\n');
    expect(comment).toContain('terraform_data');
    expectNoLeak(secrets, {
      comment,
      'plan summary': planned.summary,
      'apply summary': applied.summary,
      'plan log': runnerLog(planned.log),
      'apply log': runnerLog(applied.log),
      'plan outputs': JSON.stringify(planned.outputs),
      'text plan file': textPlan,
      'apply outputs': JSON.stringify({ ...applied.outputs, generated_password: undefined, outputs: undefined }),
      'outputs JSON': JSON.stringify(JSON.parse(applied.outputs.outputs ?? '{}').token_echo),
    });
    return { planned, applied, comment };
  }

  leak('terraform: a secret variable holding a quote and a backslash (printed \\" and \\\\ by Terraform)', async () => {
    const secret = 'tok"en\\with-quote';
    const { applied } = await planAndApply(`api_token=${secret}`, 21, [secret]);
    expect(applied.outputs.token_echo).toBe('***');
  });

  leak('terraform: a secret variable holding é and a zero-width space (printed é\\u200b by Terraform)', async () => {
    const secret = 'café\u200bsecret-value';
    await planAndApply(`api_token=${secret}`, 22, [secret]);
  });

  leak('terraform: a secret variable of several lines, given as a heredoc (a PEM key)', async () => {
    const key =
      '-----BEGIN KEY-----\nMIIBVwIBADANBgkqhkiG9w0BAQEFAASCAT==\nc2VjcmV0LWtleS1ib2R5LWxpbmUtdHdv\n-----END KEY-----';
    const { planned } = await planAndApply(`tls_key=<<EOT\n${key}\nEOT\napi_token=plain-token-value`, 23, [
      key,
      'plain-token-value',
    ]);
    expect(planned.log).toContain('::add-mask::MIIBVwIBADANBgkqhkiG9w0BAQEFAASCAT==');
  });

  leak(
    'terraform: a sensitive root output is set for later steps, masked, and never in the summary or comment',
    async () => {
      const secret = 'sensitive-source-token';
      const { applied, comment } = await planAndApply(`api_token=${secret}`, 24, [secret]);
      const password = applied.outputs.generated_password!;
      expect(password).toMatch(/^pw-[0-9a-f]{64}$/);
      expect(JSON.parse(applied.outputs.outputs!).generated_password).toBe(password);
      expect(applied.log).toContain(`::add-mask::${password}`);
      expect(applied.summary).toContain('_(sensitive)_');
      expectNoLeak([password], { comment, summary: applied.summary, log: runnerLog(applied.log) });
    },
  );

  leak('terraform: a backend-config credential (on the init command line) is masked', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const result = await step({ command: 'plan', 'backend-config': `secret_key=${secret}` }, 25);
    expect(result.log).toContain(`-backend-config=secret_key=${secret}`);
    expect(result.log).toContain(`::add-mask::${secret}`);
    expectNoLeak([secret], {
      log: runnerLog(result.log),
      summary: result.summary,
      outputs: JSON.stringify(result.outputs),
      comment: github
        .comments('octo-org/hello-service#25')
        .map((c) => c.body)
        .join('\n'),
    });
  });

  leak('terraform: an HCP Terraform token of a setup step stays out of outputs, summary and log', async () => {
    const token = 'abcdef0123456789.atlasv1.adversarial0123456789';
    const result = await step({
      'working-directory': '',
      terraform_version: '1.11.4',
      cli_config_credentials_token: token,
    });
    expect(result.exitCode, result.log).toBe(0);
    expectNoLeak([token], {
      log: runnerLog(result.log),
      summary: result.summary,
      outputs: JSON.stringify(result.outputs),
    });
  });
});

describe.skipIf(!tf.available)('terraform faults end in an exact, reported state', () => {
  fault(
    'terraform: an apply that fails after changing one resource says which one, and the state keeps it',
    async () => {
      const workspace = mkdtempSync(join(tmpdir(), 'tf-workspace-'));
      mkdirSync(join(workspace, 'infra'));
      writeFileSync(
        join(workspace, 'infra', 'main.tf'),
        [
          'resource "terraform_data" "database" {\n  input = "db"\n}',
          'resource "terraform_data" "migration" {\n  depends_on = [terraform_data.database]\n  provisioner "local-exec" {\n    command = "echo migration failed >&2; exit 3"\n  }\n}',
          '',
        ].join('\n\n'),
      );
      const result = await step({ command: 'apply', 'auto-approve': 'true' }, 31, workspace);
      expect(result.exitCode).toBe(1);
      expect(result.outputs['failure-reason']).toBe('terraform-failed');
      expect(result.outputs.failure_reason).toBe('apply-failed');
      const said =
        'terraform apply failed (exit code 1) after it had already changed 1 resource: terraform_data.database (created); ' +
        'it had started and not finished 1 resource: terraform_data.migration (create-unfinished) (an object created part-way is kept in the state as tainted';
      expect(result.log).toContain(said);
      expect(result.summary).toContain(said);
      expect(result.summary).toContain('local-exec provisioner error');
      const state = execFileSync('terraform', ['state', 'list'], { cwd: join(workspace, 'infra'), encoding: 'utf8' });
      expect(state.trim().split('\n')).toEqual(['terraform_data.database', 'terraform_data.migration']);
      const shown = execFileSync('terraform', ['show', '-json'], { cwd: join(workspace, 'infra'), encoding: 'utf8' });
      const resources = (
        JSON.parse(shown) as { values: { root_module: { resources: { address: string; tainted?: boolean }[] } } }
      ).values.root_module.resources;
      expect(resources.map((r) => [r.address, r.tainted ?? false])).toEqual([
        ['terraform_data.database', false],
        ['terraform_data.migration', true],
      ]);
    },
  );

  fault('terraform: a state lock held by another run fails with who holds it, as dflook reports it', async () => {
    const { workspace, dir } = workspaceWith('service');
    execFileSync('terraform', ['init', '-no-color'], {
      cwd: dir,
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
    });
    const held = await holdStateLock(dir);
    try {
      const result = await step({ command: 'plan', comment: 'false' }, 32, workspace);
      expect(result.exitCode).toBe(1);
      expect(result.outputs['failure-reason']).toBe('state-locked');
      expect(result.outputs.failure_reason).toBe('state-locked');
      const lock = JSON.parse(result.outputs.lock_info!) as Record<string, string>;
      expect(lock.Operation).toBe('OperationTypeApply');
      expect(lock.ID).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.outputs['lock-info']).toBe(result.outputs.lock_info);
      expect(result.log).toContain(`terraform force-unlock ${lock.ID}`);
    } finally {
      await held.release();
    }
  });
});
