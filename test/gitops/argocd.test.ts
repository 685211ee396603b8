import { afterEach, describe, expect, it } from 'vitest';
import { ArgoCd, assess, type Application } from '../../src/lib/argocd.js';
import { CloudError } from '../../src/lib/errors.js';
import { git as gitTool } from '../helpers/prereq.js';
import { ARGO_TOKEN, startConfig, type Config } from './fixture.js';

/** The Argo CD client against the local API server, and the pure reading of an Application's status. */

const available = gitTool().available;
let config: Config | undefined;
afterEach(async () => {
  await config?.close();
  config = undefined;
});

const sha = 'a'.repeat(40);
const app = (status: Application['status']): Application => ({ metadata: { name: 'hello' }, spec: {}, status });

describe('assess', () => {
  it('is done only when Synced to the revision, Healthy and no operation runs', () => {
    expect(assess(app({ sync: { status: 'Synced', revision: sha }, health: { status: 'Healthy' } }), sha)).toEqual({
      state: 'done',
      revision: sha,
      health: 'Healthy',
    });
    expect(
      assess(app({ sync: { status: 'Synced', revision: 'b'.repeat(40) }, health: { status: 'Healthy' } }), sha).state,
    ).toBe('waiting');
    const running = app({
      sync: { status: 'Synced', revision: sha },
      health: { status: 'Healthy' },
      operationState: { phase: 'Running', operation: { sync: { revision: sha } } },
    });
    expect(assess(running, sha)).toMatchObject({
      state: 'waiting',
      status: 'Synced at aaaaaaa, Healthy, operation Running',
    });
  });

  it('fails at once on a failed sync of the revision, naming the failed hooks and resources with their messages', () => {
    const failed = app({
      sync: { status: 'OutOfSync', revision: 'b'.repeat(40) },
      health: { status: 'Healthy' },
      operationState: {
        phase: 'Failed',
        message: 'one or more synchronization tasks completed unsuccessfully',
        syncResult: {
          revision: sha,
          resources: [
            {
              kind: 'Job',
              name: 'migrate',
              status: 'Synced',
              hookPhase: 'Failed',
              message: 'Job has reached the specified backoff limit',
            },
            { kind: 'Service', name: 'web', status: 'Synced' },
          ],
        },
      },
    });
    expect(assess(failed, sha)).toEqual({
      state: 'failed',
      reason: 'sync-failed',
      message:
        'the sync of aaaaaaa failed: one or more synchronization tasks completed unsuccessfully (Job/migrate: Job has reached the specified backoff limit)',
    });
    // A failed sync of another revision is not this release's failure.
    expect(assess(failed, 'c'.repeat(40)).state).toBe('waiting');
  });

  it('fails on Degraded once synced to the revision, and only then', () => {
    const degraded = { status: 'Degraded', message: 'Deployment "hello" exceeded its progress deadline' };
    const resources = [
      { kind: 'Deployment', name: 'hello', health: degraded },
      { kind: 'Service', name: 'hello', health: { status: 'Healthy' } },
    ];
    expect(
      assess(app({ sync: { status: 'Synced', revision: sha }, health: { status: 'Degraded' }, resources }), sha),
    ).toMatchObject({
      state: 'failed',
      reason: 'degraded',
      message: 'hello is Degraded at aaaaaaa: Deployment/hello: Deployment "hello" exceeded its progress deadline',
    });
    expect(
      assess(
        app({ sync: { status: 'OutOfSync', revision: 'b'.repeat(40) }, health: { status: 'Degraded' }, resources }),
        sha,
      ).state,
    ).toBe('waiting');
  });
});

describe.skipIf(!available)('the local Argo CD API', () => {
  it('refuses a bad token (401, gRPC 16) and answers permission denied (403, gRPC 7) for an unknown Application', async () => {
    config = await startConfig();
    await expect(new ArgoCd(config.argo.url, 'wrong').application('hello')).rejects.toMatchObject({
      code: 'GRPC_16',
      message: 'Argo CD get hello failed (HTTP 401): invalid session: token signature is invalid',
    });
    const unknown = new ArgoCd(config.argo.url, ARGO_TOKEN).application('nope');
    await expect(unknown).rejects.toBeInstanceOf(CloudError);
    await expect(unknown).rejects.toMatchObject({
      code: 'GRPC_7',
      message: 'Argo CD get nope failed (HTTP 403): permission denied',
    });
  });

  it('refuses a second sync while one runs (400, gRPC 9) and syncs a manual Application to the revision asked for', async () => {
    config = await startConfig({ automated: false });
    const client = new ArgoCd(config.argo.url, ARGO_TOKEN);
    const head = config.git.head();
    const before = await client.application('hello');
    expect(before.status).toMatchObject({ sync: { status: 'OutOfSync' }, health: { status: 'Missing' } });
    const started = await client.sync('hello', head);
    expect(started.status?.operationState).toMatchObject({ phase: 'Running', operation: { sync: { revision: head } } });
    await expect(client.sync('hello', head)).rejects.toMatchObject({
      code: 'GRPC_9',
      message: 'Argo CD sync hello failed (HTTP 400): another operation is already in progress',
    });
    let now = await client.application('hello');
    for (let i = 0; i < 100 && now.status?.health?.status !== 'Healthy'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      now = await client.application('hello');
    }
    expect(now.status).toMatchObject({
      sync: { status: 'Synced', revision: head },
      health: { status: 'Healthy' },
      operationState: { phase: 'Succeeded', message: 'successfully synced (all tasks run)' },
    });
    expect(now.status?.resources).toEqual([
      expect.objectContaining({ kind: 'Deployment', name: 'hello', status: 'Synced', health: { status: 'Healthy' } }),
    ]);
  });
});
