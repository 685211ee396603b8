import type { StepResult } from '../../test/helpers/runner.js';
import { versionOf, type FakeAzure, type FakeSlot } from '../../test/fakes/azure/index.js';
import { bold, dim } from './markdown.js';
import type { Pipeline } from './pipeline.js';

/**
 * The App Service half of the Azure chapter, wired as azure-pipeline.yml wires it (platform appservice, a staging
 * slot): deploy-azure (the image into the staging slot, proven there, swapped into production, production proven)
 * -> smoke-test of production -> rollback (swap back) when the smoke test did not prove it, unless deploy-azure
 * swapped back by itself. The web app's slots serve the local Azure's App Service containers.
 *   1.1.0  a good release: proven in the slot, swapped in, proven in production;
 *   1.2.0  needs STORE_URL, a slot setting only the staging slot has: healthy in the slot, /health answers 503 once
 *          swapped into production, where deploy-azure's check of production catches it and swaps back.
 */

export const WEB_APP = 'contoso-web';
const GROUP = 'web-rg';
const REPOSITORY = 'contoso.azurecr.io/web';
export const WEB_RELEASES = [
  { version: '1.1.0', story: 'a good release: proven in the staging slot, swapped in, proven in production' },
  {
    version: '1.2.0',
    story: 'needs STORE_URL, a setting only the staging slot has: healthy there, 503 once swapped into production',
  },
];

/** The web app contoso-web on 1.0.0 with a staging slot that holds the slot-specific setting STORE_URL. */
export async function seedWebApp(azure: FakeAzure): Promise<void> {
  await azure.addSite(WEB_APP, {
    image: `${REPOSITORY}:1.0.0`,
    resourceGroup: GROUP,
    slots: ['staging'],
    settings: { PORT: '8080' },
  });
  azure.slot(WEB_APP, 'staging').appSettings.STORE_URL = 'https://store.staging.contoso.example';
  azure.slotConfigNames(WEB_APP).appSettingNames.push('STORE_URL');
  // 1.2.0 reads STORE_URL at each request; without it its /health answers 503.
  azure.behaviour = (image: string, slot?: FakeSlot) =>
    image === `${REPOSITORY}:1.2.0` && !slot?.appSettings.STORE_URL ? 'unhealthy' : 'healthy';
}

/** What each slot runs, as ARM holds it. */
export function slotImages(azure: FakeAzure): string {
  const image = (slot: string) => azure.slot(WEB_APP, slot).linuxFxVersion.replace(/^DOCKER\|/, '');
  return `production ${image('production')} · staging ${image('staging')}`;
}

type Inputs = Record<string, string>;

/** One release through azure-pipeline.yml's deploy job; says why when the story cannot go on. */
export async function releaseWebApp(
  pipeline: Pipeline,
  azure: FakeAzure,
  cloud: { inputs: Inputs; env: Inputs },
  version: string,
): Promise<string | undefined> {
  const release = `appservice ${version}`;
  const app = { ...cloud.inputs, 'app-name': WEB_APP, 'resource-group-name': GROUP };
  const deployed = await pipeline.stage(
    release,
    'deploy-azure',
    `${REPOSITORY}:${version} into staging, swap`,
    {
      ...app,
      'slot-name': 'staging',
      images: `${REPOSITORY}:${version}`,
      swap: 'true',
      'health-path': '/health',
      timeout: '6',
      'poll-interval': '0.2',
    },
    cloud.env,
  );
  console.log(dim(`  slots       ${slotImages(azure)}\n`));
  const outputs = deployed.outputs;
  const url = `${outputs['production-url'] || outputs['webapp-url'] || ''}/health`;
  if (!deployed.passed && outputs.changed !== 'true') return `deploy-azure failed before production changed`;
  if (deployed.passed) {
    const proved = await pipeline.stage(
      release,
      'smoke-test',
      `${url} answers ${version}`,
      smoke(url, version),
      cloud.env,
      passed,
    );
    if (proved.passed) return undefined;
  } else pipeline.skip(release, 'smoke-test', 'deploy-azure failed');
  const restored = outputs['previous-image'] ?? '';
  if (outputs['rolled-back'] === 'true') {
    pipeline.skip(release, 'rollback', `deploy-azure swapped back by itself: ${outputs['end-state'] ?? ''}`);
  } else {
    const back = await pipeline.stage(
      release,
      'rollback',
      'the smoke test failed: swap back',
      {
        ...app,
        target: 'azure',
        'slot-name': 'staging',
        'previous-image': restored,
        timeout: '6',
        'poll-interval': '0.2',
      },
      cloud.env,
    );
    console.log(dim(`  slots       ${slotImages(azure)}\n`));
    if (!back.passed) return 'rollback did not swap back';
  }
  const again = versionOf(restored);
  const proof = await pipeline.stage(
    release,
    'smoke-test',
    `the restored ${again} answers`,
    smoke(url, again),
    cloud.env,
    passed,
  );
  return proof.passed ? undefined : `production does not answer ${again} after the swap back`;
}

const passed = (step: StepResult) => step.exitCode === 0 && step.outputs.passed === 'true';

function smoke(url: string, version: string): Inputs {
  return {
    url,
    'expect-json': `status=healthy\nversion=${version}`,
    timeout: '4',
    interval: '0.2',
    backoff: '1',
    'consecutive-successes': '3',
    'fail-on-error': 'false',
  };
}

export function webAppTitle(): void {
  console.log(bold(`App Service: ${WEB_APP} (resource group ${GROUP}) with a staging slot, on 1.0.0`));
}
