import * as core from '@actions/core';
import { InputError } from '../lib/errors.js';
import { list, optional, optionalBool, parseNumber } from '../lib/inputs.js';

/**
 * The inputs users bring from hashicorp/setup-terraform v3 (`terraform_version`, `cli_config_credentials_*`,
 * `terraform_wrapper`) and dflook/terraform-plan / terraform-apply (`path`, `var_file`, `backend_config`,
 * `backend_config_file`, `plan_path`, `auto_approve`, `label`, `target`, `replace`, `destroy`, `refresh`,
 * `parallelism`, `add_github_comment`), read with the meaning their documentation gives. A setting that has a
 * name here too is refused under both names at once.
 */

/** One setting under this action's name or an anchor's: the value and the name it was given under. */
export function either(ours: string, theirs: string): { name: string; value: string } | undefined {
  refuseBoth(ours, theirs);
  const mine = optional(ours);
  const other = optional(theirs);
  if (mine !== undefined) return { name: ours, value: mine };
  return other === undefined ? undefined : { name: theirs, value: other };
}

export function refuseBoth(ours: string, theirs: string): void {
  if (optional(ours) !== undefined && optional(theirs) !== undefined) {
    throw new InputError(`Inputs '${ours}' and '${theirs}' are the same setting, and both are set.`, 'Keep one.');
  }
}

/** A Terraform resource address for -target / -replace: `aws_instance.web`, `module.app.x["a"]`. */
function addresses(input: string): string[] {
  const values = list(input, { commas: false });
  for (const address of values) {
    if (!/^[A-Za-z_][\w.\-[\]"*]*$/.test(address)) {
      throw new InputError(
        `Input '${input}' has '${address}', which is not a resource address.`,
        'Write one address per line, e.g. aws_instance.web or module.app.aws_s3_bucket.assets["logs"].',
      );
    }
  }
  return values;
}

export interface PlanOptions {
  targets: string[];
  replaces: string[];
  /** Undefined: Terraform's own (10). dflook's 0 means the same. */
  parallelism?: number;
  refresh: boolean;
  /** dflook's `destroy: true`: plan (and apply) in destroy mode. */
  destroy: boolean;
}

export function planOptions(): PlanOptions {
  const raw = optional('parallelism');
  const parallelism = raw === undefined ? undefined : parseNumber('parallelism', raw, { min: 0, max: 1000 });
  return {
    targets: addresses('target'),
    replaces: addresses('replace'),
    parallelism: parallelism === 0 ? undefined : parallelism,
    refresh: optionalBool('refresh') ?? true,
    destroy: optionalBool('destroy') ?? false,
  };
}

/** `comment` (true/false) or dflook's `add_github_comment` (true, false, changes-only). */
export function commentMode(): { comment: boolean; commentOnlyChanges: boolean } {
  const given = either('comment', 'add_github_comment');
  const value = given?.value ?? 'true';
  if (value === 'changes-only') return { comment: true, commentOnlyChanges: true };
  if (value === 'always-new') {
    throw new InputError(
      `Input '${given?.name}' is 'always-new': this action keeps one plan comment per root, workspace and label, edited on each push, since apply reads the reviewed plan from it.`,
      `Use 'true' (one comment, edited), 'changes-only' or 'false'.`,
    );
  }
  if (/^(true|True|TRUE)$/.test(value)) return { comment: true, commentOnlyChanges: false };
  if (/^(false|False|FALSE)$/.test(value)) return { comment: false, commentOnlyChanges: false };
  throw new InputError(`Input '${given?.name}' must be true, false or changes-only, got '${value}'.`);
}

/** dflook's `label`: names the environment in the plan comment; plan and apply must give the same. */
export function label(): string | undefined {
  const value = optional('label');
  if (value !== undefined && /[\r\n]|-->/.test(value)) {
    throw new InputError("Input 'label' must be one line of text, e.g. production.");
  }
  return value;
}

export interface Credentials {
  hostname: string;
  token: string;
}

/** setup-terraform's CLI configuration credentials: the token for HCP Terraform or a Terraform Enterprise host. */
export function credentials(): Credentials | undefined {
  const token = optional('cli_config_credentials_token');
  const hostname = optional('cli_config_credentials_hostname') ?? 'app.terraform.io';
  if (token === undefined) return undefined;
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(hostname)) {
    throw new InputError(
      `Input 'cli_config_credentials_hostname' must be a host name, got '${hostname}'.`,
      'Write e.g. app.terraform.io or terraform.example.com, without https://.',
    );
  }
  if (/["\\\s]/.test(token)) {
    throw new InputError("Input 'cli_config_credentials_token' holds a quote, backslash or space: not an API token.");
  }
  return { hostname, token };
}

/**
 * setup-terraform's wrapper made later `run: terraform ...` steps set stdout, stderr and exitcode outputs. This
 * action installs no wrapper (a later `$(terraform output -raw x)` prints only the value): `false` is what it
 * does anyway; `true` says so in a warning, with what to use instead.
 */
export function warnAboutWrapper(): void {
  if (optionalBool('terraform_wrapper') !== true) return;
  core.warning(
    "Input 'terraform_wrapper' has no effect: no wrapper is installed, so later `run: terraform ...` steps set no stdout, stderr or exitcode outputs. " +
      "Use this action's command (plan, apply, output: their outputs and summary say what happened), or capture a command yourself: `terraform plan -no-color > plan.txt`.",
  );
}
