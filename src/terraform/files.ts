import { resolve } from 'node:path';
import { InputError } from '../lib/errors.js';
import { list, workspacePath } from '../lib/inputs.js';
import { isSensitiveName } from '../lib/secrets.js';
import { either, refuseBoth } from './anchors.js';
import { maskSecret } from './masking.js';

/**
 * The file inputs: each resolves inside the workspace (or RUNNER_TEMP), links followed, or is refused before
 * Terraform runs (src/lib/inputs.ts, workspacePath). This action's own are relative to working-directory, as
 * Terraform reads them from there; dflook's (`var_file`, `backend_config_file`, `plan_path`) to the workspace,
 * as dflook documents them.
 */

const inside = (input: string, workingDirectory: string) => (path: string) =>
  workspacePath(input, resolve(workingDirectory, path));

/** `var-file` (relative to working-directory) and dflook's `var_file` (relative to the workspace). */
export function varFiles(workingDirectory: string): string[] {
  refuseBoth('var-file', 'var_file');
  return [
    ...list('var-file').map(inside('var-file', workingDirectory)),
    ...list('var_file', { commas: false }).map((path) => workspacePath('var_file', path)),
  ];
}

/** A backend setting's name, as Terraform's -backend-config=KEY=VALUE takes it: an attribute of the backend block. */
const backendKey = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function backendLines(input: string, workingDirectory: string): string[] {
  return list(input, { commas: false }).map((line) => {
    const at = line.indexOf('=');
    if (at < 0) return inside(input, workingDirectory)(line);
    const key = line.slice(0, at).trim();
    if (!backendKey.test(key)) {
      throw new InputError(
        `Input '${input}' has the key '${key}', which is not a backend setting's name.`,
        'Write one key=value per line, the key as in the backend block (bucket, key, region, ...), or a file name.',
      );
    }
    return `${key}=${line.slice(at + 1).trim()}`;
  });
}

/** `backend-config` (key=value or file), and dflook's `backend_config` and `backend_config_file`. */
export function backendConfig(workingDirectory: string): string[] {
  refuseBoth('backend-config', 'backend_config');
  return [
    ...backendLines('backend-config', workingDirectory),
    ...backendLines('backend_config', workingDirectory),
    ...list('backend_config_file', { commas: false }).map((path) => workspacePath('backend_config_file', path)),
  ];
}

/**
 * Backend settings that are credentials (`access_key`, `secret_key`, `token`, `sas_token`, `client_secret`,
 * `password`) go to Terraform on its command line, which the log shows: masked before anything is read.
 */
export function maskBackendSecrets(): void {
  for (const input of ['backend-config', 'backend_config']) {
    for (const line of list(input, { commas: false })) {
      const at = line.indexOf('=');
      if (at > 0 && isSensitiveName(line.slice(0, at).trim())) maskSecret(line.slice(at + 1).trim());
    }
  }
}

/** `plan-file` (relative to working-directory), or dflook's `plan_path` (relative to the workspace). */
export function planFile(workingDirectory: string): string | undefined {
  const given = either('plan-file', 'plan_path');
  if (given === undefined) return undefined;
  return given.name === 'plan_path'
    ? workspacePath('plan_path', given.value)
    : inside('plan-file', workingDirectory)(given.value);
}
