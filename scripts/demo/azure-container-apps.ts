import type { StepResult } from '../../test/helpers/runner.js';
import { versionOf } from '../../test/fakes/azure/index.js';
import type { ContainerAppsState } from '../../test/fakes/azure/container-apps.js';
import { bold, dim } from './markdown.js';
import type { Pipeline } from './pipeline.js';

/**
 * The Container Apps half of the Azure chapter, wired as azure-pipeline.yml wires it with platform: containerapp:
 * deploy-azure (a new revision labelled candidate at weight 0, proven on its own URL, then traffic in canary steps
 * 10,50,100, each verified) -> smoke-test of the app's URL -> rollback (all traffic on previous-revision) when the
 * deploy step or the smoke test did not succeed after a new revision was made. Each replica is a local process.
 *   1.1.0  a good release: proven, then 10%, 50%, 100%;
 *   1.2.0  built from a stale cache, it still answers version 1.1.0: Running and Healthy, so only probing the
 *          candidate's own URL for the version catches it, before any traffic moved; it is deactivated.
 */

export const CONTAINER_APP = 'hello';
const GROUP = 'apps-rg';
const REPOSITORY = 'contoso.azurecr.io/hello';
export const CANARY = '10,50,100';
export const APP_RELEASES = [
  { version: '1.1.0', story: `a good release as a canary ${CANARY}, each step verified` },
  {
    version: '1.2.0',
    story: 'built from a stale cache, it answers 1.1.0: caught on its own URL before any traffic moved',
  },
];

/** The container app hello on 1.0.0 (revision hello--v1); the stale 1.2.0 build answers 1.1.0. */
export async function seedContainerApp(apps: ContainerAppsState): Promise<void> {
  await apps.addApp(CONTAINER_APP, { image: `${REPOSITORY}:1.0.0`, resourceGroup: GROUP, environment: 'apps-env' });
  apps.runtime.versionOf = (image) => (versionOf(image) === '1.2.0' ? '1.1.0' : versionOf(image));
}

export interface Weight {
  revision: string;
  weight: number;
  label?: string;
}

/** The weights ARM holds now, by revision (the revision's version in brackets). */
export function weights(apps: ContainerAppsState): Weight[] {
  return (apps.app(CONTAINER_APP, GROUP).configuration.ingress?.traffic ?? []).map((entry) => ({
    revision: entry.revisionName ?? 'latest',
    weight: entry.weight ?? 0,
    ...(entry.label ? { label: entry.label } : {}),
  }));
}

export const showWeights = (list: Weight[]) =>
  list.map((w) => `${w.revision} ${w.weight}%${w.label ? ` [${w.label}]` : ''}`).join(' · ');

/**
 * Watches the app while a stage runs: every change of the weights, and, once the candidate label is on the new
 * revision, what its label URL answers (probed here, as a reviewer would open it).
 */
function watchTraffic(apps: ContainerAppsState) {
  const before = weights(apps).find((w) => w.weight === 100)?.revision;
  const seen = [showWeights(weights(apps))];
  let label: Promise<string> | undefined;
  const timer = setInterval(() => {
    const now = weights(apps);
    const shown = showWeights(now);
    if (seen.at(-1) !== shown) seen.push(shown);
    // Once the new revision carries the label and is ready, its label URL reaches it whatever the weights.
    const candidate = now.find((w) => w.label === 'candidate' && w.revision !== before)?.revision;
    const ready = candidate && apps.revision(CONTAINER_APP, candidate).provisioningState === 'Provisioned';
    if (candidate && ready && !label) label = probeLabel(apps, candidate);
  }, 25);
  return {
    async stop() {
      clearInterval(timer);
      for (const line of seen.slice(1)) console.log(dim(`  traffic     ${line}`));
      if (label) console.log(dim(`  label       ${await label}`));
      console.log(dim(`  traffic     now ${showWeights(weights(apps))}\n`));
    },
  };
}

async function probeLabel(apps: ContainerAppsState, revision: string): Promise<string> {
  const url = `${apps.labelUrl(CONTAINER_APP, 'candidate')}/health`;
  // The label's port opens with the traffic change that set it: give it a moment.
  let status = 'no answer';
  for (let attempt = 0; attempt < 20; attempt++) {
    const answer = await fetch(url).catch(() => undefined);
    if (answer?.ok) {
      const body = (await answer.json().catch(() => ({}))) as { version?: string };
      return `candidate ${revision} at ${url} answered ${answer.status}, version ${body.version ?? '?'}`;
    }
    if (answer) status = String(answer.status);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return `candidate ${revision} at ${url}: ${status}`;
}

type Inputs = Record<string, string>;

/** One release through azure-pipeline.yml's deploy job with platform: containerapp. */
export async function releaseContainerApp(
  pipeline: Pipeline,
  apps: ContainerAppsState,
  cloud: { inputs: Inputs; env: Inputs },
  version: string,
): Promise<string | undefined> {
  const release = `containerapp ${version}`;
  const app = { ...cloud.inputs, target: 'containerapp', 'app-name': CONTAINER_APP, 'resource-group-name': GROUP };
  const watch = watchTraffic(apps);
  const deployed = await pipeline.stage(
    release,
    'deploy-azure',
    `a revision of ${REPOSITORY}:${version}, canary ${CANARY}`,
    {
      ...app,
      images: `${REPOSITORY}:${version}`,
      traffic: CANARY,
      'traffic-pause': '1',
      timeout: '8',
      'poll-interval': '0.2',
    },
    cloud.env,
  );
  await watch.stop();
  const outputs = deployed.outputs;
  const url = `${outputs['app-url'] || apps.appUrl(CONTAINER_APP)}/health`;
  let proved: (StepResult & { passed: boolean }) | undefined;
  if (deployed.passed)
    proved = await pipeline.stage(
      release,
      'smoke-test',
      `${url} answers ${version}`,
      smoke(url, version),
      cloud.env,
      passed,
    );
  else pipeline.skip(release, 'smoke-test', 'deploy-azure failed');
  if (proved?.passed) return undefined;
  if (outputs.changed !== 'true') return 'deploy-azure failed before it made a revision';
  const previous = outputs['previous-revision'] ?? '';
  const back = await pipeline.stage(
    release,
    'rollback',
    `all traffic on ${previous}`,
    { ...app, 'previous-revision': previous, reason: 'not proven', timeout: '8', 'poll-interval': '0.2' },
    cloud.env,
  );
  if (!back.passed) return `rollback did not put the traffic back on ${previous}`;
  const again = apps.runtime.versionOf(apps.revision(CONTAINER_APP, previous).template.containers?.[0]?.image ?? '');
  const proof = await pipeline.stage(
    release,
    'smoke-test',
    `${previous} answers ${again}`,
    smoke(url, again),
    cloud.env,
    passed,
  );
  return proof.passed ? undefined : `the app does not answer ${again} after the rollback`;
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

export function containerAppTitle(apps: ContainerAppsState): void {
  const { environment } = apps.app(CONTAINER_APP, GROUP);
  console.log(bold(`Container Apps: ${CONTAINER_APP} (resource group ${GROUP}), multiple-revision mode, on 1.0.0`));
  // Each replica is a local process started with the environment's domain (CONTAINER_APP_ENV_DNS_SUFFIX).
  console.log(
    dim(`  environment ${environment.name}, domain ${environment.defaultDomain}; replicas are local processes`),
  );
}
