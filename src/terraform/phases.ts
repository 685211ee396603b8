import * as core from '@actions/core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goDuration } from '../lib/duration.js';
import { InputError } from '../lib/errors.js';
import { scrub } from '../lib/secrets.js';
import { maskSecret } from './masking.js';
import type { TerraformCli } from './cli.js';
import type { TerraformInputs } from './inputs.js';
import { planHash, sensitiveValues, summarisePlan, type PlanJson, type PlanSummary } from './plan.js';
import { renderTfvars } from './tfvars.js';

/** The stage's Terraform commands, each one call (or two) with the flags automation needs. */

export interface PlanResult {
  hasChanges: boolean;
  planFile: string;
  summary: PlanSummary;
  hash: string;
  /** Terraform's human-readable plan, as it printed it. */
  text: string;
  /** Values the plan marks sensitive, to redact from anything written outside the log. */
  sensitive: Set<string>;
  /** The variables the root module declares. */
  declared?: Set<string>;
  /** The plan as `show -json` gives it, and as text, in files beside the plan (dflook's json_plan_path, text_plan_path). */
  jsonFile?: string;
  textFile?: string;
}

export interface RootOutput {
  value: unknown;
  type: unknown;
  sensitive: boolean;
}

/** A root output as text: strings as they are, anything else as JSON (how it is masked, shown and output). */
export function outputText(output: RootOutput): string {
  return typeof output.value === 'string' ? output.value : JSON.stringify(output.value);
}

/** How long to wait for a state lock, in the Go notation Terraform reads. */
const lockTimeout = (ms: number) => `-lock-timeout=${goDuration(ms)}`;

const tfvarsFiles = new WeakMap<TerraformInputs, string>();

/**
 * `variables` as a .tfvars file Terraform parses itself, so `name = "v1"` means the string v1 as it does in any
 * .tfvars file. Given last, it overrides the var files, as `-var` did and as dflook documents. Written once.
 */
function variablesFile(inputs: TerraformInputs): string[] {
  if (inputs.variables.length === 0) return [];
  let file = tfvarsFiles.get(inputs);
  if (file === undefined) {
    file = join(mkdtempSync(join(process.env.RUNNER_TEMP ?? tmpdir(), 'terraform-variables-')), 'variables.tfvars');
    writeFileSync(file, renderTfvars(inputs.variables));
    tfvarsFiles.set(inputs, file);
  }
  return [`-var-file=${file}`];
}

function variableArgs(inputs: TerraformInputs): string[] {
  return [...inputs.varFiles.map((file) => `-var-file=${file}`), ...variablesFile(inputs)];
}

/** dflook's plan options: -target, -replace, -parallelism, -refresh=false. */
function planModeArgs(inputs: TerraformInputs): string[] {
  const { targets, replaces, parallelism, refresh } = inputs.plan;
  return [
    ...targets.map((address) => `-target=${address}`),
    ...replaces.map((address) => `-replace=${address}`),
    ...(parallelism === undefined ? [] : [`-parallelism=${parallelism}`]),
    ...(refresh ? [] : ['-refresh=false']),
  ];
}

/** Secret variables travel as TF_VAR_<name>: never on a command line the log or `ps` would show. */
export function secretEnvironment(inputs: TerraformInputs): Record<string, string> {
  return Object.fromEntries([...inputs.secretVariables].map(([name, value]) => [`TF_VAR_${name}`, value]));
}

export async function init(tf: TerraformCli, inputs: TerraformInputs): Promise<void> {
  const backend =
    inputs.command === 'validate'
      ? ['-backend=false']
      : [lockTimeout(inputs.lockTimeoutMs), ...inputs.backendConfig.map((config) => `-backend-config=${config}`)];
  await tf.run(['init', '-input=false', '-no-color', ...backend]);
}

/** Selects the workspace, creating it the first time (a pull request's own environment). */
export async function selectWorkspace(tf: TerraformCli, workspace: string, lockTimeoutMs: number): Promise<boolean> {
  const selected = await tf.run(['workspace', 'select', '-no-color', workspace], { ok: [1], silent: true });
  if (selected.exitCode === 0) {
    core.info(`Workspace '${workspace}' selected.`);
    return false;
  }
  await tf.run(['workspace', 'new', '-no-color', lockTimeout(lockTimeoutMs), workspace]);
  core.notice(`Workspace '${workspace}' did not exist and was created.`);
  return true;
}

