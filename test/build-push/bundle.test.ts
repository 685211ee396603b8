import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRegistry, type LocalRegistry } from '../fakes/registry/index.js';
import { runBundle } from '../helpers/runner.js';
import { canBuild, dockerfileOnly, useDockerFixture } from './context.js';

const events = join(import.meta.dirname, 'events');
const PASSWORD = 'bundle-pa55-q8w7e6';
const runLabel = `test.build-push.run=${crypto.randomUUID()}`;
const unmasked = (log: string) => log.replace(/^::add-mask::.*$/gm, '');

describe('the build-push bundle, run as the runner runs it', () => {
  it('fails on an image name with a tag before doing anything, with failure-reason invalid-input', async () => {
    const result = await runBundle('build-push', { inputs: { image: 'ghcr.io/octo-org/Web:1.0' } });
    expect(result.exitCode).toBe(1);
    expect(result.outputs['failure-reason']).toBe('invalid-input');
    expect(result.log).toContain("::error::Input 'image' must name a repository in a registry, without a tag");
    expect(result.log).not.toContain('[command]');
    expect(result.summary).toContain('### build-push: ❌ Failed');
    expect(result.summary).toContain("Input 'image' must name a repository in a registry, without a tag");
    expect(result.summary).toContain('| Failure reason | <code>invalid-input</code> |');
  });

  it('fails when GHCR has no token, naming the permission to give, with the tags it had planned', async () => {
    const context = dockerfileOnly(runLabel);
    try {
      const result = await runBundle('build-push', {
        inputs: { image: 'ghcr.io/octo-org/web', context: context.dir },
        env: { GITHUB_ACTOR: 'octocat' },
      });
      expect(result.exitCode).toBe(1);
      expect(result.log).toContain('GitHub Container Registry ghcr.io needs a token');
      expect(result.log).toContain('packages: write');
      expect(result.outputs['failure-reason']).toBe('invalid-input');
      expect(result.summary).toContain('### build-push: ❌ Failed');
      expect(result.summary).toContain('GitHub Container Registry ghcr.io needs a token');
      expect(result.summary).toContain('| Registry | ghcr.io (ghcr) |');
      expect(result.summary).toContain('| Failure reason | <code>invalid-input</code> |');
      expect(result.outputs.image).toBeUndefined();
    } finally {
      context.remove();
    }
  });

  describe.skipIf(!canBuild())('with Docker and a registry', () => {
    let registry: LocalRegistry;
    const fixture = useDockerFixture(runLabel, {
      start: async () => {
        registry = await startRegistry({ deployer: PASSWORD });
      },
      hosts: () => [registry?.host],
      stop: async () => registry?.stop(),
    });

    it('builds, pushes and writes the outputs and the job summary; the password never reaches the log', async () => {
      const result = await runBundle('build-push', {
        inputs: {
          image: `${registry.host}/octo-org/hello-service`,
          context: fixture().context,
          network: 'host',
          labels: runLabel,
          version: '0.3.0',
          tags: `${registry.host}/octo-org/hello-service:edge`,
          username: 'deployer',
          password: PASSWORD,
        },
        env: {
          DOCKER_CONFIG: fixture().dockerConfig,
          GITHUB_EVENT_NAME: 'push',
          GITHUB_EVENT_PATH: join(events, 'push-feature.json'),
          GITHUB_REF: 'refs/heads/feature/login-form',
        },
      });
      expect(result.exitCode, result.log).toBe(0);
      expect(result.outputs.image).toMatch(new RegExp(`^${registry.host}/octo-org/hello-service@sha256:[a-f0-9]{64}$`));
      expect(result.outputs.tags?.split('\n').map((ref) => ref.split(':').at(-1))).toEqual([
        '0.3.0',
        'feature-login-form',
        'sha-0123456',
        'edge',
      ]);
      expect(result.outputs['image-id']).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(result.summary).toContain('### build-push: ✅ Succeeded');
      expect(result.summary).toContain(result.outputs.digest);
      expect(result.summary).toMatch(/\| Cache \| local layer cache \(\d+ of 14 steps cached\) \|/);
      expect(result.log).toContain(`::add-mask::${PASSWORD}`);
      expect(unmasked(result.log)).not.toContain(PASSWORD);
      expect(await registry.tags('octo-org/hello-service', { username: 'deployer', password: PASSWORD })).toEqual([
        '0.3.0',
        'edge',
        'feature-login-form',
        'sha-0123456',
      ]);
    });
  });
});
