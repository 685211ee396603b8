import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttp, type HttpFake } from '../fakes/http/server.js';
import { terraform } from '../helpers/prereq.js';
import { terraformEnv } from '../terraform/helpers.js';
import { built, exampleCall, exampleWorkspace } from './examples.js';
import { play } from './play.js';

/**
 * Shape 2, examples/terraform-deployer played end to end with the real terraform binary: the deploy job of
 * ecs-pipeline.yml with the example's inputs (image variable, URL output, its Terraform variables), over a root
 * with the example's variables and outputs that runs offline (test/pipelines/fixtures/terraform-deployer). The
 * example's S3 backend cannot be reached offline, so these runs keep local state, which the pipeline warns about.
 */

const tf = terraform();
const SHA = '0123456789abcdef0123456789abcdef01234567';
const call = exampleCall('terraform-deployer', 'production');
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const image = (digest: string) => `${String(call.with.image)}@${digest}`;

let health: HttpFake | undefined;
let workspace: string | undefined;
afterEach(async () => {
  await health?.close();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
  health = workspace = undefined;
});

/** The example's checkout with the offline root in place of its AWS one. */
function checkout(): string {
  workspace = exampleWorkspace('terraform-deployer');
  rmSync(join(workspace, 'infra'), { recursive: true });
  cpSync(join(import.meta.dirname, 'fixtures', 'terraform-deployer', 'infra'), join(workspace, 'infra'), {
    recursive: true,
  });
  return workspace;
}

function deploy(digest: string, cancelDuring?: string) {
  return play({
    workflow: call.workflow,
    job: 'deploy',
    inputs: { ...call.with, 'terraform-backend-config': '', 'smoke-timeout-seconds': 3 },
    needs: { build: built(call.with.image, digest) },
    env: terraformEnv(workspace!, { TF_VAR_health_base: health!.url, TF_IN_AUTOMATION: '1' }),
    extra: { 'smoke-test': { interval: '0.1', 'consecutive-successes': '1' } },
    cancelDuring,
  });
}

const state = () =>
  (
    JSON.parse(readFileSync(join(workspace!, 'infra', 'terraform.tfstate'), 'utf8')) as {
      outputs: Record<string, { value: string }>;
    }
  ).outputs;

describe.skipIf(!tf.available)('examples/terraform-deployer through ecs-pipeline.yml', () => {
  it('applies the image through the variable, proves the URL of the output, and runs no deploy-ecs', async () => {
    checkout();
    health = await startHttp(() => ({ body: { version: SHA } }));
    const result = await deploy(D1);
    expect(result.status, result.log).toBe('success');
    expect(result.ran).toEqual(expect.arrayContaining(['before', 'plan', 'apply', 'tf-outputs', 'url', 'smoke']));
    expect(result.ran).not.toContain('deploy');
    expect(result.ran).not.toContain('tf-rollback');
    for (const step of ['before', 'plan', 'apply', 'tf-outputs', 'smoke'])
      expect(result.step(step)!.log, step).not.toContain('::warning::');
    expect(state().image!.value).toBe(image(D1));
    expect(result.step('url')!.outputs.url).toBe(`${health.url}/health`);
    expect(health.requests.map((r) => r.path)).toContain('/health');
    // No backend block reached and no backend settings: the state would be local, and the run says so.
    expect(result.log).toMatch(
      /::warning::Terraform would keep its state on this runner \(infra has no remote backend/,
    );
  });

  it('applies the image that ran before back when the new one is not proven, and fails the run', async () => {
    checkout();
    let version = SHA;
    health = await startHttp(() => ({ body: { version } }));
    expect((await deploy(D1)).status).toBe('success');
    version = 'stale';
    const result = await deploy(D2);
    expect(result.status).toBe('failure');
    expect(result.step('before')!.outputs.image).toBe(image(D1));
    expect(result.step('tf-rollback')!.outcome).toBe('success');
    expect(state().image!.value).toBe(image(D1));
    expect(result.outputs['rolled-back']).toBe('true');
    expect(result.log).toContain(
      `::error::The new version was not proved healthy (unhealthy); the service runs ${image(D1)} again.`,
    );
    expect(result.summary).toContain(`| production | production/web | \`${image(D2)}\` | rolled-back |`);
  });

  it('applies it back when the run is cancelled during the apply', async () => {
    checkout();
    health = await startHttp(() => ({ body: { version: SHA } }));
    expect((await deploy(D1)).status).toBe('success');
    const result = await deploy(D2, 'apply');
    expect(result.status).toBe('cancelled');
    expect(result.ran).not.toContain('smoke');
    expect(result.step('tf-rollback')!.outcome).toBe('success');
    expect(state().image!.value).toBe(image(D1));
  });

  it("takes the example's own backend (an s3 block filled by terraform-backend-config) as remote: no warning", async () => {
    checkout();
    const example = exampleWorkspace('terraform-deployer');
    health = await startHttp(() => ({ body: { version: SHA } }));
    const result = await play({
      workflow: call.workflow,
      job: 'deploy',
      inputs: { ...call.with, 'dry-run': true },
      needs: { build: built(call.with.image, D1) },
      env: { GITHUB_WORKSPACE: example },
      // Only the step that reads the backend: the dry-run plan would need AWS.
      only: ['Where Terraform keeps its state'],
    });
    rmSync(example, { recursive: true, force: true });
    expect(result.log).toContain('Terraform state: the backend of infra with the backend-config given.');
    expect(result.log).not.toContain('::warning::');
  });
});
