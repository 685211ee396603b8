import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { azureChapter, judge, type AzureStory } from '../../scripts/demo/azure.js';
import { Pipeline } from '../../scripts/demo/pipeline.js';
import { repoRoot } from '../helpers/runner.js';
import { demo, finalTable } from './helpers.js';

/**
 * `npm run demo -- --cloud azure`: the Azure chapter against the local Azure (App Service slots, Container Apps
 * replicas as local processes), every stage its bundle. Needs neither az nor Docker. The chapter runs in this
 * process, so the test reads the end of the story from the local Azure itself; the command line is run once too.
 */

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const close of closers.splice(0).reverse()) await close();
});

describe('the Azure chapter of the demo', () => {
  it('swaps a good release in and a bad one back, runs a canary and stops a bad revision before traffic moves', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
    // The stages' progress lines (`deploy-azure ... ✘ failure in 6.1 s`) are written without a line end.
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const pipeline = new Pipeline({ verbose: false });
    const story = await azureChapter(pipeline, closers);
    const output = printed.join('\n');
    expect(story.stopped, output).toBeUndefined();

    // App Service: production on 1.1.0 and answering it; the bad 1.2.0 went back to the staging slot.
    expect(story.webApp).toEqual({
      production: 'contoso.azurecr.io/web:1.1.0',
      staging: 'contoso.azurecr.io/web:1.2.0',
      answers: '200 healthy 1.1.0',
      processes: expect.any(Number),
    });
    // Production's container is a real local process (and staging's too, once probed).
    expect(story.webApp.processes).toBeGreaterThan(0);
    // Container Apps: all traffic on the 1.1.0 revision, the stale 1.2.0 revision at 0% and deactivated.
    const { containerApp } = story;
    expect(containerApp.serving).toMatch(/^hello--1-1-0-/);
    expect(containerApp.answers).toBe('200 healthy 1.1.0');
    const bad = containerApp.traffic.find((w) => w.revision.startsWith('hello--1-2-0-'));
    expect(bad).toMatchObject({ weight: 0, label: 'candidate' });
    expect(containerApp.inactive).toContain(bad?.revision);
    expect(containerApp.traffic.filter((w) => w.weight > 0)).toEqual([{ revision: containerApp.serving, weight: 100 }]);

    const outcome = (release: string) =>
      pipeline.rows.filter((r) => r.release === release).map((r) => `${r.stage} ${r.outcome}`);
    expect(outcome('appservice 1.1.0')).toEqual(['deploy-azure success', 'smoke-test success']);
    expect(outcome('appservice 1.2.0')).toEqual([
      'deploy-azure failure',
      'smoke-test skipped',
      'rollback skipped',
      'smoke-test success',
    ]);
    expect(outcome('containerapp 1.1.0')).toEqual(['deploy-azure success', 'smoke-test success']);
    expect(outcome('containerapp 1.2.0')).toEqual([
      'deploy-azure failure',
      'smoke-test skipped',
      'rollback success',
      'smoke-test success',
    ]);

    // What a reader sees: the swap back, each canary step, the label URL answering, the stale build caught.
    expect(output).toMatch(/deploy-azure contoso\.azurecr\.io\/web:1\.2\.0 into staging, swap \.\.\. \n?✘ failure/);
    expect(output).toMatch(/swapped staging back into production/);
    expect(output).toMatch(/production did not serve version 1\.2\.0 .*status 503/);
    for (const step of [
      '10% \\[candidate\\] · hello--v1 90%',
      '50% \\[candidate\\] · hello--v1 50%',
      '100% \\[candidate\\] · hello--v1 0%',
    ])
      expect(output).toMatch(new RegExp(`traffic +hello--1-1-0-\\w+ ${step}`));
    expect(output).toMatch(
      /label +candidate hello--1-2-0-\w+ at https:\/\/127\.0\.0\.1:\d+\/health answered 200, version 1\.1\.0/,
    );
    expect(output).toMatch(/did not serve version 1\.2\.0 .*expected "1\.2\.0", got "1\.1\.0"/);
    expect(output).toMatch(
      /slots +production contoso\.azurecr\.io\/web:1\.1\.0 · staging contoso\.azurecr\.io\/web:1\.0\.0/,
    );
  }, 180_000);
});

