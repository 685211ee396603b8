import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { install } from '../src/terraform/install.js';
import { startReleases } from '../test/fakes/releases/server.js';
import { compared, median, startFigures, type Figure } from './lib.js';

/** terraform: bundle size, cold start, and installing Terraform: a first download against the tool cache. */

/**
 * Installing from the tool cache against a first download with checksum check and unzip, from a local
 * releases site serving a zip of the machine's real terraform (about 90 MB uncompressed) when there is one.
 */
async function installTimes(): Promise<{ download: number; cache: number; zipBytes: number }> {
  let content: Buffer | undefined;
  try {
    content = readFileSync(execFileSync('sh', ['-c', 'command -v terraform']).toString().trim());
  } catch {
    content = undefined;
  }
  const releases = await startReleases({ '1.98.0': content ? { content } : {} });
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write; // install() logs progress
  try {
    const download: number[] = [];
    const cache: number[] = [];
    for (let i = 0; i < 3; i++) {
      process.env.RUNNER_TOOL_CACHE = mkdtempSync(join(tmpdir(), 'bench-tool-cache-'));
      process.env.RUNNER_TEMP = mkdtempSync(join(tmpdir(), 'bench-runner-temp-'));
      const options = {
        binary: 'terraform',
        spec: { kind: 'exact', version: '1.98.0' },
        downloadUrl: releases.url,
      } as const;
      const path = process.env.PATH;
      let started = performance.now();
      await install(options);
      download.push(performance.now() - started);
      process.env.PATH = path; // install() put the tool on PATH; the second run must find it in the cache
      started = performance.now();
      await install(options);
      cache.push(performance.now() - started);
    }
    return { download: median(download), cache: median(cache), zipBytes: releases.zipBytes('1.98.0') };
  } finally {
    process.stdout.write = write;
    await releases.close();
  }
}

export default async function terraformBench(): Promise<Figure[]> {
  const start = await startFigures('terraform');
  const { download, cache, zipBytes } = await installTimes();
  const fromCache = { name: 'install: from the tool cache', value: cache, unit: 'ms' };
  return [
    ...start,
    { name: 'install: first download (zip, SHA256SUMS check, unzip, cache)', value: download, unit: 'ms' },
    compared(fromCache, 'first download', download),
    { name: 'install: release zip served', value: zipBytes, unit: 'bytes' },
  ];
}
