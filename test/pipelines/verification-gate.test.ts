import { afterEach, describe, expect, it } from 'vitest';
import { dockerShim, SHIM_DIGEST, type DockerShim } from '../build-push/docker-shim.js';
import { awsEnvironment } from '../fakes/aws/json-server.js';
import { startEcr, type FakeEcr } from '../fakes/ecr/index.js';
import { exampleCall, exampleWorkspace } from './examples.js';
import { play } from './play.js';

/**
 * Shape 5, examples/verification-gate: the build job of ecs-pipeline.yml with the example's inputs, played
 * with the real build-push and the local ECR, and test/build-push's recording `docker` command in place of the
 * Docker CLI (no engine here; what Docker itself does is tested in test/build-push/docker.test.ts). What is
 * shown is the pipeline's gate: the image is built without pushing, verify-command decides, and only then is
 * it built from the cache and pushed, or nothing is pushed at all. verify-command is the caller's: here one
 * that passes and one that fails as a scanner does, instead of the example's `docker run`s.
 */

const call = exampleCall('verification-gate', 'production');

let ecr: FakeEcr | undefined;
afterEach(async () => {
  await ecr?.close();
  ecr = undefined;
});

async function build(verify: string, shim: DockerShim) {
  ecr = await startEcr({ password: 'ecr-password-0123', repositories: ['web'] });
  return play({
    workflow: call.workflow,
    job: 'build',
    inputs: { ...call.with, 'verify-command': verify },
    env: {
      ...awsEnvironment({ ECR: ecr.url }),
      PATH: shim.path,
      GITHUB_WORKSPACE: exampleWorkspace('verification-gate'),
    },
  });
}

const builds = (shim: DockerShim) => shim.calls().filter((c) => c.startsWith('buildx build'));

describe('examples/verification-gate through ecs-pipeline.yml', () => {
  it('builds without pushing, verifies, then pushes the verified image and says so in the summary', async () => {
    const shim = dockerShim();
    const result = await build('test -n "$IMAGE" && echo "0 vulnerabilities in $IMAGE"', shim);
    expect(result.status, result.log).toBe('success');
    expect(result.ran).toEqual(
      expect.arrayContaining([
        'candidate',
        'verify',
        'image',
        'What is pushed is what was verified, or the digest asked for',
      ]),
    );
    const [candidate, release] = builds(shim);
    expect(candidate).not.toContain('--push');
    expect(release).toContain('--push');
    // IMAGE is the candidate, built on the runner: named by its tag, or by digest where the builder reports one.
    expect(result.step('verify')!.log).toContain(`0 vulnerabilities in ${String(call.with.image)}`);
    expect(result.step('verify')!.log).toMatch(/ in \S+(:[\w.-]+|@sha256:[0-9a-f]{64})\n/);
    expect(result.summary).toContain('### Verification: ✅ passed');
    expect(result.outputs.image).toBe(`${String(call.with.image)}@${SHIM_DIGEST}`);
  });

  it('pushes nothing and deploys nothing when the verification fails, with its exit code in the summary', async () => {
    const shim = dockerShim();
    const result = await build('echo "CRITICAL CVE-2026-0001 in $IMAGE" >&2; exit 4', shim);
    expect(result.status).toBe('failure');
    expect(result.step('verify')!.outcome).toBe('failure');
    expect(result.ran).not.toContain('image');
    expect(builds(shim)).toHaveLength(1);
    expect(builds(shim).join('\n')).not.toContain('--push');
    expect(result.summary).toContain('### Verification: ❌ failed');
    expect(result.summary).toContain('exited 4 on the built image: nothing was pushed or deployed.');
    expect(result.log).toContain('::error::The verification failed (exit 4): nothing was pushed or deployed.');
    // The deploy job needs build: it does not start, so nothing reaches a service.
    expect(result.outputs.image).toBe('');
  });
});
