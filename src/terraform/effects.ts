import * as core from '@actions/core';
import type { Command } from './inputs.js';

/**
 * Inputs that only some commands read. Given to another command they would be ignored without a word, so each
 * is named in a warning with the commands it is for (issue 13: an input without effect is never silently ignored).
 */
const planning: Command[] = ['plan', 'apply', 'destroy'];
const withState: Command[] = ['plan', 'apply', 'destroy', 'output'];

const readBy: Record<string, Command[]> = {
  'plan-hash': ['apply', 'destroy'],
  'auto-approve': ['apply', 'destroy'],
  auto_approve: ['apply', 'destroy'],
  'plan-file': planning,
  plan_path: planning,
  target: planning,
  replace: planning,
  destroy: planning,
  refresh: planning,
  parallelism: planning,
  'var-file': planning,
  var_file: planning,
  variables: planning,
  'secret-variables': planning,
  comment: planning,
  add_github_comment: planning,
  label: planning,
  redact: withState,
  workspace: withState,
  'backend-config': withState,
  backend_config: withState,
  backend_config_file: withState,
};

/** The inputs only a plan, apply, destroy or output reads: given one, a step means one of those commands. */
export const planningInputs = Object.keys(readBy);

/** Warns about each given input that `command` does not read. */
export function warnNoEffect(command: Command, given: (name: string) => boolean): string[] {
  const ignored = Object.entries(readBy).filter(([name, commands]) => !commands.includes(command) && given(name));
  for (const [name, commands] of ignored) {
    core.warning(
      `Input '${name}' has no effect with command '${command}': only ${commands.join(', ')} read it. Remove it, or use one of those commands.`,
    );
  }
  return ignored.map(([name]) => name);
}
