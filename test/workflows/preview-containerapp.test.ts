import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  readContainerAppInputs,
  readContainerAppMode,
  readContainerAppTeardownInputs,
  readTarget,
} from '../../src/deploy-azure/containerapp-inputs.js';
import { parse } from 'yaml';
import { render, runs, type Contexts } from './expressions.js';
import { lintText } from './linter.js';
import { actionSpec, ownAction, root, workflow, type Step, type Workflow } from './workflows.js';

/**
 * preview.yml with the repository variable PREVIEW_PLATFORM: containerapp, read the way the runner reads it: its `if:`
 * through GitHub's expression engine, its `with:` rendered and handed to deploy-azure's own input readers as INPUT_*
 * variables (the action's defaults for the rest), its shell step run by bash.
 */

const wf = workflow('preview.yml');
const image = `contoso.azurecr.io/web@sha256:${'a'.repeat(64)}`;
const sha = 'b'.repeat(40);
const running = { failed: false, cancelled: false };

function contexts(platform: string, outputs: Record<string, string> = {}): Contexts {
  return {
    vars: {
      PREVIEW_PLATFORM: platform,
      PREVIEW_IMAGE: 'contoso.azurecr.io/web',
      PREVIEW_APP_NAME: 'web',
      AZURE_RESOURCE_GROUP: 'rg-web',
      AZURE_PREVIEW_CLIENT_ID: '00000000-0000-0000-0000-000000000000',
      AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000000',
      AZURE_TENANT_ID: '00000000-0000-0000-0000-000000000000',
      AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000',
      PREVIEW_URL_TEMPLATE: '',
      PREVIEW_TERRAFORM_DIRECTORY: '',
    },
    github: {
      event: { action: 'synchronize', pull_request: { number: 42, head: { sha } } },
      repository: 'octo-org/web',
    },
    needs: { build: { outputs: { image } } },
    steps: { containerapp: { outputs }, azure: { outputs: {} }, ecs: { outputs: {} } },
  };
}

/** What runs in a job for a platform: each step by its id, or its action, or its name. */
function ran(job: string, platform: string): string[] {
  return wf.jobs[job]!.steps!.filter((step) => runs(step.if, contexts(platform), running)).map(
    (step) => step.id ?? ownAction(step.uses ?? '') ?? step.uses?.replace(/@.*/, '') ?? String(step.name ?? ''),
  );
}

const deployAzure = (job: string, mode?: string): Step =>
  wf.jobs[job]!.steps!.find(
    (s) => ownAction(s.uses ?? '') === 'deploy-azure' && s.with?.target === 'containerapp' && s.with?.mode === mode,
  )!;

/** The runner's INPUT_* variables for a step: its `with:` rendered, deploy-azure's defaults for the rest. */
function asRunner(step: Step, rendered = contexts('containerapp')): void {
  const given = Object.fromEntries(
    Object.entries(step.with ?? {}).map(([name, value]) => [name, render(value, rendered)]),
  );
  for (const [name, input] of Object.entries(actionSpec('deploy-azure')!.inputs)) {
    const value = given[name] ?? input.default;
    if (value !== undefined) vi.stubEnv(`INPUT_${name.toUpperCase()}`, String(value));
  }
  vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', 'http://127.0.0.1:9/token');
  vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'request-token');
}
afterEach(() => vi.unstubAllEnvs());

