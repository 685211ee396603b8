import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/gitops/main.js';
import { runInProcess } from '../helpers/in-process.js';
import {
  ARGO_TOKEN,
  GIT_TOKEN,
  deployment,
  kustomization,
  migration,
  releaseInputs,
  startConfig,
  type Config,
} from './fixture.js';
import { git as gitTool } from '../helpers/prereq.js';

/** gitops run() against a real Git repository over HTTP and the local Argo CD, whose workloads run as processes. */

const available = gitTool().available;
let config: Config | undefined;
afterEach(async () => {
  await config?.close();
  config = undefined;
});

const v2 = 'registry.example/hello:v2';

describe.skipIf(!available)('gitops, release with push and Argo CD', () => {
  it('sets the image keeping the file as written, pushes as the bot, and waits until Argo CD is Synced at the commit and Healthy', async () => {
    config = await startConfig();
    const initial = config.git.head();
    const step = await runInProcess(run, releaseInputs(config, v2));
    expect(step.log).not.toContain('::error::');
    expect(step.failed).toBe(false);
    const head = config.git.head();
    expect(head).not.toBe(initial);
    expect(step.outputs).toMatchObject({
      commit: head,
      'previous-image': 'registry.example/hello:v1',
      'synced-revision': head,
      health: 'Healthy',
    });
    expect(config.git.read('apps/hello/hello.deployment.yaml')).toBe(deployment(v2));
    const { message, author, committer } = config.git.commitOf();
    const bot = 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>';
    expect([author, committer]).toEqual([bot, bot]);
    expect(message.split('\n')[0]).toBe('Release hello: web registry.example/hello:v1 → registry.example/hello:v2');
    expect(message).toContain(
      '- apps/hello/hello.deployment.yaml: Deployment/hello container web: registry.example/hello:v1 → registry.example/hello:v2',
    );
    expect(message).toContain(
      'Source-Commit: https://github.com/octo-org/hello-service/commit/0123456789abcdef0123456789abcdef01234567',
    );
    expect(message).toContain('Run: https://github.com/octo-org/hello-service/actions/runs/4242');
    expect(config.git.log('%P')[0]).toBe(initial);
    expect(step.summary).toMatch(/^### gitops: ✅ Succeeded/);
    expect(step.summary).toContain(`hello is Synced at ${head.slice(0, 7)} and Healthy`);
    const everything = [step.log.replace(/^::add-mask::.*$/gm, ''), step.summary, JSON.stringify(step.outputs)].join(
      '\n',
    );
    for (const secret of [GIT_TOKEN, ARGO_TOKEN]) expect(everything).not.toContain(secret);
  });

  it('says there is nothing to commit when the image is already set, and pushes nothing', async () => {
    config = await startConfig();
    const initial = config.git.head();
    const step = await runInProcess(run, releaseInputs(config, 'registry.example/hello:v1'));
    expect(step.failed).toBe(false);
    expect(config.git.head()).toBe(initial);
    expect(config.git.requests.some((r) => r.includes('receive-pack'))).toBe(false);
    expect(step.outputs).toMatchObject({
      commit: initial,
      health: 'Healthy',
      'previous-image': 'registry.example/hello:v1',
    });
    expect(step.log).toContain('Nothing to commit');
  });

  it('makes the change again on top when someone pushed first, and never forces', async () => {
    config = await startConfig();
    const git = config.git;
    let theirs = '';
    git.beforeNextPush(() => (theirs = git.commit({ 'apps/other/app.yaml': 'kind: ConfigMap\n' }, 'Another team')));
    const step = await runInProcess(run, releaseInputs(config, v2));
    expect(step.failed).toBe(false);
    expect(step.log).toContain('The push was rejected');
    const head = git.head();
    expect(git.log('%P')[0]).toBe(theirs);
    expect(git.read('apps/other/app.yaml')).toBe('kind: ConfigMap\n');
    expect(step.outputs).toMatchObject({ commit: head, 'synced-revision': head, health: 'Healthy' });
    expect(step.summary).toContain('| Push attempts | 2 |');
  });

  it('fails as soon as the new pods never get ready (Degraded, naming the Deployment), and the revert brings it back Healthy', async () => {
    config = await startConfig();
    const initial = config.git.head();
    const broken = await runInProcess(run, releaseInputs(config, 'registry.example/hello:crash'));
    expect(broken.failed).toBe(true);
    expect(broken.outputs).toMatchObject({
      'failure-reason': 'degraded',
      health: 'Degraded',
      'previous-image': 'registry.example/hello:v1',
    });
    expect(broken.log).toContain('Deployment/hello: Deployment "hello" exceeded its progress deadline');
    const release = broken.outputs.commit ?? '';
    expect(release).toBe(config.git.head());

    const back = await runInProcess(run, {
      ...releaseInputs(config, 'unused:1'),
      mode: 'rollback',
      revert: release,
      files: '',
      images: '',
    });
    expect(back.log).not.toContain('::error::');
    const head = config.git.head();
    expect(config.git.log('%s')[0]).toBe(
      'Roll back hello: revert "Release hello: web registry.example/hello:v1 → registry.example/hello:crash"',
    );
    expect(config.git.read('apps/hello/hello.deployment.yaml', head)).toBe(
      config.git.read('apps/hello/hello.deployment.yaml', initial),
    );
    expect(back.outputs).toMatchObject({ commit: head, 'synced-revision': head, health: 'Healthy' });
  });

  it('fails the release when the PreSync migration Job fails, naming it, and nothing else is rolled out', async () => {
    config = await startConfig({ withMigration: true });
    const step = await runInProcess(run, {
      ...releaseInputs(config, 'registry.example/hello:bad-migration'),
      files: 'apps/hello/hello.deployment.yaml\napps/hello/migrate.job.yaml',
      images: 'web=registry.example/hello:bad-migration\nmigrate=registry.example/hello:bad-migration',
    });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('sync-failed');
    expect(step.log).toContain(
      'one or more synchronization tasks completed unsuccessfully (Job/migrate: Job has reached the specified backoff limit)',
    );
    expect(config.git.read('apps/hello/migrate.job.yaml')).toBe(migration('registry.example/hello:bad-migration'));
    const app = config.argo.application('hello') as { status: { sync: { revision: string } } };
    expect(app.status.sync.revision).not.toBe(config.git.head());
  });

  it('fails the sync naming the Job when a plain (non-hook) Job gets a new image: its template is immutable', async () => {
    config = await startConfig({ withMigration: 'plain-job' });
    const step = await runInProcess(run, {
      ...releaseInputs(config, 'registry.example/hello:v2'),
      files: 'apps/hello/migrate.job.yaml',
      images: 'migrate=registry.example/hello:v2',
    });
    expect(step.outputs['failure-reason']).toBe('sync-failed');
    expect(step.log).toContain('(Job/migrate: Job.batch "migrate" is invalid: spec.template: Invalid value:');
    expect(step.log).toContain('field is immutable');
  });

  it('releases a plain Job with Replace=true: Argo CD replaces it and waits for it to complete', async () => {
    config = await startConfig({ withMigration: 'plain-job' });
    const replace = '  annotations:\n    argocd.argoproj.io/sync-options: Replace=true\nspec:';
    config.git.commit(
      { 'apps/hello/migrate.job.yaml': migration(undefined, false).replace(/^spec:/m, replace) },
      'Replace',
    );
    const step = await runInProcess(run, {
      ...releaseInputs(config, v2),
      files: 'apps/hello/migrate.job.yaml',
      images: 'migrate=registry.example/hello:v2',
    });
    expect(step.log).not.toContain('::error::');
    expect(step.outputs).toMatchObject({ health: 'Healthy', 'synced-revision': config.git.head() });
    const app = config.argo.application('hello') as {
      status: { operationState: { syncResult: { resources: { kind: string; message: string }[] } } };
    };
    expect(app.status.operationState.syncResult.resources).toContainEqual(
      expect.objectContaining({ kind: 'Job', message: 'job.batch/migrate replaced' }),
    );
  });

  it('fails as Degraded, naming the Job, when a Job of the Application failed', async () => {
    config = await startConfig({ withMigration: 'plain-job' });
    config.git.commit(
      {
        'apps/hello/backfill.job.yaml': migration('registry.example/hello:bad-migration', false).replace(
          'name: migrate\n',
          'name: backfill\n',
        ),
      },
      'Add a backfill',
    );
    const step = await runInProcess(run, releaseInputs(config, v2));
    expect(step.outputs).toMatchObject({ 'failure-reason': 'degraded', health: 'Degraded' });
    expect(step.log).toContain('Job/backfill: Job has reached the specified backoff limit');
  });

  it('asks Argo CD to sync when the Application has no automated sync policy', async () => {
    config = await startConfig({ automated: false });
    const step = await runInProcess(run, releaseInputs(config, v2, { sync: 'true' }));
    expect(step.log).not.toContain('::error::');
    expect(config.argo.requests.filter((r) => r === 'POST /api/v1/applications/hello/sync')).toHaveLength(1);
    expect(step.outputs).toMatchObject({ 'synced-revision': config.git.head(), health: 'Healthy' });
  });

  it('stops after the push when no Argo CD server is given', async () => {
    config = await startConfig();
    const {
      'argocd-server': _server,
      'argocd-token': _token,
      application: _app,
      ...inputs
    } = releaseInputs(config, v2);
    const step = await runInProcess(run, inputs);
    expect(step.failed).toBe(false);
    expect(step.outputs).toEqual({ commit: config.git.head(), 'previous-image': 'registry.example/hello:v1' });
    expect(step.summary).toContain('no Argo CD server given, so the step stops after the push');
    expect(config.argo.requests).toHaveLength(0);
  });

  it('refuses a container the file does not have, naming both, before any push', async () => {
    config = await startConfig();
    const initial = config.git.head();
    const step = await runInProcess(run, releaseInputs(config, v2, { images: 'api=registry.example/hello:v2' }));
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain("apps/hello/hello.deployment.yaml (manifest) has none of 'api'");
    expect(config.git.head()).toBe(initial);
    const missing = await runInProcess(run, releaseInputs(config, v2, { files: 'apps/hello/nope.yaml' }));
    expect(missing.log).toContain("The config repository has no file 'apps/hello/nope.yaml'");
  });

  it('fails with the Git error, and never prints the token, when the token is refused', async () => {
    config = await startConfig();
    const bad = 'ghs_wrongToken9876543210';
    const step = await runInProcess(run, releaseInputs(config, v2, { token: bad }));
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain('Authentication failed');
    expect(step.log.replace(/^::add-mask::.*$/gm, '')).not.toContain(bad);
    expect(step.summary).not.toContain(bad);
  });
});

describe.skipIf(!available)('gitops, promotion', () => {
  it("sets in production's file the image staging runs, read from staging's file", async () => {
    config = await startConfig();
    config.git.commit(
      { 'apps/hello-staging/hello.deployment.yaml': deployment('registry.example/hello:v2') },
      'Staging runs v2',
    );
    const { images: _images, ...inputs } = releaseInputs(config, v2);
    const step = await runInProcess(run, {
      ...inputs,
      'promote-from': 'apps/hello-staging/hello.deployment.yaml',
      promote: 'web',
    });
    expect(step.log).not.toContain('::error::');
    expect(config.git.read('apps/hello/hello.deployment.yaml')).toBe(deployment(v2));
    expect(step.outputs).toMatchObject({ 'previous-image': 'registry.example/hello:v1', health: 'Healthy' });
    const missing = await runInProcess(run, {
      ...inputs,
      'promote-from': 'apps/hello-staging/hello.deployment.yaml',
      promote: 'api',
    });
    expect(missing.log).toContain("apps/hello-staging/hello.deployment.yaml has no 'api' to promote.");
  });
});

describe.skipIf(!available)('gitops, kustomization', () => {
  it("sets newTag in the kustomization's images:, and Argo CD runs the image kustomize renders", async () => {
    config = await startConfig({ kustomize: true });
    const step = await runInProcess(run, {
      ...releaseInputs(config, v2),
      files: 'apps/hello/kustomization.yaml',
      images: 'registry.example/hello=registry.example/hello:v2',
    });
    expect(step.log).not.toContain('::error::');
    expect(config.git.read('apps/hello/kustomization.yaml')).toBe(kustomization('v2'));
    expect(step.outputs).toMatchObject({ 'previous-image': 'registry.example/hello:v1', health: 'Healthy' });
    const answer = await fetch(`${config.argo.endpoint('hello', 'hello')}/health`).then((res) => res.json());
    expect(answer).toEqual({ version: 'v2' });
  });
});
