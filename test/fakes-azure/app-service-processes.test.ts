import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAzure, type FakeAzure } from '../fakes/azure/index.js';

/** The local App Service with `processes`: each slot's container a real local process behind the slot's front end. */

let azure: FakeAzure | undefined;
afterEach(async () => {
  await azure?.close();
  azure = undefined;
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const answer = async (port: number) => {
  const res = await fetch(`https://127.0.0.1:${port}/health`);
  return `${res.status} ${((await res.json()) as { version: string }).version}`;
};

describe('slot containers as local processes', () => {
  it('answers from a process of the running image, replaced when another image takes over, all stopped at close', async () => {
    azure = await startFakeAzure();
    azure.processes = true;
    await azure.addSite('web', { image: 'contoso.azurecr.io/web:1.0.0', slots: [] });
    const slot = azure.slot('web');
    expect(await answer(slot.port)).toBe('200 1.0.0');
    const [first] = await azure.containerPids();
    expect(first && alive(first)).toBe(true);

    slot.running = 'contoso.azurecr.io/web:2.0.0';
    azure.behaviour = (image) => (image.endsWith(':2.0.0') ? 'unhealthy' : 'healthy');
    expect(await answer(slot.port)).toBe('503 2.0.0');
    const [second] = await azure.containerPids();
    expect(second).not.toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alive(first!)).toBe(false);

    await azure.close();
    azure = undefined;
    expect(alive(second!)).toBe(false);
  });
});