describe('preview.yml with PREVIEW_PLATFORM: containerapp', () => {
  it('logs in to Azure (not AWS) to build, deploys the label revision, and tears down with mode: teardown', () => {
    expect(ran('build', 'containerapp')).toEqual(['actions/checkout', 'azure/login', 'entra', 'image']);
    expect(ran('deploy', 'containerapp')).toEqual([
      'preview',
      'actions/checkout',
      'containerapp',
      'url',
      'smoke',
      'preview',
    ]);
    expect(ran('teardown', 'containerapp')).toEqual(['deploy-azure', 'preview']);
    expect(deployAzure('teardown', 'teardown')).toBeDefined();
  });

  it('leaves the ECS (default) and App Service previews as they were', () => {
    expect(ran('deploy', '')).toEqual([
      'preview',
      'actions/checkout',
      'aws-actions/configure-aws-credentials',
      'ecs',
      'url',
      'smoke',
      'preview',
    ]);
    expect(ran('deploy', 'azure')).toEqual(['preview', 'actions/checkout', 'azure', 'url', 'smoke', 'preview']);
    expect(ran('teardown', '')).toEqual(['aws-actions/configure-aws-credentials', 'deploy-ecs', 'preview']);
    expect(ran('teardown', 'azure').filter((s) => s === 'deploy-azure')).toHaveLength(1);
    expect(
      wf.jobs.teardown!.steps!.filter((s) => runs(s.if, contexts('azure'), running)).find((s) => s.with?.mode)?.with
        ?.mode,
    ).toBe('delete-slot');
  });

  it("is read by deploy-azure's own inputs reader as a preview: label pr-<number>, no traffic, the head SHA proven", () => {
    asRunner(deployAzure('deploy'));
    expect(readTarget()).toBe('containerapp');
    expect(readContainerAppMode()).toBe('deploy');
    expect(readContainerAppInputs()).toMatchObject({
      app: 'web',
      resourceGroup: 'rg-web',
      image,
      label: 'pr-42',
      steps: [],
      wait: { expectedVersion: sha },
    });
  });

  it("is read by deploy-azure's own inputs reader as the removal of label pr-<number>", () => {
    asRunner(deployAzure('teardown', 'teardown'));
    expect(readTarget()).toBe('containerapp');
    expect(readContainerAppMode()).toBe('teardown');
    expect(readContainerAppTeardownInputs()).toMatchObject({ app: 'web', resourceGroup: 'rg-web', label: 'pr-42' });
  });

  it('gives the smoke test, the deployment and the comment the label URL (the revision URL when none was derived)', () => {
    const step = wf.jobs.deploy!.steps!.find((s) => s.id === 'url')!;
    const address = (outputs: Record<string, string>) => {
      const env = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([name, value]) => [name, render(value, contexts('containerapp', outputs))]),
      );
      const output = join(mkdtempSync(join(tmpdir(), 'preview-url-')), 'output');
      writeFileSync(output, '');
      const bash = spawnSync('bash', ['-e', '-c', step.run!], {
        env: { PATH: process.env.PATH, ...env, GITHUB_OUTPUT: output },
        encoding: 'utf8',
      });
      expect(bash.status, bash.stderr).toBe(0);
      return readFileSync(output, 'utf8');
    };
    const label = 'https://web---pr-42.happy-hill-1.westeurope.azurecontainerapps.io';
    expect(address({ 'label-url': label, 'revision-url': 'https://web--x.example' })).toBe(`url=${label}\n`);
    expect(address({ 'label-url': '', 'revision-url': 'https://web--x.example' })).toBe('url=https://web--x.example\n');
    const last = wf.jobs.deploy!.steps!.at(-1)!;
    expect(last.with).toMatchObject({ 'environment-url': '${{ steps.url.outputs.url }}' });
    expect(wf.jobs.deploy!.steps!.find((s) => s.id === 'smoke')!.with!.url).toContain('${{ steps.url.outputs.url }}');
  });
});

/** The YAML blocks of a README that are whole workflows using deploy-azure with target: containerapp and a label. */
function previewExamples(file: string): { text: string; workflow: Workflow }[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => ({ text: m[1]!, workflow: parse(m[1]!) as Workflow }))
    .filter(({ workflow }) =>
      Object.values(workflow?.jobs ?? {}).some((job) =>
        (job.steps ?? []).some((s) => s.with?.target === 'containerapp' && s.with?.label !== undefined),
      ),
    );
}

describe.each(['actions/deploy-azure/README.md', 'actions/preview/README.md'])(
  'the Container Apps preview example of %s',
  (file) => {
    const examples = previewExamples(file);

    it('is a whole workflow that lints clean', () => {
      expect(examples).toHaveLength(1);
      const findings = lintText('preview.yml', examples[0]!.text).filter((f) => f.severity === 'error');
      expect(findings).toEqual([]);
    });

    it("deploys pr-<number> with no traffic and removes it on close, as deploy-azure's input readers take it", () => {
      const steps = Object.values(examples[0]!.workflow.jobs).flatMap((job) => job.steps ?? []);
      const [deploy, teardown] = ['deploy', 'teardown'].map((mode) =>
        steps.find(
          (s) =>
            ownAction(s.uses ?? '') === 'deploy-azure' &&
            s.with?.target === 'containerapp' &&
            (s.with?.mode ?? 'deploy') === mode,
        )!,
      );
      asRunner(deploy!);
      expect(readContainerAppMode()).toBe('deploy');
      expect(readContainerAppInputs()).toMatchObject({ label: 'pr-42', steps: [] });
      vi.unstubAllEnvs();
      asRunner(teardown!);
      expect(readContainerAppMode()).toBe('teardown');
      expect(readContainerAppTeardownInputs()).toMatchObject({ label: 'pr-42' });
    });
  },
);
