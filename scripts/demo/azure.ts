import { startContainerAppsAzure } from '../../test/fakes/azure/container-apps.js';
import { CLIENT_ID, SUBSCRIPTION, TENANT, type FakeAzure } from '../../test/fakes/azure/index.js';
import type { ContainerAppsState } from '../../test/fakes/azure/container-apps.js';
import {
  CONTAINER_APP,
  APP_RELEASES,
  containerAppTitle,
  releaseContainerApp,
  seedContainerApp,
  showWeights,
  weights,
  type Weight,
} from './azure-container-apps.js';
import { WEB_APP, WEB_RELEASES, releaseWebApp, seedWebApp, slotImages, webAppTitle } from './azure-app-service.js';
import { bold, dim } from './markdown.js';
import type { Pipeline } from './pipeline.js';

/**
 * The Azure chapter of `npm run demo -- --cloud azure`: the local Azure (Entra with the job's OIDC token, ARM, App
 * Service slots, Container Apps whose replicas are local processes), every stage its bundle run as the runner runs
 * it, wired as azure-pipeline.yml wires them. App Service: a good release swapped in, a bad one swapped back.
 * Container Apps: a good release as a canary, a bad one caught before any traffic moved. Returns what the app and
 * the container app run at the end, read from the local Azure and from their own URLs, and why the story did not
 * happen when it did not (both must end on 1.1.0, the container app with all traffic on the 1.1.0 revision).
 */

export interface AzureStory {
  stopped?: string;
  /** processes: the slot containers running as local processes at the end. */
  webApp: { production: string; staging: string; answers: string; processes: number };
  containerApp: { traffic: Weight[]; serving: string; answers: string; inactive: string[] };
}

const GOOD = '1.1.0';

export async function azureChapter(pipeline: Pipeline, closers: (() => Promise<unknown>)[]): Promise<AzureStory> {
  console.log(bold('deploy-actions demo: Azure App Service slots and a Container Apps canary, locally\n'));
  const { azure, apps } = await startContainerAppsAzure();
  closers.push(() => azure.close());
  azure.startMs = 300;
  // Every slot's container a real local process, as the Container Apps replicas are.
  azure.processes = true;
  await seedWebApp(azure);
  await seedContainerApp(apps);
  const cloud = {
    // Logged in as azure-pipeline.yml's deploy job is: the GitHub ID token exchanged with Entra (OIDC).
    inputs: {
      'client-id': CLIENT_ID,
      'tenant-id': TENANT,
      'subscription-id': SUBSCRIPTION,
      'resource-manager-endpoint': azure.arm,
      'authority-host': azure.authority,
    },
    env: { ...azure.env(true), NODE_EXTRA_CA_CERTS: apps.caFile },
  };
  console.log(
    dim(`  local Azure: ARM and Entra ${azure.arm}, the job's ID token from ${new URL(azure.oidcUrl).origin}\n`),
  );

  let stopped: string | undefined;
  webAppTitle();
  console.log(dim(`  slots       ${slotImages(azure)}\n`));
  for (const release of WEB_RELEASES) {
    console.log(bold(`release ${release.version}: ${release.story}`));
    stopped ??= await releaseWebApp(pipeline, azure, cloud, release.version);
  }
  containerAppTitle(apps);
  console.log(dim(`  traffic     ${showWeights(weights(apps))}\n`));
  for (const release of APP_RELEASES) {
    console.log(bold(`release ${release.version}: ${release.story}`));
    stopped ??= await releaseContainerApp(pipeline, apps, cloud, release.version);
  }
  const story = await ending(azure, apps);
  return { ...story, stopped: stopped ?? judge(story) };
}

/** What each target runs at the end: ARM's view and the answer of its own URL. */
async function ending(azure: FakeAzure, apps: ContainerAppsState): Promise<Omit<AzureStory, 'stopped'>> {
  const image = (slot: string) => azure.slot(WEB_APP, slot).linuxFxVersion.replace(/^DOCKER\|/, '');
  const traffic = weights(apps);
  const serving = traffic.find((w) => w.weight === 100)?.revision ?? '';
  const app = apps.app(CONTAINER_APP);
  return {
    webApp: {
      production: image('production'),
      staging: image('staging'),
      answers: await versionAt(`https://127.0.0.1:${azure.slot(WEB_APP).port}/health`),
      processes: (await azure.containerPids()).length,
    },
    containerApp: {
      traffic,
      serving,
      answers: await versionAt(`${apps.appUrl(CONTAINER_APP)}/health`),
      inactive: [...app.revisions.values()].filter((r) => !r.active).map((r) => r.name),
    },
  };
}

async function versionAt(url: string): Promise<string> {
  const answer = await fetch(url).catch(() => undefined);
  const body = (await answer?.json().catch(() => undefined)) as { version?: string; status?: string } | undefined;
  return answer ? `${answer.status} ${body?.status ?? '?'} ${body?.version ?? '?'}` : 'no answer';
}

/** The story ends on 1.1.0 everywhere, served and healthy; anything else is a broken demo. */
export function judge(story: Omit<AzureStory, 'stopped'>): string | undefined {
  const { webApp, containerApp } = story;
  if (!webApp.production.endsWith(`:${GOOD}`))
    return `${WEB_APP} should run ${GOOD} in production, it runs ${webApp.production}`;
  if (webApp.answers !== `200 healthy ${GOOD}`) return `${WEB_APP} answers ${webApp.answers}, not 200 healthy ${GOOD}`;
  if (webApp.processes === 0) return `${WEB_APP} answered, but from no local container process`;
  if (containerApp.answers !== `200 healthy ${GOOD}`)
    return `${CONTAINER_APP} answers ${containerApp.answers}, not 200 healthy ${GOOD}`;
  if (!containerApp.serving)
    return `${CONTAINER_APP} has no revision with all the traffic: ${showWeights(containerApp.traffic)}`;
  return undefined;
}

/** The closing lines under the table. */
export function printEnding(story: AzureStory): void {
  const { webApp, containerApp } = story;
  console.log(
    `\n${WEB_APP}: production runs ${webApp.production} and answers ${webApp.answers}; staging holds ${webApp.staging} ` +
      `(${webApp.processes} slot containers running as local processes).`,
  );
  console.log(
    `${CONTAINER_APP}: traffic ${showWeights(containerApp.traffic)}; the app answers ${containerApp.answers}; ` +
      `inactive: ${containerApp.inactive.join(', ') || 'none'}.`,
  );
}
