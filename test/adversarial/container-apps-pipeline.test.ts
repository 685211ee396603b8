import { afterEach, describe, expect } from 'vitest';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';
import { CLIENT_ID, SUBSCRIPTION, TENANT, type FakeAzure } from '../fakes/azure/index.js';
import { exampleCall } from '../pipelines/examples.js';
import { play } from '../pipelines/play.js';
import { badInput } from './kinds.js';

/**
 * azure-pipeline.yml with platform: containerapp (examples/container-apps' production call), attacked: inputs the
 * caller gets wrong are refused by deploy-azure before any request to ARM, naming the input, and nothing is rolled
 * back since nothing changed (ARM's own faults during a canary: test/adversarial/containerapp.test.ts).
 */

const SHA = '0123456789abcdef0123456789abcdef01234567';
const production = exampleCall('container-apps', 'production');
const OLD = `contoso.azurecr.io/api:1.0.0@sha256:${'1'.repeat(64)}`;
const NEW = `contoso.azurecr.io/api:${SHA}@sha256:${'2'.repeat(64)}`;
const APP = String(production.with['app-name']);
const GROUP = String(production.with['resource-group']);

let azure: FakeAzure | undefined;
let apps: ContainerAppsState;
afterEach(async () => {
  await azure?.close();
  azure = undefined;
});

async function pipeline(inputs: Record<string, unknown>) {
  ({ azure, apps } = await startContainerAppsAzure());
  azure.startMs = 50;
  await apps.addApp(APP, { image: OLD, resourceGroup: GROUP });
  const endpoints = { 'resource-manager-endpoint': azure.arm, 'authority-host': azure.authority };
  const result = await play({
    workflow: production.workflow,
    job: 'deploy',
    inputs: {
      ...production.with,
      'client-id': CLIENT_ID,
      'tenant-id': TENANT,
      'subscription-id': SUBSCRIPTION,
      'traffic-pause': '0.05',
      'deploy-timeout-seconds': 20,
      'smoke-timeout-seconds': 3,
      ...inputs,
    },
    needs: { build: { outputs: { image: NEW, digest: NEW.split('@')[1]! } } },
    env: { ...azure.env(true), NODE_EXTRA_CA_CERTS: apps.caFile },
    extra: {
      'deploy-azure': { ...endpoints, 'poll-interval': '0.05' },
      rollback: { ...endpoints, 'poll-interval': '0.05' },
      'smoke-test': { interval: '0.1', 'consecutive-successes': '1' },
    },
  });
  return { result, azure };
}

const serving = () => apps.app(APP, GROUP).configuration.ingress?.traffic?.find((e) => e.weight === 100)?.revisionName;

describe('azure-pipeline.yml with platform: containerapp, attacked', () => {
  for (const [name, inputs, input] of [
    ['canary weights that fall', { traffic: '50,10' }, 'traffic'],
    ['a canary that never reaches 100', { traffic: '10,50' }, 'traffic'],
    ['a pause longer than an hour', { 'traffic-pause': '2h' }, 'traffic-pause'],
    ['App Service app settings', { 'app-settings': 'PORT=8080' }, 'app-settings'],
  ] as const)
    badInput(`container app pipeline: ${name} refused before any ARM request, nothing rolled back`, async () => {
      const { result, azure } = await pipeline(inputs);
      expect(result.status).toBe('failure');
      expect(result.step('deploy')!.log).toMatch(new RegExp(`::error::.*Input '${input}'`));
      expect(result.step('deploy')!.outputs.changed ?? 'false').toBe('false');
      expect(azure.armCalls).toEqual([]);
      expect(result.ran).not.toContain('rollback');
      expect(serving()).toBe(`${APP}--v1`);
    });
});
