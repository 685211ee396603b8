import { afterEach, describe, expect, it } from 'vitest';
import { awsEnvironment } from '../fakes/aws/json-server.js';
import { startEcr, type FakeEcr } from '../fakes/ecr/index.js';
import { exampleCall, exampleWorkspace } from './examples.js';
import { play } from './play.js';
import { registryShim, type RegistryShim } from './registry-shim.js';

/**
 * Promotion, examples/promotion: the build job of ecs-pipeline.yml with the example's inputs (the digest staging
 * proved), played with the real build-push and the local ECR over a registry that holds that digest (a `docker`
 * command answering as buildx imagetools does). Nothing is built: the digest asked for is what the deploy gets,
 * or the run stops before any deploy.
 */

const PROVEN = `sha256:${'7'.repeat(64)}`;
const OTHER = `sha256:${'8'.repeat(64)}`;
const VERSION = '1.4.2';
const call = exampleCall('promotion', 'production', { inputs: { digest: PROVEN, version: VERSION } });
const image = String(call.with.image);

let ecr: FakeEcr | undefined;
afterEach(async () => {
  await ecr?.close();
  ecr = undefined;
});

async function promote(digest: string, shim: RegistryShim) {
  ecr = await startEcr({ password: 'ecr-password-0123', repositories: ['web'] });
  return play({
    workflow: call.workflow,
    job: 'build',
    inputs: { ...call.with, digest },
    env: { ...awsEnvironment({ ECR: ecr.url }), PATH: shim.path, GITHUB_WORKSPACE: exampleWorkspace('promotion') },
  });
}

describe('examples/promotion through ecs-pipeline.yml', () => {
  it('deploys exactly the digest asked for, built nothing, and tags it with the version', async () => {
    const shim = registryShim([PROVEN, OTHER]);
    const result = await promote(PROVEN, shim);
    expect(result.status, result.log).toBe('success');
    expect(result.outputs).toEqual({ image: `${image}@${PROVEN}`, digest: PROVEN });
    expect(result.ran).not.toContain('candidate');
    // The pipeline checks the digest the registry resolved is the one asked for, before the deploy job may start.
    expect(result.ran).toContain('What is pushed is what was verified, or the digest asked for');
    expect(shim.calls().some((c) => c.startsWith('buildx build'))).toBe(false);
    expect(shim.tags()).toEqual({ [`${image}:${VERSION}`]: PROVEN });
  });

  it('stops before any deploy when the registry does not have the digest', async () => {
    const shim = registryShim([OTHER]);
    const result = await promote(PROVEN, shim);
    expect(result.status).toBe('failure');
    expect(result.step('image')!.outcome).toBe('failure');
    expect(result.outputs.image).toBe('');
    expect(shim.tags()).toEqual({});
  });

  it('stops before any deploy, saying why, when the promoted tag resolves to another digest than the one asked for', async () => {
    // The registry keeps another manifest for the copy (or a push raced it to the tag): the tag names OTHER.
    const shim = registryShim([PROVEN, OTHER], { [PROVEN]: OTHER });
    const result = await promote(PROVEN, shim);
    expect(result.status).toBe('failure');
    expect(result.step('image')!.outcome).toBe('success');
    const check = result.steps.find((s) => s.name === 'What is pushed is what was verified, or the digest asked for')!;
    expect(check.outcome).toBe('failure');
    expect(check.log).toContain(`::error::Asked to deploy ${PROVEN}, but the registry resolved ${OTHER}.`);
    expect(shim.tags()).toEqual({ [`${image}:${VERSION}`]: OTHER });
  });
});
