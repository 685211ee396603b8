import { afterEach, describe, expect, it } from 'vitest';
import { run as deployAzure } from '../../src/deploy-azure/main.js';
import { run as rollback } from '../../src/rollback/main.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { runBundle } from '../helpers/runner.js';
import { cloudInputs, fast, HELLO, startAzure, V1, V2 } from '../deploy-azure/fixture.js';

/** rollback on Azure App Service against the local Azure, from the outputs of a real deploy-azure run. */

let azure: FakeAzure;
afterEach(() => azure?.close());

const inputs = (more: Record<string, string>) => ({ ...cloudInputs(azure), ...fast, ...HELLO, ...more });
const writes = () => azure.armCalls.filter((c) => !c.startsWith('GET') && !c.endsWith('/list'));

describe('rollback on Azure', () => {
  it('after a swap whose version then failed its smoke test, swaps the slot back and waits until production serves it', async () => {
    azure = await startAzure();
    const deployed = await runInProcess(deployAzure, inputs({ 'slot-name': 'staging', images: V2, swap: 'true' }));
    expect(deployed.outputs['previous-image']).toBe(V1);
    const step = await runInProcess(
      rollback,
      inputs({
        'slot-name': 'staging',
        'previous-image': deployed.outputs['previous-image'] ?? '',
        reason: 'smoke test failed',
      }),
    );
    expect(step.log).not.toContain('::error::');
    expect(step.outputs).toMatchObject({ outcome: 'rolled-back', 'rolled-back-to': V1, 'rolled-back-from': V2 });
    expect(azure.slot('hello').running).toBe(`DOCKER|${V1}`);
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V2}`);
    expect(step.summary).toContain('swapped staging back into production');
    expect(step.log).toMatch(/production #\d+: 200 ok/);
  });

  it('is idempotent: a second run changes nothing and succeeds', async () => {
    azure = await startAzure();
    await runInProcess(deployAzure, inputs({ 'slot-name': 'staging', images: V2, swap: 'true' }));
    const once = await runInProcess(rollback, inputs({ 'slot-name': 'staging', 'previous-image': V1 }));
    expect(once.outputs.outcome).toBe('rolled-back');
    const before = writes().length;
    const twice = await runInProcess(rollback, inputs({ 'slot-name': 'staging', 'previous-image': V1 }));
    expect(twice.failed).toBe(false);
    expect(twice.outputs.outcome).toBe('already-current');
    expect(writes()).toHaveLength(before);
    expect(azure.slot('hello').running).toBe(`DOCKER|${V1}`);
  });

  it('sets previous-image on production when no slot holds it, and waits until it serves', async () => {
    azure = await startAzure();
    await runInProcess(deployAzure, inputs({ images: V2 }));
    expect(azure.slot('hello').running).toBe(`DOCKER|${V2}`);
    const step = await runInProcess(rollback, inputs({ 'previous-image': V1 }));
    expect(step.failed).toBe(false);
    expect(step.outputs.outcome).toBe('rolled-back');
    expect(azure.slot('hello').linuxFxVersion).toBe(`DOCKER|${V1}`);
    expect(step.summary).toContain('set previous-image on production');
  });

  it('refuses a missing previous-image before any request', async () => {
    azure = await startAzure();
    const step = await runInProcess(rollback, inputs({ 'slot-name': 'staging' }));
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/::error::Input 'previous-image' is required/);
    expect(azure.tokenRequests).toEqual([]);
  });

  it('runs from the bundle with the certificate trusted through NODE_EXTRA_CA_CERTS', async () => {
    azure = await startAzure();
    await runInProcess(deployAzure, inputs({ 'slot-name': 'staging', images: V2, swap: 'true' }));
    const step = await runBundle('rollback', {
      inputs: inputs({ 'slot-name': 'staging', 'previous-image': V1 }),
      env: azure.env(),
    });
    expect(step.exitCode).toBe(0);
    expect(step.outputs.outcome).toBe('rolled-back');
    expect(step.summary).toMatch(/^### rollback: ✅ Succeeded/);
  });
});

describe('rollback on a strict Azure', () => {
  it('retries while another operation holds the site (409), then swaps back', async () => {
    azure = await startAzure();
    await runInProcess(deployAzure, inputs({ 'slot-name': 'staging', images: V2, swap: 'true' }));
    azure.busy('hello', 1500);
    const step = await runInProcess(rollback, inputs({ 'slot-name': 'staging', 'previous-image': V1 }));
    expect(step.log).not.toContain('::error::');
    expect(step.log).toMatch(/another operation is in progress on hello; retrying in/);
    expect(azure.slot('hello').running).toBe(`DOCKER|${V1}`);
  });

  it("says App Service's message when the swap back fails, not 'Unexpected status code'", async () => {
    azure = await startAzure();
    await runInProcess(deployAzure, inputs({ 'slot-name': 'staging', images: V2, swap: 'true' }));
    azure.failNextSwap(
      400,
      "Cannot swap slots for site 'hello' because the worker process for 'staging' slot could not be started.",
    );
    const step = await runInProcess(rollback, inputs({ 'slot-name': 'staging', 'previous-image': V1 }));
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(
      /::error::Swap hello\/staging with production failed: BadRequest \(HTTP 400\): Cannot swap slots for site 'hello' because the worker process/,
    );
    expect(step.log).not.toContain('Unexpected status code');
  });

  it('setting previous-image on production fails at once when its container does not start', async () => {
    azure = await startAzure();
    await runInProcess(deployAzure, inputs({ images: V2 }));
    azure.behaviour = (image) => (image === V1 ? 'crash' : 'healthy');
    const step = await runInProcess(rollback, inputs({ 'previous-image': V1 }));
    expect(step.failed).toBe(true);
    expect(step.log).toContain('failing site start');
    expect(azure.slot('hello').running).toBe(`DOCKER|${V2}`);
  });
});

describe('rollback on a plan without slots (Basic)', () => {
  it('puts previous-image back on production after deploy-azure deployed in place, slot-name as the pipeline gives it', async () => {
    azure = await startAzure({ slots: [] });
    azure.setTier('hello', 'Basic');
    const deployed = await runInProcess(deployAzure, inputs({ 'slot-name': 'staging', images: V2, swap: 'true' }));
    expect(deployed.outputs['previous-image']).toBe(V1);
    expect(azure.slot('hello').running).toBe(`DOCKER|${V2}`);
    const step = await runInProcess(rollback, inputs({ 'slot-name': 'staging', 'previous-image': V1 }));
    expect(step.log).not.toContain('::error::');
    expect(step.outputs).toMatchObject({ outcome: 'rolled-back', 'rolled-back-to': V1 });
    expect(step.log).toContain('The plan of hello is Basic (no slots): setting previous-image on production.');
    expect(azure.slot('hello').running).toBe(`DOCKER|${V1}`);
  });
});

describe('rollback on Azure when requests hang or answers are lost', () => {
  it("cuts a hung ARM request at the step's timeout and names it", async () => {
    azure = await startAzure();
    azure.hang('arm', 1, /\/sites\/hello$/);
    // request-timeout is deploy-azure's (rollback's Azure target does not take it yet): timeout bounds it here.
    const step = await runInProcess(rollback, inputs({ 'previous-image': V1, timeout: '2s' }));
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('timeout');
    expect(step.log).toMatch(
      /::error::Get hello failed: ARM GET \/subscriptions\/.*\/sites\/hello: no answer within [\d.]+ s \(the step's timeout\)/,
    );
    expect(azure.hung).toHaveLength(1);
  });

  it("reads production back when the swap back's answer is lost, and goes on by what it runs", async () => {
    azure = await startAzure();
    await runInProcess(deployAzure, inputs({ 'slot-name': 'staging', images: V2, swap: 'true' }));
    azure.loseSwapAnswer();
    const step = await runInProcess(rollback, inputs({ 'slot-name': 'staging', 'previous-image': V1, timeout: '3s' }));
    expect(step.log).toContain(`::warning::The swap's answer was lost; read back: production runs ${V1}.`);
    expect(step.failed).toBe(false);
    expect(step.outputs).toMatchObject({ outcome: 'rolled-back', 'rolled-back-to': V1 });
    expect(azure.slot('hello').running).toBe(`DOCKER|${V1}`);
  });
});
