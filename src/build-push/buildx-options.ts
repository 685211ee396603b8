import { InputError } from '../lib/errors.js';
import { keyValues, list, optional, optionalBool, workspacePath } from '../lib/inputs.js';
import { confineLocalPaths } from './local-paths.js';

/**
 * The inputs of docker/build-push-action v6 that are `docker buildx build` flags with no classic-builder
 * equivalent, read with the meaning its action.yml gives and passed to buildx as they are. Any of them makes
 * the build need buildx (chooseBuilder says so when it is missing).
 */
export interface BuildxOptions {
  /** Each: [flag, value]; a flag without a value has value undefined. */
  flags: [string, string | undefined][];
  /** `secret-envs`: id -> the name of an environment variable of the step holding the secret. */
  secretEnvs: Map<string, string>;
  /** `secret-files`: id -> a file's path. */
  secretFiles: Map<string, string>;
  /** `load: true`: also load the image into the local engine (--output=type=docker). */
  load: boolean;
  /** `builder` given a builder instance's name, as docker/setup-buildx-action's `name` output. */
  instance?: string;
  /** The inputs set, for the message when buildx is missing. */
  given: string[];
}

/** Inputs that are lists, each item one flag; `commas` where the anchor splits on commas as well. */
const LISTS: [input: string, flag: string, commas: boolean][] = [
  ['add-hosts', '--add-host', true],
  ['allow', '--allow', true],
  ['annotations', '--annotation', false],
  ['attests', '--attest', false],
  ['build-contexts', '--build-context', false],
  ['no-cache-filters', '--no-cache-filter', true],
  ['outputs', '--output', false],
  ['ssh', '--ssh', false],
  ['ulimit', '--ulimit', false],
];

/** Inputs that are one value, one flag. `provenance` and `sbom` take `--flag=value` (buildx's own form). */
const VALUES: [input: string, flag: string][] = [
  ['call', '--call'],
  ['cgroup-parent', '--cgroup-parent'],
  ['shm-size', '--shm-size'],
  ['provenance', '--provenance'],
  ['sbom', '--sbom'],
];

const SECRET_ID = /^[\w.-]+$/;

function secretMap(input: string): Map<string, string> {
  const values = keyValues(input);
  for (const id of values.keys()) {
    if (!SECRET_ID.test(id)) {
      throw new InputError(`Input '${input}' has an invalid id '${id}'.`, 'Ids are letters, digits, _, . and -.');
    }
  }
  return values;
}

export function readBuildxOptions(builder: string | undefined): BuildxOptions {
  const flags: [string, string | undefined][] = [];
  const given: string[] = [];
  for (const [input, flag, commas] of LISTS) {
    const items = list(input, { commas });
    confineLocalPaths(input, items);
    if (items.length > 0) given.push(input);
    for (const item of items) flags.push([flag, item]);
  }
  for (const [input, flag] of VALUES) {
    const value = optional(input);
    if (value === undefined) continue;
    given.push(input);
    flags.push([flag, value]);
  }
  if (optionalBool('pull')) {
    given.push('pull');
    flags.push(['--pull', undefined]);
  }
  const secretEnvs = secretMap('secret-envs');
  // A secret file is read by buildx: only one of the checkout or RUNNER_TEMP (where an earlier step writes it).
  const secretFiles = new Map(
    [...secretMap('secret-files')].map(([id, path]) => [id, workspacePath('secret-files', path)] as const),
  );
  if (secretEnvs.size > 0) given.push('secret-envs');
  if (secretFiles.size > 0) given.push('secret-files');
  const load = optionalBool('load') ?? false;
  if (load) given.push('load');
  const instance = builder !== undefined && !['auto', 'buildx', 'docker'].includes(builder) ? builder : undefined;
  if (instance !== undefined) {
    if (!/^[\w.-]+$/.test(instance)) throw new InputError(`Input 'builder' has '${instance}', not a builder name.`);
    given.push('builder');
  }
  return { flags, secretEnvs, secretFiles, load, instance, given };
}

/** The flags for buildx: `--flag value` (or `--flag=value` for provenance and sbom, whose value may be empty). */
export function buildxOptionArgs(options: BuildxOptions): string[] {
  const args: string[] = [];
  if (options.instance) args.push('--builder', options.instance);
  for (const [flag, value] of options.flags) {
    if (value === undefined) args.push(flag);
    else if (flag === '--provenance' || flag === '--sbom') args.push(`${flag}=${value}`);
    else args.push(flag, value);
  }
  for (const [id, variable] of options.secretEnvs) args.push('--secret', `id=${id},env=${variable}`);
  for (const [id, file] of options.secretFiles) args.push('--secret', `id=${id},src=${file}`);
  if (options.load) args.push('--load');
  return args;
}
