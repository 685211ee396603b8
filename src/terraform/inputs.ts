import * as core from '@actions/core';
import { existsSync, readdirSync } from 'node:fs';
import { InputError } from '../lib/errors.js';
import { bool, duration, list, oneOf, optional, workspacePath } from '../lib/inputs.js';
import {
  commentMode,
  credentials,
  either,
  label,
  planOptions,
  warnAboutWrapper,
  type Credentials,
  type PlanOptions,
} from './anchors.js';
import { planningInputs, warnNoEffect } from './effects.js';
import { backendConfig, maskBackendSecrets, planFile, varFiles } from './files.js';
import { maskSecret } from './masking.js';
import { parseSecretVariables, parseVariables, type Variable } from './tfvars.js';

export const commands = ['plan', 'apply', 'output', 'destroy', 'validate', 'setup'] as const;
export type Command = (typeof commands)[number];
export type Binary = 'terraform' | 'tofu';

export interface TerraformInputs {
  command: Command;
  binary: Binary;
  /** Exact version, semver range, `latest`, or undefined: read from the working directory. */
  version?: string;
  downloadUrl: string;
  workingDirectory: string;
  workspace?: string;
  varFiles: string[];
  /** In the order given; written to a generated .tfvars file as HCL (see tfvars.ts). */
  variables: Variable[];
  /** Passed as TF_VAR_* (never on the command line) and masked; redacted from summary and comment. */
  secretVariables: Map<string, string>;
  backendConfig: string[];
  /** How long Terraform waits for a state lock another run holds. */
  lockTimeoutMs: number;
  /** Where plan writes its saved plan, or the reviewed plan apply should apply. */
  planFile?: string;
  /** The `plan-hash` output of the reviewed plan; apply re-plans and refuses when it differs. */
  planHash?: string;
  autoApprove: boolean;
  comment: boolean;
  /** dflook's add_github_comment: changes-only. */
  commentOnlyChanges: boolean;
  /** dflook's label: the environment's name in the plan comment (part of what identifies it). */
  label?: string;
  /** setup-terraform's CLI configuration credentials (HCP Terraform, Terraform Enterprise). */
  credentials?: Credentials;
  plan: PlanOptions;
  githubToken?: string;
  /** Extra values to redact from the summary and comment (already masked in the log by the runner). */
  redact: string[];
}

const defaultDownloadUrl: Record<Binary, string> = {
  terraform: 'https://releases.hashicorp.com',
  tofu: 'https://github.com/opentofu/opentofu/releases/download',
};

/** Masks secrets before anything else is read: a malformed line must not reach the log in a message. */
function maskSecrets(): void {
  // Line by line first (a line may be one line of a heredoc's value), then each whole value once parsed.
  for (const line of core.getInput('secret-variables').split('\n')) {
    const value = line.slice(line.indexOf('=') + 1).trim();
    if (value !== '') maskSecret(value);
    if (line.trim() !== '' && !line.includes('=')) maskSecret(line.trim());
  }
  for (const value of list('redact', { commas: false })) maskSecret(value);
  maskSecret(core.getInput('github-token').trim());
  maskSecret(core.getInput('cli_config_credentials_token').trim());
  maskBackendSecrets();
}

export function readInputs(): TerraformInputs {
  maskSecrets();
  const command = oneOf('command', commands, setupTerraformStep() ? 'setup' : 'plan');
  const binary = oneOf('binary', ['terraform', 'tofu'] as const, 'terraform');
  const version = versionInput();
  warnAboutWrapper();
  warnNoEffect(command, (name) => core.getInput(name).trim() !== '');
  const downloadUrl = downloadUrlInput(binary);
  const lockTimeoutMs = duration('lock-timeout', '0s', { bare: 's' });
  const workspace = workspaceInput();
  const workingDirectory = workingDirectoryInput();
  return {
    command,
    binary,
    version,
    downloadUrl,
    workingDirectory,
    workspace,
    varFiles: varFiles(workingDirectory),
    ...variableInputs(),
    backendConfig: backendConfig(workingDirectory),
    lockTimeoutMs,
    planFile: planFile(workingDirectory),
    ...approvalInputs(command),
    ...commentMode(),
    label: label(),
    credentials: credentials(),
    plan: planOptions(),
    githubToken: optional('github-token'),
    redact: list('redact', { commas: false }),
  };
}

