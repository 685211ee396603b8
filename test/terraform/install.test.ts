import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeployError, failureReason, InputError } from '../../src/lib/errors.js';
import { install } from '../../src/terraform/install.js';
import { startReleases, versionScript, type ReleasesServer } from '../fakes/releases/server.js';

let releases: ReleasesServer;
let toolCache: string;
const path = process.env.PATH;

beforeAll(async () => {
  releases = await startReleases({
    '1.98.0': {},
    '1.98.3': {},
    '1.99.0': {},
    '1.97.0': { badChecksum: true },
  });
});
afterAll(() => releases.close());

beforeEach(() => {
  toolCache = mkdtempSync(join(tmpdir(), 'tool-cache-'));
  process.env.RUNNER_TOOL_CACHE = toolCache;
  process.env.RUNNER_TEMP = mkdtempSync(join(tmpdir(), 'runner-temp-'));
  releases.requests.length = 0;
  // install() puts the tool on PATH for later steps, as setup actions do; each test starts clean.
  process.env.PATH = path;
});

const exact = (version: string) => ({ kind: 'exact', version }) as const;

describe('install from the releases site', () => {
  it('downloads a release whose zip matches SHA256SUMS, caches it, and finds it in the cache next time', async () => {
    const first = await install({ binary: 'terraform', spec: exact('1.99.0'), downloadUrl: releases.url });
    expect(first).toMatchObject({ version: '1.99.0', source: 'download' });
    expect(first.path).toBe(
      join(toolCache, 'terraform', '1.99.0', process.arch === 'x64' ? 'x64' : process.arch, 'terraform'),
    );
    expect(execFileSync(first.path, ['version']).toString()).toContain('Terraform v1.99.0');
    expect(releases.requests.some((path) => path.endsWith('.zip'))).toBe(true);
    expect(releases.requests.some((path) => path.endsWith('_SHA256SUMS'))).toBe(true);

    releases.requests.length = 0;
    process.env.PATH = path;
    const second = await install({ binary: 'terraform', spec: exact('1.99.0'), downloadUrl: releases.url });
    expect(second).toEqual({ ...first, source: 'cache' });
    expect(releases.requests).toEqual([]);
  });

  it('refuses a zip whose checksum does not match, and caches nothing', async () => {
    const error = await install({ binary: 'terraform', spec: exact('1.97.0'), downloadUrl: releases.url }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeployError);
    expect(failureReason(error)).toBe('checksum-mismatch');
    expect((error as Error).message).toMatch(/checksum of terraform_1\.97\.0_\w+_\w+\.zip does not match/);
    expect(existsSync(join(toolCache, 'terraform'))).toBe(false);
    expect(readdirSync(process.env.RUNNER_TEMP!)).toEqual([]);
  });

  it('says which version was missing when the releases site has no such release', async () => {
    const error = await install({ binary: 'terraform', spec: exact('1.42.0'), downloadUrl: releases.url }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('/terraform/1.42.0/terraform_1.42.0_SHA256SUMS: HTTP 404');
  });

  it('resolves a range to the newest matching release from index.json', async () => {
    const installed = await install({
      binary: 'terraform',
      spec: { kind: 'range', range: '>=1.98.0 <1.99.0' },
      downloadUrl: releases.url,
    });
    expect(installed).toMatchObject({ version: '1.98.3', source: 'download' });
    expect(releases.requests[0]).toBe('/terraform/index.json');
  });

  it('installs OpenTofu from its own release layout with binary: tofu', async () => {
    const tofu = await startReleases({ '1.96.1': {} }, 'tofu');
    try {
      const installed = await install({ binary: 'tofu', spec: exact('1.96.1'), downloadUrl: tofu.url });
      expect(installed).toMatchObject({ version: '1.96.1', source: 'download' });
      expect(installed.path).toMatch(/[\\/]tofu[\\/]1\.96\.1[\\/]\w+[\\/]tofu$/);
      expect(tofu.requests).toEqual([
        '/v1.96.1/tofu_1.96.1_SHA256SUMS',
        expect.stringMatching(/^\/v1\.96\.1\/tofu_1\.96\.1_\w+_\w+\.zip$/),
      ]);
    } finally {
      await tofu.close();
    }
  });

  it('uses a terraform already on PATH when it satisfies the version, without any download', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'path-bin-'));
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'terraform'), `#!/bin/sh\n${versionScript('1.98.7')}\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${saved}`;
    try {
      const installed = await install({
        binary: 'terraform',
        spec: { kind: 'range', range: '~1.98' },
        downloadUrl: releases.url,
      });
      expect(installed).toEqual({ path: join(bin, 'terraform'), version: '1.98.7', source: 'path' });
      expect(releases.requests).toEqual([]);
      // A PATH binary that is too old is passed over for a download.
      const newer = await install({ binary: 'terraform', spec: exact('1.99.0'), downloadUrl: releases.url });
      expect(newer.source).toBe('download');
    } finally {
      process.env.PATH = saved;
    }
  });
});
