import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CloudError } from './errors.js';
import { mask, scrub } from './secrets.js';

/**
 * The Docker CLI, run through @actions/exec so its output streams into the log as it comes. Every call is
 * timed (the summary shows build and push times). Passwords reach `docker login` on stdin only.
 */

export interface DockerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface DockerOptions {
  /** Extra environment for this call (e.g. build secrets read by `--secret id=X,env=Y`). */
  env?: Record<string, string>;
  input?: string;
  /** Do not stream the output into the log (probes, inspect). */
  silent?: boolean;
  cwd?: string;
}

export async function docker(args: string[], options: DockerOptions = {}): Promise<DockerResult> {
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  const env = options.env ? ({ ...process.env, ...options.env } as Record<string, string>) : undefined;
  // Loaded at the first docker command: @actions/exec (child_process, @actions/io) is not needed to read inputs.
  const exec = await import('@actions/exec');
  const exitCode = await exec.exec('docker', args, {
    ignoreReturnCode: true,
    silent: options.silent ?? false,
    input: options.input === undefined ? undefined : Buffer.from(options.input),
    cwd: options.cwd,
    env,
    listeners: {
      stdout: (data: Buffer) => (stdout += data.toString()),
      stderr: (data: Buffer) => (stderr += data.toString()),
    },
  });
  return { exitCode, stdout, stderr, ms: performance.now() - started };
}

/** Runs docker and throws a CloudError with its last error lines when it fails. */
export async function dockerOrThrow(
  what: string,
  args: string[],
  options: DockerOptions & { hint?: string } = {},
): Promise<DockerResult> {
  const result = await docker(args, options);
  if (result.exitCode !== 0) {
    const detail = lastLines(`${result.stderr}\n${result.stdout}`, 4);
    throw new CloudError(
      `${what} failed (docker exit code ${result.exitCode}): ${detail}`,
      'DockerError',
      options.hint,
    );
  }
  return result;
}

/** The last lines Docker printed, scrubbed: a failing RUN or a registry's answer may echo a secret. */
function lastLines(text: string, count: number): string {
  return scrub(text)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-count)
    .join(' | ');
}

/** Whether the buildx plugin answers, and its version line (or why not). */
export async function buildxVersion(): Promise<{ available: boolean; detail: string }> {
  const result = await docker(['buildx', 'version'], { silent: true }).catch((error: unknown) => ({
    exitCode: 1,
    stdout: '',
    stderr: String(error),
    ms: 0,
  }));
  // On failure Docker's first line says why ("'buildx' is not a docker command"); the rest is usage help.
  const detail = result.exitCode === 0 ? lastLines(result.stdout, 1) : (result.stderr.trim().split('\n')[0] ?? '');
  return { available: result.exitCode === 0, detail };
}

/**
 * `docker login` with the password on stdin. The password is masked first, so even Docker's own messages
 * cannot print it. A refused login is a CloudError that names the registry and the user.
 */
export async function login(registry: string, username: string, password: string, hint?: string): Promise<void> {
  mask(password);
  const result = await docker(['login', '--username', username, '--password-stdin', registry], {
    input: password,
    silent: true,
  });
  if (result.exitCode !== 0) {
    throw new CloudError(
      `docker login to ${registry} as '${username}' was refused: ${lastLines(result.stderr, 2)}`,
      'LoginFailed',
      hint ?? 'Check the username and password (or token) for this registry.',
    );
  }
  core.info(`Logged in to ${registry} as ${username}.`);
}

export async function logout(registry: string): Promise<void> {
  await docker(['logout', registry], { silent: true });
}

/** The digest `docker push` reports: `<tag>: digest: sha256:<hex> size: <n>`. */
export function digestFromPush(output: string): string | undefined {
  return /digest: (sha256:[a-f0-9]{64})/.exec(output)?.[1];
}

export async function push(reference: string): Promise<{ digest: string; ms: number }> {
  const result = await dockerOrThrow(`docker push ${reference}`, ['push', reference], {
    hint: 'Check that the login has push rights on this repository (and that the repository exists).',
  });
  const digest = digestFromPush(result.stdout);
  if (!digest) throw new CloudError(`docker push ${reference} did not report a digest.`, 'DockerError');
  return { digest, ms: result.ms };
}

export interface ImageDetails {
  id: string;
  size: number;
  repoDigests: string[];
}

export async function inspectImage(reference: string): Promise<ImageDetails | undefined> {
  const result = await docker(['image', 'inspect', '--format', '{{json .}}', reference], { silent: true });
  if (result.exitCode !== 0) return undefined;
  const data = JSON.parse(result.stdout) as { Id?: string; Size?: number; RepoDigests?: string[] };
  return { id: data.Id ?? '', size: data.Size ?? 0, repoDigests: data.RepoDigests ?? [] };
}

/** Docker Hub's names: `docker login` with no server (or docker.io) stores the login under this key. */
const DOCKER_HUB = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/**
 * Whether the Docker config (DOCKER_CONFIG, else ~/.docker) holds a login for `host`, as an earlier step
 * (docker/login-action, aws-actions/amazon-ecr-login, azure/docker-login, `docker login`) leaves it: an
 * `auths` entry (with a credsStore the entry is empty and the secret is in the store) or a `credHelpers` one.
 */
export function hasDockerLogin(host: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const dir = env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker');
  let config: { auths?: Record<string, unknown>; credHelpers?: Record<string, unknown> };
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as typeof config;
  } catch {
    return false;
  }
  const keys = DOCKER_HUB.includes(host) ? [...DOCKER_HUB, DOCKER_HUB_KEY] : [host, `https://${host}`];
  return keys.some((key) => config.auths?.[key] !== undefined || config.credHelpers?.[key] !== undefined);
}