/** Reads a saved plan back as JSON: counts, the normalised hash and its sensitive values. */
export async function inspectPlan(
  tf: TerraformCli,
  planFile: string,
): Promise<Omit<PlanResult, 'hasChanges' | 'text'>> {
  const shown = await tf.run(['show', '-json', '-no-color', planFile], { silent: true });
  const json = JSON.parse(shown.stdout) as PlanJson;
  // Holds every value in clear, as the saved plan does: only for this job's later steps (as dflook's).
  writeFileSync(`${planFile}.json`, shown.stdout, { mode: 0o600 });
  return {
    jsonFile: `${planFile}.json`,
    planFile,
    summary: summarisePlan(json),
    hash: planHash(json),
    sensitive: sensitiveValues(json),
    declared: new Set(Object.keys(json.configuration?.root_module?.variables ?? {})),
  };
}

/**
 * Terraform only warns about a value in a .tfvars file for a variable the root module does not declare; given
 * in `variables` it is a typo, which `-var` made an error. It still is: the step fails before anything applies.
 */
function refuseUndeclared(inputs: TerraformInputs, declared: Set<string> | undefined): void {
  const undeclared = inputs.variables.map(({ name }) => name).filter((name) => declared && !declared.has(name));
  if (undeclared.length === 0) return;
  throw new InputError(
    `Input 'variables' sets ${undeclared.map((name) => `'${name}'`).join(', ')}, which the root module does not declare.`,
    `Check the name against the variable blocks of ${inputs.workingDirectory}, or declare it.`,
  );
}

/** `plan -detailed-exitcode`: 0 is "no changes", 2 is "changes", anything else failed. */
export async function plan(
  tf: TerraformCli,
  inputs: TerraformInputs,
  planFile: string,
  options: { destroy?: boolean } = {},
): Promise<PlanResult> {
  const result = await tf.run(
    [
      'plan',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
      lockTimeout(inputs.lockTimeoutMs),
      `-out=${planFile}`,
      ...(options.destroy || inputs.plan.destroy ? ['-destroy'] : []),
      ...planModeArgs(inputs),
      ...variableArgs(inputs),
    ],
    { ok: [2] },
  );
  const inspected = await inspectPlan(tf, planFile);
  refuseUndeclared(inputs, inspected.declared);
  // The text may be uploaded as an artifact, so it leaves the runner: scrubbed, as the summary is.
  writeFileSync(`${planFile}.txt`, scrub(result.stdout), { mode: 0o600 });
  return { ...inspected, hasChanges: result.exitCode === 2, text: result.stdout, textFile: `${planFile}.txt` };
}

/** Applies a saved plan: exactly what it says, or nothing (Terraform refuses a plan whose state moved on). */
export async function applyPlan(tf: TerraformCli, inputs: TerraformInputs, planFile: string): Promise<string> {
  const { parallelism } = inputs.plan;
  const result = await tf.run([
    'apply',
    '-input=false',
    '-no-color',
    lockTimeout(inputs.lockTimeoutMs),
    ...(parallelism === undefined ? [] : [`-parallelism=${parallelism}`]),
    planFile,
  ]);
  return result.stdout;
}

export async function validate(tf: TerraformCli): Promise<string> {
  const result = await tf.run(['validate', '-no-color']);
  return result.stdout;
}

/** `output -json`, kept out of the log: it prints sensitive outputs in clear. Those are masked at once. */
export async function readOutputs(tf: TerraformCli): Promise<Record<string, RootOutput>> {
  const result = await tf.run(['output', '-json', '-no-color'], { silent: true });
  const outputs = JSON.parse(result.stdout || '{}') as Record<string, RootOutput>;
  for (const output of Object.values(outputs)) {
    if (!output.sensitive) continue;
    maskSecret(outputText(output));
    // Each string inside a sensitive list or map too: a later step may print one alone.
    for (const leaf of stringLeaves(output.value)) if (leaf.length >= 4) maskSecret(leaf);
  }
  return outputs;
}

function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringLeaves);
  return [];
}