/**
 * A step migrated from hashicorp/setup-terraform by changing `uses:` only: no command, and its inputs. It
 * installs Terraform for the later steps, as it did, rather than planning the workspace root.
 */
function setupTerraformStep(): boolean {
  if (optional('command') !== undefined) return false;
  const setupInputs = ['terraform_version', 'cli_config_credentials_token', 'cli_config_credentials_hostname'];
  if ([...setupInputs, 'terraform_wrapper'].some((name) => optional(name))) return true;
  // A bare `uses:` (setup-terraform's most common form): with no input of a plan, and no root module in the
  // workspace to plan, the step is the install it was.
  const planInputs = [...planningInputs, 'working-directory', 'path', 'terraform-version'];
  if (planInputs.some((name) => core.getInput(name).trim() !== '')) return false;
  const root = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const bare = !existsSync(root) || !readdirSync(root).some((name) => /\.tf(\.json)?$/.test(name));
  if (bare)
    core.notice(
      'No command and no Terraform files in the workspace root: Terraform is installed for the steps after this one (command: setup).',
    );
  return bare;
}

function versionInput(): string | undefined {
  const given = either('terraform-version', 'terraform_version');
  const version = given?.value;
  if (version !== undefined && !/^[\w.\s<>=~^*|,!-]+$/.test(version)) {
    throw new InputError(
      `Input '${given?.name}' must be a version, a range or 'latest', got '${version}'.`,
      'Examples: 1.11.4, ~1.11, >=1.9 <2, latest; or leave it empty to read .terraform-version / required_version.',
    );
  }
  return version;
}

function downloadUrlInput(binary: Binary): string {
  const downloadUrl = (optional('download-url') ?? defaultDownloadUrl[binary]).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s]+$/.test(downloadUrl)) {
    throw new InputError(
      `Input 'download-url' must be an http(s) URL, got '${downloadUrl}'.`,
      `Leave it empty for ${defaultDownloadUrl[binary]}, or give your mirror's base URL.`,
    );
  }
  return downloadUrl;
}

function workspaceInput(): string | undefined {
  const workspace = optional('workspace');
  if (workspace !== undefined && (!/^[\w.-]{1,90}$/.test(workspace) || /^\.+$/.test(workspace))) {
    throw new InputError(
      `Input 'workspace' must be letters, digits, '-', '_' or '.', got '${workspace}'.`,
      "For a per-PR environment use e.g. 'pr-${{ github.event.number }}'.",
    );
  }
  return workspace;
}

function variableInputs(): Pick<TerraformInputs, 'variables' | 'secretVariables'> {
  const secretVariables = parseSecretVariables('secret-variables', core.getInput('secret-variables'));
  for (const value of secretVariables.values()) maskSecret(value);
  const variables = parseVariables('variables', core.getInput('variables'));
  return { variables, secretVariables };
}

/** What says which plan was reviewed: its hash, or auto-approve (which destroy always needs). */
function approvalInputs(command: Command): Pick<TerraformInputs, 'planHash' | 'autoApprove'> {
  const planHash = optional('plan-hash');
  if (planHash !== undefined && !/^[0-9a-f]{64}$/.test(planHash)) {
    throw new InputError(
      `Input 'plan-hash' must be the 64-character hex 'plan-hash' output of a plan step, got '${planHash}'.`,
    );
  }
  const approval = either('auto-approve', 'auto_approve');
  const autoApprove = approval === undefined ? false : bool(approval.name, false);
  if (command === 'destroy' && !autoApprove) {
    throw new InputError(
      "Input 'auto-approve' must be true for command 'destroy'.",
      'Destroying is never implied: set auto-approve: true in the job that is meant to destroy (e.g. a PR-closed cleanup).',
    );
  }
  return { planHash, autoApprove };
}

/** `working-directory` (or dflook's `path`), inside the workspace. */
function workingDirectoryInput(): string {
  const given = either('working-directory', 'path');
  return workspacePath(given?.name ?? 'working-directory', given?.value ?? '.');
}
