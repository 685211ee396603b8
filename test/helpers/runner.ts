import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
// @ts-expect-error: a plain .mjs script shared with the benchmark and the demo
import { node24 } from '../../scripts/node24.mjs';

/**
 * Runs an action the way the GitHub runner does: its bundled dist/index.js under Node 24, inputs as
 * INPUT_<NAME> variables, and the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files read back.
 */

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface RunnerFiles {
  output: string;
  state: string;
  summary: string;
  env: string;
}

export interface StepResult {
  exitCode: number;
  /** stdout and stderr interleaved as the runner shows them. */
  log: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  files: RunnerFiles;
}

/** The name the runner gives an input's variable: spaces to underscores, upper case; hyphens stay. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file: `name<<delimiter` blocks and plain `name=value` lines. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) body.push(lines[i] ?? '');
      values[name] = body.join('\n');
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return values;
}

export function runnerFiles(): RunnerFiles {
  const dir = mkdtempSync(join(tmpdir(), 'runner-'));
  const files = {
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    summary: join(dir, 'summary.md'),
    env: join(dir, 'env'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  return files;
}

export function readStep(files: RunnerFiles): Pick<StepResult, 'outputs' | 'state' | 'summary'> {
  return {
    outputs: parseCommandFile(readFileSync(files.output, 'utf8')),
    state: parseCommandFile(readFileSync(files.state, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
  };
}

/** The variables the runner sets for every step, plus the step's inputs and runner files. */
export function stepEnvironment(
  inputs: Record<string, string>,
  files: RunnerFiles,
  extra: Record<string, string | undefined> = {},
  state: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    RUNNER_TEMP: tmpdir(),
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_REPOSITORY: 'octo-org/hello-service',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: repoRoot,
  };
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
  for (const [name, value] of Object.entries(state)) env[`STATE_${name}`] = value;
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface BundleRun {
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** Values saved by the main step, for a post step. */
  state?: Record<string, string>;
  /** Runs the action.yml's `post:` file (as the runner's post step does) instead of its `main:`. */
  post?: boolean;
  cwd?: string;
  /** Called with the child once it has started (e.g. to send SIGINT as a cancelled run does). */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with the runner files before the step starts, to watch them while it runs. */
  onFiles?: (files: RunnerFiles) => void;
}

export async function runBundle(action: string, run: BundleRun = {}): Promise<StepResult> {
  const files = runnerFiles();
  run.onFiles?.(files);
  const runs = actionRuns(action);
  const file = run.post ? runs.post : runs.main;
  if (!file) throw new Error(`actions/${action}/action.yml has no runs.post: it has no post step to run`);
  const entry = join(repoRoot, 'actions', action, file);
  const child = spawn(node24(), [entry], {
    cwd: run.cwd ?? repoRoot,
    env: stepEnvironment(run.inputs ?? {}, files, run.env, run.state),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  run.onSpawn?.(child);
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  return { exitCode, log, files, ...readStep(files) };
}

/** The `runs:` block of an action.yml: what the runner starts for the main and the post step. */
export interface ActionRuns {
  using: string;
  main: string;
  post?: string;
  postIf?: string;
}

export function actionRuns(action: string): ActionRuns {
  const yml = readFileSync(join(repoRoot, 'actions', action, 'action.yml'), 'utf8');
  const block = /^runs:\n((?: {2}.*\n?)*)/m.exec(yml)?.[1] ?? '';
  const field = (name: string) => new RegExp(`^ {2}${name}: *(['"]?)(.*?)\\1 *$`, 'm').exec(block)?.[2] || undefined;
  return { using: field('using') ?? '', main: field('main') ?? '', post: field('post'), postIf: field('post-if') };
}

/** Every file of an action's dist/, as paths relative to it. */
export function distFiles(action: string): string[] {
  const dist = join(repoRoot, 'actions', action, 'dist');
  return readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dist, join(entry.parentPath, entry.name)))
    .sort();
}

/** The actions of the suite: every actions/<name>/ with an action.yml. */
export function actionNames(): string[] {
  return readdirSync(join(repoRoot, 'actions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => {
      try {
        readFileSync(join(repoRoot, 'actions', name, 'action.yml'));
        return true;
      } catch {
        return false;
      }
    })
    .sort();
}
