import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { containerAppStage } from '../../src/deploy-azure/containerapp.js';
import { containerAppTeardownStage } from '../../src/deploy-azure/containerapp-teardown.js';
import { run as deployAzure } from '../../src/deploy-azure/main.js';
import { runStage } from '../../src/lib/action.js';
import { run as preview } from '../../src/preview/main.js';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { startGitHub, type GitHubServer } from '../fakes/github/server.js';
import { cloudInputs } from '../deploy-azure/fixture.js';
import { runInProcess } from '../helpers/in-process.js';
import { pullRequestEvent, repository } from '../preview/fixture.js';
import { badInput, fault } from './kinds.js';

/**
 * Container Apps pull request previews tried as an adversary would: a label ARM would refuse (or that an unrendered
 * or empty pull request number made), inputs that mean nothing to a teardown, a pull request number that is not one;
 * each refused before any request. And ARM busy while a preview is removed.
 */

const V1 = 'ghcr.io/octo-org/hello-service:1.0.0';
const V2 = 'ghcr.io/octo-org/hello-service:2.0.0';

let azure: FakeAzure;
let apps: ContainerAppsState;

async function start() {
  ({ azure, apps } = await startContainerAppsAzure());
  azure.startMs = 50;
  await apps.addApp('hello', { image: V1 });
}

const base = () => ({
  ...cloudInputs(azure),
  'poll-interval': '0.05',
  timeout: '20',
  target: 'containerapp',
  'app-name': 'hello',
  'resource-group-name': 'rg-apps',
});

/** deploy-azure's own entry (main.ts chooses the deploy or the teardown stage), as the bundle runs it. */
const step = (inputs: Record<string, string>) => runInProcess(deployAzure, { ...base(), ...inputs });

const labels: [string, string][] = [
  ['no pull request number (pr-)', 'pr-'],
  ['an unrendered expression', 'pr-${{ github.event.pull_request.number }}'],
  ['a space in the number', 'pr-4 2'],
  ['capitals', 'PR-42'],
  ['a trailing hyphen', 'pr-42-'],
  ['a digit first', '42'],
  ['65 characters', `pr-${'4'.repeat(62)}`],
  ['a line break and a workflow command', 'pr-42\n::error::forged'],
];

describe('bad input: a preview label ARM would refuse, refused before any ARM or Entra request', () => {
  beforeAll(start);
  afterAll(() => azure.close());

  const refused = async (inputs: Record<string, string>, input: string) => {
    const [arm, tokens] = [azure.armCalls.length, azure.tokenRequests.length];
    const result = await step(inputs);
    expect(result.failed).toBe(true);
    expect(result.outputs['failure-reason']).toBe('invalid-input');
    expect(result.log).toContain(`Input '${input}`);
    expect(result.log).not.toMatch(/^::error::forged/m);
    expect(azure.armCalls.length - arm).toBe(0);
    expect(azure.tokenRequests.length - tokens).toBe(0);
  };

  for (const [name, label] of labels) {
    badInput(`deploy-azure (containerapp preview): label with ${name}`, () =>
      refused({ images: V2, traffic: '0', label }, 'label'),
    );
    badInput(`deploy-azure (containerapp teardown): label with ${name}`, () =>
      refused({ mode: 'teardown', label }, 'label'),
    );
  }
  badInput('deploy-azure (containerapp teardown): an image to deploy', () =>
    refused({ mode: 'teardown', label: 'pr-42', images: V2 }, 'images'),
  );
  badInput("deploy-azure (containerapp): App Service's mode delete-slot", () =>
    refused({ mode: 'delete-slot', label: 'pr-42' }, 'mode'),
  );
  badInput('deploy-azure (containerapp): a mode that is not one', () =>
    refused({ mode: 'Teardown', label: 'pr-42' }, 'mode'),
  );
});

describe('bad input: a pull request number that is not one, refused by preview before any GitHub request', () => {
  let github: GitHubServer;
  const TOKEN = 'ghs_adversarialContainerAppPreview1';
  beforeAll(async () => {
    github = await startGitHub({ tokens: { [TOKEN]: 'write' } });
    github.openPullRequest(repository, 42);
  });
  afterAll(() => github.close());

  const numbers: [string, unknown][] = [
    ['text', '42; rm -rf /'],
    ['a fraction', 4.2],
    ['zero', 0],
    ['beyond 32 bits', 2 ** 31],
  ];
  for (const [name, number] of numbers)
    badInput(`preview: a pull request number that is ${name}`, async () => {
      const event = pullRequestEvent(42);
      const payload = JSON.parse(readFileSync(event, 'utf8')) as { number: unknown; pull_request: { number: unknown } };
      payload.number = number;
      payload.pull_request.number = number;
      writeFileSync(event, JSON.stringify(payload));
      github.calls.length = 0;
      const result = await runInProcess(
        preview,
        { 'github-token': TOKEN, state: 'in_progress' },
        { GITHUB_API_URL: github.url, GITHUB_EVENT_PATH: event, GITHUB_EVENT_NAME: 'pull_request' },
      );
      expect(result.failed).toBe(true);
      expect(result.outputs['failure-reason']).toBe('invalid-input');
      expect(result.log).toMatch(
        /::error::(The pull request number in the event is not one|preview found no pull request)/,
      );
      expect(result.log).not.toContain('rm -rf');
      expect(github.calls).toEqual([]);
    });
});

describe('fault: ARM busy while a preview is deployed or removed', () => {
  afterEach(() => azure?.close());

  fault(
    'a teardown while another operation holds the app is retried (409) and ends with the label removed',
    async () => {
      await start();
      const opened = await runInProcess(() => runStage(containerAppStage), {
        ...base(),
        images: V2,
        label: 'pr-42',
        traffic: '0',
        'revision-suffix': 'pr42-a',
      });
      expect(opened.failed).toBe(false);
      apps.busy('hello', 400);
      const closed = await runInProcess(() => runStage(containerAppTeardownStage), {
        ...base(),
        mode: 'teardown',
        label: 'pr-42',
      });
      expect(closed.failed).toBe(false);
      expect(closed.log).toMatch(/Set the traffic of hello: another operation is in progress on hello; retrying/);
      expect(apps.app('hello').configuration.ingress?.traffic).toEqual([{ revisionName: 'hello--v1', weight: 100 }]);
      expect(apps.revision('hello', 'hello--pr42-a').active).toBe(false);
    },
  );

  fault(
    'a teardown that ARM keeps refusing (409 past the timeout) fails naming it, the label still in place',
    async () => {
      await start();
      await runInProcess(() => runStage(containerAppStage), {
        ...base(),
        images: V2,
        label: 'pr-42',
        traffic: '0',
        'revision-suffix': 'pr42-a',
      });
      apps.busy('hello', 60_000);
      const closed = await runInProcess(() => runStage(containerAppTeardownStage), {
        ...base(),
        timeout: '1',
        mode: 'teardown',
        label: 'pr-42',
      });
      expect(closed.failed).toBe(true);
      expect(closed.outputs['failure-reason']).toBe('cloud-error');
      expect(closed.log).toMatch(
        /::error::Set the traffic of hello failed: ContainerAppOperationInProgress \(HTTP 409\)/,
      );
      expect(apps.app('hello').configuration.ingress?.traffic?.find((e) => e.label === 'pr-42')?.revisionName).toBe(
        'hello--pr42-a',
      );
      expect(apps.revision('hello', 'hello--pr42-a').active).toBe(true);
    },
  );
});
