import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runInProcess } from '../helpers/in-process.js';
import { readStep, repoRoot, runnerFiles, stepEnvironment } from '../helpers/runner.js';
import { render, runs, type Contexts, type JobStatus } from '../workflows/expressions.js';
import { ownAction, workflow, workflowCall, type Step } from '../workflows/workflows.js';

/**
 * A job of a reusable workflow played the way the runner plays it, with the real actions: each step's `if:`
 * decided by GitHub's expression engine (with `success() &&` added where no status function is written), its
 * `with:` and `env:` rendered from the caller's inputs, the secrets, `needs` and the outputs of the steps before;
 * an action of this repository run in process (its run(), inputs as INPUT_*, with the defaults of its
 * action.yml as the runner fills them), a `run:` script run by bash as the runner does (`bash -e -o pipefail`),
 * a third-party login or checkout taken as done (the cloud credentials are the local stand-ins', in `env`).
 * So a test runs the actions in the order the pipeline runs them, with the pipeline's inputs.
 */

export interface Played {
  name: string;
  id?: string;
  outcome: 'success' | 'failure' | 'cancelled';
  outputs: Record<string, string>;
  inputs: Record<string, string>;
  log: string;
  summary: string;
}

export interface PlayOptions {
  workflow: string;
  job: string;
  /** What the caller passes (`with:`); the workflow's defaults fill the rest. */
  inputs: Record<string, unknown>;
  secrets?: Record<string, string>;
  needs?: Record<string, { outputs: Record<string, string> }>;
  /** The environment every step gets: the local clouds' endpoints and credentials, the workspace. */
  env: Record<string, string>;
  /**
   * Inputs added to an action's step, by action name, that the pipeline leaves at their defaults: how often to
   * poll (timing only), and the endpoints a sovereign cloud would set (where the local stand-in answers).
   */
  extra?: Record<string, Record<string, string>>;
  /**
   * The run is cancelled while this step (by id) runs: it is played to its end, then ends cancelled with only
   * the outputs of `keepOnCancel` (those it had written before the cancel came; none by default).
   */
  cancelDuring?: string;
  keepOnCancel?: string[];
  /** Called before each step that runs, with its id or name: a test changes the world between steps here. */
  beforeStep?: (name: string) => void;
  /** Play only these steps (by id or name), as if the others were not there. */
  only?: string[];
}

export interface PlayResult {
  steps: Played[];
  /** The ids (or names) of the steps that ran, in order. */
  ran: string[];
  step(id: string): Played | undefined;
  /** The job's outputs, as the caller reads them. */
  outputs: Record<string, string>;
  /** Everything the job wrote to its summary. */
  summary: string;
  /** Everything it printed. */
  log: string;
  status: 'success' | 'failure' | 'cancelled';
}

const github = {
  sha: '0123456789abcdef0123456789abcdef01234567',
  repository: 'octo-org/hello-service',
  server_url: 'https://github.com',
  run_id: '4242',
  ref: 'refs/heads/main',
  event_name: 'push',
};

/** The called workflow's inputs: the caller's, the declared defaults for the rest. */
function callInputs(file: string, given: Record<string, unknown>): Record<string, unknown> {
  const declared = workflowCall(file).inputs;
  const inputs: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(declared))
    inputs[name] = input.default ?? (input.type === 'boolean' ? false : input.type === 'number' ? 0 : '');
  return { ...inputs, ...given };
}

/** The action.yml defaults the runner passes for inputs a step does not give (expressions rendered). */
function actionDefaults(name: string, contexts: Contexts): Record<string, string> {
  const spec = parse(readFileSync(join(repoRoot, 'actions', name, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>;
  };
  const defaults: Record<string, string> = {};
  for (const [input, def] of Object.entries(spec.inputs ?? {}))
    if (def.default !== undefined) defaults[input] = render(String(def.default), contexts);
  return defaults;
}

function renderAll(values: Record<string, unknown> | undefined, contexts: Contexts): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, render(v, contexts)]));
}

