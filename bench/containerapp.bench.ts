import { containerAppStage } from '../src/deploy-azure/containerapp.js';
import { runStage } from '../src/lib/action.js';
import { startContainerAppsAzure } from '../test/fakes/azure/container-apps.js';
import { CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION, TENANT } from '../test/fakes/azure/index.js';
import { runInProcess } from '../test/helpers/in-process.js';
import { median, type Figure } from './lib.js';

/**
 * deploy-azure target: containerapp against the local Container Apps (revisions as real local processes): the ARM
 * requests of one release (all at once, and a 10,50,100 canary), and the time from the new revision ready to all
 * traffic on it (the probes of each step included; the canary's pauses set to 0).
 */

const RUNS = 3;

/** "646 ms", "1.2 s" or "1 min 5 s" (formatDuration) in milliseconds. */
function ms(text: string): number {
  const minutes = /(\d+) min/.exec(text)?.[1];
  const seconds = /([\d.]+) s\b/.exec(text)?.[1];
  const millis = /(\d+) ms/.exec(text)?.[1];
  return Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1000 + Number(millis ?? 0);
}

async function release(traffic: string): Promise<{ arm: number; tokens: number; movedMs: number }> {
  const { azure, apps } = await startContainerAppsAzure();
  try {
    azure.startMs = 50;
    await apps.addApp('hello', { image: 'ghcr.io/octo-org/hello-service:1.0.0' });
    const before = azure.armCalls.length;
    const step = await runInProcess(() => runStage(containerAppStage), {
      target: 'containerapp',
      'app-name': 'hello',
      'resource-group-name': 'rg-apps',
      images: 'ghcr.io/octo-org/hello-service:2.0.0',
      traffic,
      'traffic-pause': '0',
      'poll-interval': '0.05',
      'client-id': CLIENT_ID,
      'tenant-id': TENANT,
      'client-secret': CLIENT_SECRET,
      'subscription-id': SUBSCRIPTION,
      'resource-manager-endpoint': azure.arm,
      'authority-host': azure.authority,
    });
    if (step.failed) throw new Error(`the benchmark release failed:\n${step.log}`);
    const moved = /\| Ready → all traffic \| ([^|]+) \|/.exec(step.summary)?.[1] ?? '';
    return { arm: azure.armCalls.length - before, tokens: azure.tokenRequests.length, movedMs: ms(moved) };
  } finally {
    await azure.close();
  }
}

export default async function containerAppBench(): Promise<Figure[]> {
  const once = await release('100');
  const canary = await release('10,50,100');
  const moved: number[] = [];
  for (let i = 0; i < RUNS; i++) moved.push((await release('100')).movedMs);
  return [
    { name: 'ARM requests, one release all at once (polls included)', value: once.arm, unit: 'requests' },
    { name: 'ARM requests, one canary release 10,50,100', value: canary.arm, unit: 'requests' },
    { name: 'Entra token requests, one release', value: once.tokens, unit: 'requests' },
    { name: `revision ready → all traffic on it, median of ${RUNS}`, value: Math.round(median(moved)), unit: 'ms' },
  ];
}
