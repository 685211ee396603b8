import * as core from '@actions/core';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { list } from '../lib/inputs.js';
import { isSensitiveName, mask, maskUrl } from '../lib/secrets.js';

/**
 * Everything build-push is given that is a credential, masked before any input is checked (so no message can
 * print one) and whatever its name: the registry password and tokens, every value of `secrets` (whatever its
 * id), the variables `secret-envs` names, the contents of `secret-files`, build arguments named like credentials,
 * and the credentials inside buildx's attribute lists and URLs (`cache-to: type=s3,secret_access_key=…`,
 * `type=gha,token=…`, a `build-contexts` or `context` URL with `user:password@`).
 */
export function maskCredentials(): void {
  for (const name of ['password', 'github-token', 'azure-access-token']) mask(core.getInput(name).trim());
  for (const line of lines('secrets')) {
    mask(line.includes('=') ? line.slice(line.indexOf('=') + 1).trim() : line.trim());
  }
  for (const line of lines('secret-envs')) {
    const variable = line.slice(line.indexOf('=') + 1).trim();
    mask(process.env[variable]);
  }
  for (const line of lines('build-args')) {
    const at = line.indexOf('=');
    if (at > 0 && isSensitiveName(line.slice(0, at).trim())) mask(line.slice(at + 1).trim());
  }
  for (const input of ['context', 'cache-from', 'cache-to', 'outputs', 'build-contexts', 'attests', 'ssh']) {
    for (const line of lines(input)) maskAttributes(line);
  }
}

/** The contents of each `secret-files` file (and each of its lines), once its path is known to be allowed. */
export function maskSecretFiles(files: Iterable<string>): void {
  for (const file of files) {
    if (!existsSync(file) || !statSync(file).isFile() || statSync(file).size > 1024 * 1024) continue;
    mask(readFileSync(file, 'utf8').trim());
  }
}

const lines = (input: string) => list(input, { commas: false });

/** `key=value,key=value` (buildx's attribute lists), or a URL: credential values and URL passwords masked. */
function maskAttributes(line: string): void {
  for (const part of line.split(',')) {
    const at = part.indexOf('=');
    const value = at < 0 ? part.trim() : part.slice(at + 1).trim();
    if (at > 0 && isSensitiveName(part.slice(0, at).trim())) mask(value);
    for (const url of value.match(/[a-z][a-z0-9+.-]*:\/\/[^\s,]+/gi) ?? []) maskUrl(url);
  }
}