/** The stages a pipeline runs, loaded when a step needs one (each loads its cloud SDK). */
const stages: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  'deploy-ecs': () => import('../../src/deploy-ecs/main.js'),
  'deploy-azure': () => import('../../src/deploy-azure/main.js'),
  'smoke-test': () => import('../../src/smoke-test/main.js'),
  rollback: () => import('../../src/rollback/main.js'),
  terraform: () => import('../../src/terraform/main.js'),
  'build-push': () => import('../../src/build-push/main.js'),
  gitops: () => import('../../src/gitops/main.js'),
};

async function runAction(name: string, inputs: Record<string, string>, env: Record<string, string>) {
  const { run } = await stages[name]!();
  const result = await runInProcess(run, inputs, env);
  return { failed: result.failed, outputs: result.outputs, log: result.log, summary: result.summary };
}

/** Run asynchronously: the local stand-ins a script may call (a webhook) answer from this process. */
async function runScript(script: string, env: Record<string, string>) {
  const files = runnerFiles();
  const child = spawn('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], {
    env: stepEnvironment({}, files, env),
    // The runner starts scripts in the workspace.
    cwd: env.GITHUB_WORKSPACE ?? repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const { outputs, summary } = readStep(files);
  return { failed: code !== 0, outputs, log, summary };
}

async function runStep(step: Step, contexts: Contexts, options: PlayOptions) {
  const env = { ...options.env, ...renderAll(step.env, contexts) };
  const name = step.uses ? ownAction(step.uses) : undefined;
  if (name) {
    const given = renderAll(step.with, contexts);
    const inputs = { ...actionDefaults(name, contexts), ...given, ...options.extra?.[name] };
    return { inputs, ...(await runAction(name, inputs, env)) };
  }
  if (step.run) return { inputs: {}, ...(await runScript(step.run, env)) };
  // actions/checkout, aws-actions/configure-aws-credentials, azure/login: the stand-ins' credentials are in env.
  return { inputs: {}, failed: false, outputs: {}, log: '', summary: '' };
}

export async function play(options: PlayOptions): Promise<PlayResult> {
  const job = workflow(options.workflow).jobs[options.job]!;
  const inputs = callInputs(options.workflow, options.inputs);
  const status: JobStatus = { failed: false, cancelled: false };
  const done: Record<string, { outcome: string; conclusion: string; outputs: Record<string, string> }> = {};
  const played: Played[] = [];
  // A secret the caller does not pass is empty, as the runner gives it.
  const declaredSecrets = Object.fromEntries(
    Object.keys(workflowCall(options.workflow).secrets ?? {}).map((n) => [n, '']),
  );
  const jobStatus = () => (status.cancelled ? 'cancelled' : status.failed ? 'failure' : 'success');
  const contexts = (): Contexts => ({
    inputs,
    secrets: { GITHUB_TOKEN: 'ghs_0000000000000000000000000000000000000', ...declaredSecrets, ...options.secrets },
    needs: options.needs ?? {},
    github: { ...github, token: 'ghs_0000000000000000000000000000000000000' },
    steps: { ...done },
    job: { status: jobStatus() },
    env: {},
    matrix: {},
  });
  for (const [index, step] of (job.steps ?? []).entries()) {
    const name = step.id ?? (step.name as string | undefined) ?? `steps[${index}]`;
    if (options.only && !options.only.includes(name)) continue;
    if (!runs(step.if, contexts(), status)) continue;
    options.beforeStep?.(name);
    const result = await runStep(step, contexts(), options);
    let outcome: Played['outcome'] = result.failed ? 'failure' : 'success';
    if (options.cancelDuring !== undefined && options.cancelDuring === step.id) {
      outcome = 'cancelled';
      status.cancelled = true;
      const kept = new Set(options.keepOnCancel ?? []);
      result.outputs = Object.fromEntries(Object.entries(result.outputs).filter(([name]) => kept.has(name)));
    }
    if (outcome === 'failure') status.failed = true;
    if (step.id) done[step.id] = { outcome, conclusion: outcome, outputs: result.outputs };
    played.push({ name, id: step.id, outcome, ...result });
  }
  const outputs = renderAll(job.outputs, contexts());
  return {
    steps: played,
    ran: played.map((p) => p.name),
    step: (id) => played.find((p) => p.id === id),
    outputs,
    summary: played.map((p) => p.summary).join(''),
    log: played.map((p) => p.log).join(''),
    status: jobStatus(),
  };
}