describe('when the Azure story did not happen', () => {
  const good: Omit<AzureStory, 'stopped'> = {
    webApp: {
      production: 'contoso.azurecr.io/web:1.1.0',
      staging: 'contoso.azurecr.io/web:1.2.0',
      answers: '200 healthy 1.1.0',
      processes: 2,
    },
    containerApp: {
      traffic: [
        { revision: 'hello--1-2-0-abc', weight: 0, label: 'candidate' },
        { revision: 'hello--1-1-0-def', weight: 100 },
      ],
      serving: 'hello--1-1-0-def',
      answers: '200 healthy 1.1.0',
      inactive: ['hello--1-2-0-abc'],
    },
  };

  it('says why, so the demo exits 1: the bad release left in production, or traffic split or unproven', () => {
    expect(judge(good)).toBeUndefined();
    expect(judge({ ...good, webApp: { ...good.webApp, production: 'contoso.azurecr.io/web:1.2.0' } })).toBe(
      'contoso-web should run 1.1.0 in production, it runs contoso.azurecr.io/web:1.2.0',
    );
    expect(judge({ ...good, webApp: { ...good.webApp, answers: '503 unhealthy 1.2.0' } })).toMatch(/answers 503/);
    expect(judge({ ...good, webApp: { ...good.webApp, processes: 0 } })).toMatch(/from no local container process/);
    const split = { ...good.containerApp, serving: '', answers: '200 healthy 1.1.0' };
    expect(judge({ ...good, containerApp: split })).toMatch(/hello has no revision with all the traffic/);
    expect(judge({ ...good, containerApp: { ...good.containerApp, answers: '200 healthy 1.2.0' } })).toMatch(
      /hello answers 200 healthy 1\.2\.0/,
    );
  });
});

describe('npm run demo -- --cloud azure', () => {
  it('tells the story from the command line and ends with the table and what each target runs', async () => {
    const { stdout } = await demo('--cloud', 'azure');
    const table = finalTable(stdout);
    expect(table).toMatch(/appservice 1\.2\.0 +deploy-azure +✘ failure/);
    expect(table).toMatch(/containerapp 1\.1\.0 +deploy-azure +✔ success/);
    expect(table).toMatch(/containerapp 1\.2\.0 +rollback +✔ success/);
    expect(stdout).toMatch(
      /contoso-web: production runs contoso\.azurecr\.io\/web:1\.1\.0 and answers 200 healthy 1\.1\.0/,
    );
    expect(stdout).toMatch(/hello: traffic hello--1-2-0-\w+ 0% \[candidate\] · hello--1-1-0-\w+ 100%/);
  }, 180_000);

  it('refuses a cloud it does not know, naming the ones it has', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--cloud', 'gcp'], {
      cwd: repoRoot,
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("--cloud must be aws or azure, got 'gcp'"),
    });
  });

  it('interrupted with Ctrl-C while replicas run, it stops every replica process it started', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--cloud', 'azure'], {
      cwd: repoRoot,
    });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const domain = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        // The container app's first canary is under way: hello--v1's replica and the new revision's run.
        const found = /domain (\S+); replicas are local processes[^]*release 1\.1\.0: a good release as a canary/.exec(
          stdout,
        );
        if (found) resolve(found[1]!);
      });
      void exited.then(() => reject(new Error(`the demo ended before its replicas ran:\n${stdout}`)));
    });
    expect(replicasOf(domain).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toContain('interrupted: stopping every task');
    expect(replicasOf(domain)).toEqual([]);
  }, 120_000);
});

/** Live processes of this user started as replicas of the demo's Container Apps environment (Linux: /proc). */
function replicasOf(domain: string): string[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
        const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
        return environ.includes(`CONTAINER_APP_ENV_DNS_SUFFIX=${domain}\0`) && state !== 'Z';
      } catch {
        return false;
      }
    });
}
