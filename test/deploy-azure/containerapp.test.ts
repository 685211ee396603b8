import { afterEach, describe, expect, it } from 'vitest';
import { runStage } from '../../src/lib/action.js';
import { containerAppStage } from '../../src/deploy-azure/containerapp.js';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { cloudInputs } from './fixture.js';

/**
 * deploy-azure `target: containerapp` against the local Container Apps (revisions as real local processes), through
 * the real @azure/arm-appcontainers client and login: what a user sees in outputs, summary and log, and the state the
 * app is left in.
 */

const V1 = 'ghcr.io/octo-org/hello-service:1.0.0';
const V2 = 'ghcr.io/octo-org/hello-service:2.0.0';
const CRASH = 'ghcr.io/octo-org/hello-service:2.0.1';

let azure: FakeAzure;
let apps: ContainerAppsState;
afterEach(() => azure?.close());

async function start() {
  ({ azure, apps } = await startContainerAppsAzure());
  azure.startMs = 50;
  azure.behaviour = (image) => (image === CRASH ? 'crash' : 'healthy');
  await apps.addApp('hello', { image: V1 });
}

const fast = { 'poll-interval': '0.05', timeout: '20', 'traffic-pause': '0.05' };

function deploy(inputs: Record<string, string>) {
  return runInProcess(() => runStage(containerAppStage), {
    ...cloudInputs(azure),
    ...fast,
    target: 'containerapp',
    'app-name': 'hello',
    'resource-group-name': 'rg-apps',
    ...inputs,
  });
}

/** The version the app's own URL answers (all traffic), and the weights ARM holds. */
const appVersion = async () =>
  ((await (await fetch(`${apps.appUrl('hello')}/health`)).json()) as { version: string }).version;
const traffic = () => apps.app('hello').configuration.ingress?.traffic;
const writes = () =>
  azure.armCalls.filter((c) => /^(PUT|PATCH|POST) .*Microsoft\.App/.test(c) && !c.endsWith('/listSecrets'));

