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

/** Who holds a state lock and since when, from Terraform's "Error acquiring the state lock" report. */
export function parseLock(
  stderr: string,
): { id?: string; who?: string; created?: string; operation?: string } | undefined {
  if (!/Error acquiring the state lock/i.test(stderr)) return undefined;
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.*\\S)\\s*$`, 'm').exec(stderr)?.[1];
  return { id: field('ID'), who: field('Who'), created: field('Created'), operation: field('Operation') };
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
      return new DeployError(
        `${command} could not take the state lock: it is held by ${lock.who ?? 'another run'} since ${lock.created ?? 'an unknown time'}` +
          ` (${lock.operation ?? 'unknown operation'}, lock ID ${lock.id ?? 'unknown'}).`,
        `Wait for that run to finish, or raise 'lock-timeout' to wait for it. If the run died, release the lock with: terraform force-unlock ${lock.id ?? '<ID>'}`,
        { reason: 'state-locked' },
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
    return new DeployError(
      `${command} failed (exit code ${result.exitCode}):\n${errorText(result.stderr || result.stdout)}`,
      "The error above is Terraform's own; fix the configuration or the inputs it names.",
      { reason: 'terraform-failed' },
    );
  }
}
