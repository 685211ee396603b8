import * as core from '@actions/core';
import { getExecOutput } from '@actions/exec';
import { HttpClient } from '@actions/http-client';
import * as io from '@actions/io';
import * as tc from '@actions/tool-cache';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as semver from 'semver';
import { DeployError, InputError } from '../lib/errors.js';
import type { Binary } from './inputs.js';
import { describeSpec, satisfies, type VersionSpec } from './version.js';

export interface Installed {
  /** The executable itself. */
  path: string;
  version: string;
  /** Where it came from: already on PATH, the runner's tool cache, or downloaded now. */
  source: 'path' | 'cache' | 'download';
}

export interface InstallOptions {
  binary: Binary;
  /** Undefined: no version asked for anywhere, so a binary on PATH is used as it is. */
  spec: VersionSpec | undefined;
  downloadUrl: string;
}

const platforms: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' };
const architectures: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };

/** The release's file names, laid out as releases.hashicorp.com and OpenTofu's GitHub releases do. */
export function releaseFiles(binary: Binary, baseUrl: string, version: string) {
  const os = platforms[process.platform] ?? process.platform;
  const arch = architectures[process.arch] ?? process.arch;
  const zip = `${binary}_${version}_${os}_${arch}.zip`;
  const folder = binary === 'terraform' ? `${baseUrl}/terraform/${version}` : `${baseUrl}/v${version}`;
  return { zip, zipUrl: `${folder}/${zip}`, sumsUrl: `${folder}/${binary}_${version}_SHA256SUMS` };
}

const http = () => new HttpClient('deploy-actions/terraform', [], { allowRetries: true, maxRetries: 3 });

async function getText(url: string, what: string): Promise<string> {
  const response = await http().get(url);
  const body = await response.readBody();
  const status = response.message.statusCode ?? 0;
  if (status !== 200) {
    throw new InputError(
      `Could not fetch ${what} from ${url}: HTTP ${status}.`,
      status === 404
        ? "Check 'terraform-version' (the release must exist) and 'download-url' (your mirror must hold it)."
        : "Check that 'download-url' is reachable from the runner.",
    );
  }
  return body;
}

/** The newest stable release matching the spec, from the releases site's version index. */
async function resolveVersion(options: InstallOptions, spec: VersionSpec): Promise<string> {
  if (spec.kind === 'exact') return spec.version;
  const indexUrl =
    options.binary === 'terraform'
      ? `${options.downloadUrl}/terraform/index.json`
      : 'https://get.opentofu.org/tofu/api.json';
  const index = JSON.parse(await getText(indexUrl, 'the list of releases')) as {
    versions: Record<string, unknown> | { id: string }[];
  };
  const versions = Array.isArray(index.versions) ? index.versions.map((v) => v.id) : Object.keys(index.versions);
  const stable = versions.filter((v) => semver.valid(v) && !semver.prerelease(v));
  const chosen = spec.kind === 'latest' ? semver.rsort(stable)[0] : semver.maxSatisfying(stable, spec.range);
  if (!chosen) {
    throw new InputError(
      `No ${options.binary} release matches '${describeSpec(spec)}' (${stable.length} releases listed at ${indexUrl}).`,
      "Loosen 'terraform-version' or required_version.",
    );
  }
  return chosen;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The version a binary reports (`version -json`, which OpenTofu also answers with `terraform_version`). */
export async function binaryVersion(path: string): Promise<string | undefined> {
  const result = await getExecOutput(path, ['version', '-json'], { silent: true, ignoreReturnCode: true });
  try {
    return (JSON.parse(result.stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    return /v(\d+\.\d+\.\d+\S*)/.exec(result.stdout)?.[1];
  }
}

async function download(options: InstallOptions, version: string): Promise<string> {
  const files = releaseFiles(options.binary, options.downloadUrl, version);
  const sums = await getText(files.sumsUrl, `the SHA256SUMS of ${options.binary} ${version}`);
  const expected = sums
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([, name]) => name === files.zip)?.[0];
  if (!expected) {
    throw new InputError(
      `${files.sumsUrl} lists no checksum for ${files.zip}.`,
      'This platform may have no build of that version: pick another version.',
    );
  }
  core.info(`Downloading ${files.zipUrl}`);
  let zip: string;
  try {
    zip = await tc.downloadTool(files.zipUrl);
  } catch (error) {
    const status = (error as { httpStatusCode?: number }).httpStatusCode;
    throw new InputError(
      `Could not download ${files.zipUrl}${status ? `: HTTP ${status}` : ''}.`,
      "Check 'terraform-version' and 'download-url'.",
      { cause: error },
    );
  }
  const actual = await sha256(zip);
  if (actual !== expected.toLowerCase()) {
    await rm(zip, { force: true });
    throw new DeployError(
      `The checksum of ${files.zip} does not match its SHA256SUMS: expected ${expected}, got ${actual}. Nothing was installed.`,
      "The download was corrupted or tampered with. Retry; if it persists, check the mirror in 'download-url'.",
      { reason: 'checksum-mismatch' },
    );
  }
  core.info(`SHA256 ${actual} matches ${files.sumsUrl}`);
  const extracted = await tc.extractZip(zip);
  await rm(zip, { force: true });
  return tc.cacheDir(extracted, options.binary, version);
}

const executable = (dir: string, binary: Binary) => join(dir, process.platform === 'win32' ? `${binary}.exe` : binary);

/**
 * Finds or installs the wanted version: a binary on PATH that satisfies it, else the runner's tool cache,
 * else a download whose SHA256 is checked against the release's SHA256SUMS before it is cached.
 */
export async function install(options: InstallOptions): Promise<Installed> {
  const onPath = await io.which(options.binary, false);
  if (onPath) {
    const version = await binaryVersion(onPath);
    if (version && (options.spec === undefined || satisfies(version, options.spec))) {
      return { path: onPath, version, source: 'path' };
    }
  }
  const spec = options.spec ?? { kind: 'latest' };
  if (spec.kind !== 'latest') {
    const cached = tc.find(options.binary, spec.kind === 'exact' ? spec.version : spec.range);
    if (cached) {
      core.addPath(cached);
      return { path: executable(cached, options.binary), version: cached.split(/[\\/]/).at(-2)!, source: 'cache' };
    }
  }
  const version = await resolveVersion(options, spec);
  const cached = tc.find(options.binary, version);
  const dir = cached || (await download(options, version));
  core.addPath(dir);
  return { path: executable(dir, options.binary), version, source: cached ? 'cache' : 'download' };
}
