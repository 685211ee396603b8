import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script shared with the tests and the demo
import { node24 } from '../scripts/node24.mjs';
import { CLIENT_ID, SUBSCRIPTION, TENANT, startFakeAzure } from '../test/fakes/azure/index.js';
import { median, timeToExit, type Figure } from './lib.js';

const dist = join(import.meta.dirname, '..', 'actions', 'deploy-azure', 'dist');

function bundleBytes(): number {
  return readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

function runnerEnv(inputs: Record<string, string>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const files = mkdtempSync(join(tmpdir(), 'bench-runner-'));
  for (const name of ['output', 'state', 'summary']) writeFileSync(join(files, name), '');
  return {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: join(files, 'output'),
    GITHUB_STATE: join(files, 'state'),
    GITHUB_STEP_SUMMARY: join(files, 'summary'),
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
    ...extra,
  };
}

/** Time from spawning the bundle to its exit when an input is invalid: what a mistyped workflow costs. */
async function coldStart(node: string): Promise<{ action: number; baseline: number }> {
  const env = runnerEnv({ 'app-name': 'hello', 'resource-group-name': 'rg-web', images: 'Not An Image' });
  const action: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < 9; i++) {
    baseline.push(await timeToExit(node, ['-e', '']));
    action.push(await timeToExit(node, [join(dist, 'index.js')], env));
  }
  return { action: median(action), baseline: median(baseline) };
}

/** ARM and token requests of one deploy into a slot with swap, against the local Azure. */
async function requests(node: string): Promise<{ arm: number; token: number; oidc: number; exitCode: number }> {
  const azure = await startFakeAzure();
  try {
    await azure.addSite('hello', { image: 'ghcr.io/octo-org/hello-service:1.0.0', slots: ['staging'] });
    const env = runnerEnv(
      {
        'app-name': 'hello',
        'resource-group-name': 'rg-web',
        'slot-name': 'staging',
        images: 'ghcr.io/octo-org/hello-service:2.0.0',
        swap: 'true',
        'client-id': CLIENT_ID,
        'tenant-id': TENANT,
        'subscription-id': SUBSCRIPTION,
        'resource-manager-endpoint': azure.arm,
        'authority-host': azure.authority,
        'poll-interval': '0.05',
        'app-settings': 'LOG_LEVEL=debug',
      },
      azure.env(true),
    );
    const exitCode = await new Promise<number>((resolve) => {
      const child = spawn(node, [join(dist, 'index.js')], { env, stdio: 'ignore' });
      child.on('close', (code) => resolve(code ?? 1));
    });
    return { arm: azure.armCalls.length, token: azure.tokenRequests.length, oidc: azure.oidcRequests, exitCode };
  } finally {
    await azure.close();
  }
}

export default async function deployAzureBench(): Promise<Figure[]> {
  const node = node24() as string;
  const start = await coldStart(node);
  const counted = await requests(node);
  if (counted.exitCode !== 0) throw new Error(`the benchmark deploy failed (exit ${counted.exitCode})`);
  return [
    { name: 'bundle size of actions/deploy-azure/dist', value: bundleBytes(), unit: 'bytes' },
    {
      name: 'cold start to exit on invalid input',
      value: start.action,
      unit: 'ms',
      baseline: "node -e ''",
      ratio: start.action / start.baseline,
    },
    { name: 'ARM requests, one deploy with swap (OIDC login)', value: counted.arm, unit: 'requests' },
    { name: 'Entra token requests, same deploy', value: counted.token, unit: 'requests' },
    { name: 'GitHub ID token requests, same deploy', value: counted.oidc, unit: 'requests' },
  ];
}
