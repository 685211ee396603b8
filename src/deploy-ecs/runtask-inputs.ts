import { InputError } from '../lib/errors.js';
import { bool, list, optional, text } from '../lib/inputs.js';
import { checkName, names } from '../lib/names.js';
import { checkEach, ecsRules } from './checks.js';
import { assignPublicIp } from './compat.js';

/** The inputs of the one-off task (run-task-*), and the command syntax it shares with `command`. */

export interface RunTaskOptions {
  container?: string;
  command?: string[];
  containerOverrides?: unknown[];
  subnets: string[];
  securityGroups: string[];
  assignPublicIp?: boolean;
  startedBy: string;
  wait: boolean;
}

/** A command given as a JSON array, or as words separated by spaces (quotes keep spaces in a word). */
export function parseCommand(input: string, raw: string): string[] {
  if (raw.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new InputError(
        `Input '${input}' starts with '[' but is not a JSON array.`,
        'Write ["npm", "run", "migrate"] or npm run migrate.',
      );
    }
    if (!Array.isArray(parsed) || parsed.some((word) => typeof word !== 'string')) {
      throw new InputError(`Input '${input}' must be a JSON array of strings.`);
    }
    return parsed as string[];
  }
  const words = raw.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  return words.map((word) => word.replace(/^(["'])(.*)\1$/, '$2'));
}

function readContainerOverrides(): unknown[] | undefined {
  const overrides = text('run-task-container-overrides');
  if (overrides === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(overrides);
  } catch {
    throw new InputError(
      "Input 'run-task-container-overrides' is not JSON.",
      'Give a JSON array of container overrides, as in the RunTask API.',
    );
  }
  if (!Array.isArray(parsed)) throw new InputError("Input 'run-task-container-overrides' must be a JSON array.");
  return parsed as unknown[];
}

/** The one-off task, when `run-task` or `run-task-command` asks for one. */
export function readRunTask(containerName: string | undefined): RunTaskOptions | undefined {
  const command = optional('run-task-command');
  const containerOverrides = readContainerOverrides();
  if (!bool('run-task', false) && command === undefined) return undefined;
  const container = optional('run-task-container');
  return {
    container: container === undefined ? containerName : checkName('run-task-container', container, names.ecsContainer),
    command: command === undefined ? undefined : parseCommand('run-task-command', command),
    containerOverrides,
    subnets: checkEach('run-task-subnets', list('run-task-subnets'), ecsRules.subnet),
    securityGroups: checkEach('run-task-security-groups', list('run-task-security-groups'), ecsRules.securityGroup),
    assignPublicIp: assignPublicIp(),
    startedBy: checkName(
      'run-task-started-by',
      optional('run-task-started-by') ?? 'GitHub-Actions',
      ecsRules.startedBy,
    ),
    wait: bool('wait-for-task-stopped', true),
  };
}
