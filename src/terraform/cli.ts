import * as core from '@actions/core';
import { getExecOutput } from '@actions/exec';
import { DeployError } from '../lib/errors.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Keep the output out of the log: `show -json` and `output -json` print sensitive values in clear. */
  silent?: boolean;
  /** Exit codes that are answers, not failures (`plan -detailed-exitcode` exits 2 for "changes"). */
  ok?: number[];
}

export interface LockInfo {
  id?: string;
  path?: string;
  who?: string;
  created?: string;
  operation?: string;
  version?: string;
  info?: string;
}

/** Who holds a state lock and since when, from Terraform's "Error acquiring the state lock" report. */
export function parseLock(stderr: string): LockInfo | undefined {
  if (!/Error acquiring the state lock/i.test(stderr)) return undefined;
  const text = stderr.replace(/^[│╷╵]\s?/gm, '');
  const field = (name: string) => new RegExp(`^\\s*${name}:[ \\t]*(.*\\S)?[ \\t]*$`, 'm').exec(text)?.[1];
  return {
    id: field('ID'),
    path: field('Path'),
    who: field('Who'),
    created: field('Created'),
    operation: field('Operation'),
    version: field('Version'),
    info: field('Info'),
  };
}

/** A resource change an apply finished, from its `<address>: Creation complete after 1s [id=…]` lines. */
export interface Completed {
  address: string;
  /** `…-unfinished`: started and not finished when the apply failed (a created object is then tainted). */
  action: 'created' | 'changed' | 'destroyed' | 'create-unfinished' | 'change-unfinished' | 'destroy-unfinished';
}

const completedActions = { Creation: 'created', Modifications: 'changed', Destruction: 'destroyed' } as const;
const startedActions = {
  Creating: 'create-unfinished',
  Modifying: 'change-unfinished',
  Destroying: 'destroy-unfinished',
} as const;

/**
 * What an apply had done when it stopped, from its progress lines: the changes it finished (the state records
 * them, whatever failed after), then those it started and did not finish (`Creating...` with no `Creation
 * complete`): Terraform keeps such an object in the state as tainted, to be replaced by the next apply.
 */
export function completedChanges(stdout: string): Completed[] {
  const done: Completed[] = [];
  const started = new Map<string, Completed['action']>();
  for (const match of stdout.matchAll(
    /^(\S+): (?:(Creation|Modifications|Destruction) complete after|(Creating|Modifying|Destroying)\.\.\.)/gm,
  )) {
    const address = match[1] ?? '';
    if (match[3]) started.set(address, startedActions[match[3] as keyof typeof startedActions]);
    else {
      started.delete(address);
      done.push({ address, action: completedActions[match[2] as keyof typeof completedActions] });
    }
  }
  return [...done, ...[...started].map(([address, action]) => ({ address, action }))];
}

/** Terraform failed: the lock that stopped it, or what an apply had done before it stopped. */
export class TerraformFailed extends DeployError {
  constructor(
    message: string,
    hint: string,
    reason: string,
    readonly details: { lock?: LockInfo; completed?: Completed[]; command: string },
  ) {
    super(message, hint, { reason });
  }
}

/** The error blocks Terraform printed, without its boilerplate, for a message a reader can act on. */
export function errorText(stderr: string, limit = 1500): string {
  const start = stderr.search(/^Error: /m);
  const text = (start >= 0 ? stderr.slice(start) : stderr).trim();
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/**
 * Runs the Terraform (or OpenTofu) binary in the working directory, capturing exit code and output in
 * process: no PATH wrapper, so `$(terraform output -raw x)` in a later step still prints only the value.
 */
export class TerraformCli {
  constructor(
    readonly path: string,
    readonly cwd: string,
    private readonly env: Record<string, string>,
  ) {}

  async run(args: string[], options: RunOptions = {}): Promise<CliResult> {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
    const result = await getExecOutput(this.path, args, {
      cwd: this.cwd,
      env: { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...this.env },
      ignoreReturnCode: true,
      silent: options.silent,
    });
    if (![0, ...(options.ok ?? [])].includes(result.exitCode)) throw this.failure(args, result);
    return result;
  }

  private failure(args: string[], result: CliResult): DeployError {
    const command = `${this.path.split(/[\\/]/).pop()} ${args[0]}`;
    const lock = parseLock(result.stderr);
    if (lock) {
      return new TerraformFailed(
        `${command} could not take the state lock: it is held by ${lock.who ?? 'another run'} since ${lock.created ?? 'an unknown time'}` +
          ` (${lock.operation ?? 'unknown operation'}, lock ID ${lock.id ?? 'unknown'}).`,
        `Wait for that run to finish, or raise 'lock-timeout' to wait for it. If the run died, release the lock with: terraform force-unlock ${lock.id ?? '<ID>'}`,
        'state-locked',
        { lock, command: args[0] ?? '' },
      );
    }
    if (/Saved plan is stale/i.test(result.stderr)) {
      return new DeployError(
        `${command} refused the saved plan: the state changed since it was made, so it is not the plan that was reviewed.`,
        'Run plan again, review it, and apply the new plan.',
        { reason: 'plan-changed' },
      );
    }
    core.debug(result.stderr);
    const completed = args[0] === 'apply' ? completedChanges(result.stdout) : undefined;
    return new TerraformFailed(
      `${command} failed (exit code ${result.exitCode})${completed ? afterChanges(completed) : ''}:\n${errorText(result.stderr || result.stdout)}`,
      completed
        ? "The error above is Terraform's own. The state records every change listed as done; fix the error, then plan again: the new plan shows what is left to do."
        : "The error above is Terraform's own; fix the configuration or the inputs it names.",
      'terraform-failed',
      { completed, command: args[0] ?? '' },
    );
  }
}

function afterChanges(completed: Completed[]): string {
  const finished = completed.filter(({ action }) => !action.endsWith('-unfinished'));
  const unfinished = completed.filter(({ action }) => action.endsWith('-unfinished'));
  const list = (items: Completed[]) => items.map(({ address, action }) => `${address} (${action})`).join(', ');
  const plural = (n: number) => `${n} resource${n === 1 ? '' : 's'}`;
  const done =
    finished.length === 0
      ? ' before it had changed any resource'
      : ` after it had already changed ${plural(finished.length)}: ${list(finished)}`;
  return unfinished.length === 0
    ? done
    : `${done}; it had started and not finished ${plural(unfinished.length)}: ${list(unfinished)} (an object created part-way is kept in the state as tainted, and replaced by the next apply)`;
}
