import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The repository's workflows and actions as data, for tests that walk them. */

export const root = join(import.meta.dirname, '..', '..');
export const workflowDir = join(root, '.github', 'workflows');

export type Json = Record<string, unknown>;

export interface Step extends Json {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export interface Job extends Json {
  permissions?: Record<string, string> | string;
  needs?: string | string[];
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown> | 'inherit';
  outputs?: Record<string, string>;
  environment?: string | { name: string; url?: string };
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean };
}

export interface Workflow extends Json {
  name?: string;
  on: Json;
  permissions?: unknown;
  jobs: Record<string, Job>;
}

export const workflowFiles = readdirSync(workflowDir)
  .filter((f) => f.endsWith('.yml'))
  .sort();

export function workflow(file: string): Workflow {
  return parse(readFileSync(join(workflowDir, file), 'utf8')) as Workflow;
}

export const examplesDir = join(root, 'examples');

/** The example caller workflows (examples/<shape>/.github/workflows/*.yml), relative to examples/. */
export const exampleFiles = existsSync(examplesDir)
  ? readdirSync(examplesDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(f))
      .sort()
  : [];

export function example(file: string): Workflow {
  return parse(readFileSync(join(examplesDir, file), 'utf8')) as Workflow;
}

/** A reusable workflow's `on.workflow_call` declaration. */
export interface WorkflowCall {
  inputs: Record<string, { type: string; required?: boolean; default?: unknown }>;
  secrets?: Record<string, { required?: boolean }>;
  outputs?: Record<string, { value: string }>;
}

export function workflowCall(file: string): WorkflowCall {
  return (workflow(file).on as { workflow_call: WorkflowCall }).workflow_call;
}

export interface ActionSpec {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
}

/**
 * The action a `uses:` names in this repository: org/deploy-actions/<name>@vN (the root alias of the action),
 * org/deploy-actions/actions/<name>@vN, or ./actions/<name>.
 */
export function ownAction(uses: string): string | undefined {
  const name = /^(?:\.\/|org\/deploy-actions\/)(?:actions\/)?([a-z0-9-]+)(?:@v\d+)?$/.exec(uses)?.[1];
  return name !== undefined && existsSync(join(root, 'actions', name, 'action.yml')) ? name : undefined;
}

export function actionSpec(name: string): ActionSpec | undefined {
  const file = join(root, 'actions', name, 'action.yml');
  if (!existsSync(file)) return undefined;
  const spec = parse(readFileSync(file, 'utf8')) as Partial<ActionSpec>;
  return { inputs: spec.inputs ?? {}, outputs: spec.outputs ?? {} };
}

/** The reusable workflow file a job's `uses:` names in this repository. */
export function ownWorkflow(uses: string): string | undefined {
  return /^(?:\.\/|org\/deploy-actions\/)\.github\/workflows\/([\w-]+\.yml)(?:@v\d+)?$/.exec(uses)?.[1];
}

/** Every `${{ ... }}` expression in a value, however deep. */
export function expressions(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(/\$\{\{(.*?)\}\}/gs)].map((m) => m[1]!);
  if (Array.isArray(value)) return value.flatMap(expressions);
  if (value && typeof value === 'object') return Object.values(value).flatMap(expressions);
  return [];
}

/** `if:` conditions are expressions without the braces. */
export function conditions(job: Job): string[] {
  return [job.if, ...(job.steps ?? []).map((s) => s.if)].filter((c): c is string => typeof c === 'string');
}

export function references(text: string, pattern: RegExp): string[][] {
  return [...text.matchAll(pattern)].map((m) => m.slice(1));
}

export const cloudLogins = [/^aws-actions\/configure-aws-credentials@/, /^azure\/login@/];
/** Our actions that log in to a cloud by themselves with the job's OIDC token. */
export const oidcActions = ['deploy-azure'];

export function needsList(job: Job): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}