describe('a release all at once', () => {
  it('makes a labelled revision at weight 0, proves it on its own URL, then moves all traffic to it', async () => {
    await start();
    const step = await deploy({ images: V2, 'revision-suffix': 'v2' });
    expect(step.log).not.toContain('::error::');
    expect(step.outputs).toMatchObject({
      revision: 'hello--v2',
      'previous-revision': 'hello--v1',
      changed: 'true',
      image: V2,
      'app-url': apps.appUrl('hello'),
      'revision-url': apps.revisionUrl('hello', 'hello--v2'),
    });
    expect(traffic()).toEqual([
      { revisionName: 'hello--v2', weight: 100, label: 'candidate' },
      { revisionName: 'hello--v1', weight: 0 },
    ]);
    expect(await appVersion()).toBe('2.0.0');
    expect(step.log).toMatch(/hello--v2: Provisioning, (Processing|Running), (None|Healthy)/);
    expect(step.log).toMatch(/hello--v2: Provisioned, Running, Healthy; replicas ready 1\/1/);
    expect(step.log).toMatch(/hello--v2 #\d+: 200 ok/);
    expect(step.summary).toContain('deploy-azure: ✅ Succeeded');
    expect(step.summary).toContain('<code>hello--v1</code> → <code>hello--v2</code>');
  });

  it('sets a Key Vault secret and its reference, command, args and scale on the new revision', async () => {
    await start();
    const vault = 'https://hello-kv.vault.azure.net/secrets/db-password';
    const step = await deploy({
      images: V2,
      'revision-suffix': 'v2',
      'key-vault-secrets': `db-password=${vault}`,
      'env-vars': 'DB_PASSWORD=secretref:db-password',
      command: 'node',
      args: 'server.js\n--port=8080',
      'min-replicas': '2',
      'max-replicas': '4',
    });
    expect(step.log).not.toContain('::error::');
    expect(apps.app('hello').configuration.secrets).toContainEqual({
      name: 'db-password',
      keyVaultUrl: vault,
      identity: 'system',
    });
    const revision = apps.revision('hello', 'hello--v2');
    expect(revision.template.containers?.[0]).toMatchObject({ command: ['node'], args: ['server.js', '--port=8080'] });
    expect(revision.template.scale).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
    expect(revision.replicas).toHaveLength(2);
    expect(revision.replicas[0]?.env.DB_PASSWORD).toBe(`kv:${vault}`);
  });

  it('does nothing on a rerun with the same image: changed false, no write', async () => {
    await start();
    await deploy({ images: V2 });
    const before = writes().length;
    const again = await deploy({ images: V2 });
    expect(again.failed).toBe(false);
    expect(again.outputs).toMatchObject({ changed: 'false', revision: again.outputs['previous-revision'] });
    expect(writes().length).toBe(before);
    expect(again.summary).toContain('Nothing to change');
  });
});

describe('blue-green: proven first, traffic in a second step', () => {
  it('with traffic: 0 makes and proves the labelled revision only; run again, it moves the traffic without a new revision', async () => {
    await start();
    const first = await deploy({ images: V2, 'revision-suffix': 'v2', traffic: '0' });
    expect(first.failed).toBe(false);
    expect(first.outputs).toMatchObject({ revision: 'hello--v2', changed: 'true' });
    expect(await appVersion()).toBe('1.0.0');
    const label = (await (await fetch(`${apps.labelUrl('hello', 'candidate')}/health`)).json()) as { version: string };
    expect(label.version).toBe('2.0.0');
    const puts = azure.armCalls.filter((c) => c.startsWith('PUT')).length;
    const second = await deploy({ images: V2, 'revision-suffix': 'v2' });
    expect(second.outputs).toMatchObject({ revision: 'hello--v2', changed: 'false', 'previous-revision': 'hello--v1' });
    expect(azure.armCalls.filter((c) => c.startsWith('PUT')).length).toBe(puts);
    expect(await appVersion()).toBe('2.0.0');
  });
});

describe('canary', () => {
  it('moves traffic 10, 50, 100 with a pause, each step set, checked in ARM and verified', async () => {
    await start();
    const step = await deploy({ images: V2, 'revision-suffix': 'v2', traffic: '10,50,100' });
    expect(step.failed).toBe(false);
    const patches = azure.armCalls.filter((c) => c.startsWith('PATCH') && c.endsWith('/containerApps/hello'));
    expect(patches).toHaveLength(3);
    expect(step.log).toMatch(/traffic: hello--v2=10 \(candidate\), hello--v1=90/);
    expect(step.log).toMatch(/traffic: hello--v2=50 \(candidate\), hello--v1=50/);
    expect(step.log).toMatch(/10% on hello--v2: verified[^]*50% on hello--v2: verified[^]*100% on hello--v2: verified/);
    expect(step.summary).toContain('10% → 50% → 100%');
    expect(await appVersion()).toBe('2.0.0');
  });

  it('is rolled back when the new revision fails during a step: all traffic on the previous one, the new one deactivated', async () => {
    await start();
    // Once the canary takes traffic, the new image starts crashing (as under real load).
    const watch = setInterval(() => {
      const revision = apps.app('hello').revisions.get('hello--v2');
      if (!revision || !traffic()?.some((e) => e.revisionName === 'hello--v2' && (e.weight ?? 0) > 0)) return;
      clearInterval(watch);
      azure.behaviour = () => 'crash';
      for (const replica of revision.replicas) void replica.process?.stop();
      azure.behaviour = (image) => (image === V2 || image === CRASH ? 'crash' : 'healthy');
    }, 10);
    const step = await deploy({ images: V2, 'revision-suffix': 'v2', traffic: '10,50,100', timeout: '3' });
    clearInterval(watch);
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(
      /::error::hello--v2 at 10%25 did not serve version 2\.0\.0 .* ARM reports: replica hello--v2-\S+ container hello restarted \d+ times: CrashLoopBackOff/,
    );
    expect(traffic()).toEqual([
      { revisionName: 'hello--v1', weight: 100 },
      { revisionName: 'hello--v2', weight: 0, label: 'candidate' },
    ]);
    expect(apps.revision('hello', 'hello--v2').active).toBe(false);
    expect(await appVersion()).toBe('1.0.0');
    expect(step.outputs).toMatchObject({ 'previous-revision': 'hello--v1', 'failure-reason': 'rollout-failed' });
    expect(step.summary).toContain('all traffic on <code>hello--v1</code>; <code>hello--v2</code> deactivated');
  });
});

describe('a revision that cannot become ready fails at once, traffic untouched', () => {
  it("a failed provisioning (image not found) names ARM's reason", async () => {
    await start();
    apps.runtime.missingImages.add('ghcr.io/octo-org/hello-service:9.9.9');
    const started = Date.now();
    const step = await deploy({ images: 'ghcr.io/octo-org/hello-service:9.9.9', 'revision-suffix': 'v9' });
    expect(step.failed).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(step.log).toMatch(
      /::error::Revision hello--v9 of hello cannot become ready: provisioning failed: .*MANIFEST_UNKNOWN/,
    );
    expect(traffic()?.find((e) => (e.weight ?? 0) > 0)).toEqual({ revisionName: 'hello--v1', weight: 100 });
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
  });

  it('crash-looping replicas name the exit code and the last line the container printed', async () => {
    await start();
    const step = await deploy({ images: CRASH, 'revision-suffix': 'v201' });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(
      /cannot become ready: replica hello--v201-\S+ container hello restarted \d+ times: CrashLoopBackOff: .*last exited with code 1; panic: missing configuration/,
    );
    expect(apps.revision('hello', 'hello--v201').active).toBe(false);
    expect(await appVersion()).toBe('1.0.0');
  });
});

describe('a revision that never gets ready', () => {
  it('times out naming what its replicas report (the readiness probe failing), the previous revision untouched', async () => {
    await start();
    azure.behaviour = (image) => (image === V2 ? 'unhealthy' : 'healthy');
    const step = await deploy({ images: V2, 'revision-suffix': 'v2', timeout: '1.5' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('timeout');
    expect(step.log).toMatch(
      /::error::Revision hello--v2 of hello was not ready within .*container hello: Readiness probe failed: HTTP probe failed with statuscode: 503/,
    );
    expect(apps.revision('hello', 'hello--v2').active).toBe(false);
    expect(await appVersion()).toBe('1.0.0');
  });
});

describe('one-off job before traffic moves', () => {
  it('runs the job with the new image, then moves traffic; its execution and exit code are outputs', async () => {
    await start();
    apps.addJob('hello-migrate', { image: V1 });
    const step = await deploy({
      images: V2,
      'revision-suffix': 'v2',
      'job-name': 'hello-migrate',
      'job-args': 'migrate',
    });
    expect(step.failed).toBe(false);
    expect(step.outputs['job-exit-code']).toBe('0');
    const execution = apps.jobs.get('rg-apps/hello-migrate')?.executions.get(step.outputs['job-execution'] ?? '');
    expect(execution).toMatchObject({
      status: 'Succeeded',
      template: { containers: [{ image: V2, args: ['migrate'] }] },
    });
    expect(await appVersion()).toBe('2.0.0');
  });

  it('a failing job stops the release before any traffic moves, with its exit status', async () => {
    await start();
    apps.addJob('hello-migrate');
    apps.runtime.jobBehaviour = (image) => (image === V2 ? 'crash' : 'healthy');
    const step = await deploy({ images: V2, 'revision-suffix': 'v2', 'job-name': 'hello-migrate' });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(
      /::error::Job hello-migrate execution hello-migrate-\w+ Failed \(exit code 3: migration failed/,
    );
    expect(step.outputs).toMatchObject({ 'job-exit-code': '3', 'failure-reason': 'rollout-failed' });
    expect(azure.armCalls.some((c) => c.startsWith('PATCH'))).toBe(false);
    expect(traffic()?.find((e) => (e.weight ?? 0) > 0)).toEqual({ revisionName: 'hello--v1', weight: 100 });
    expect(apps.revision('hello', 'hello--v2').active).toBe(false);
  });
});
