import { DeleteServiceCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/deploy-ecs/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { runBundle } from '../helpers/runner.js';
import { startFixture, V2, webTaskDefinition, type Fixture } from './fixture.js';

/** deploy-ecs mode: teardown, the end of a pull request preview: <service>-pr-<number> is deleted. */

let fixture: Fixture;
afterEach(() => fixture?.close());

const fast = { 'poll-interval': '0.1', cluster: 'default' };
const calls = (operation: string) => fixture.ecs.calls.filter((c) => c.operation === operation);

/** A push to pull request 42 creates its preview service, as preview.yml does. */
async function createPreview(service = 'web-pr-42') {
  const step = await runInProcess(
    run,
    {
      ...fast,
      service,
      'task-definition': fixture.file('td.json', webTaskDefinition(V2)),
      'create-service': 'true',
      subnets: 'subnet-0123456789abcdef0',
      'desired-count': '2',
    },
    fixture.env,
  );
  expect(step.failed).toBe(false);
  expect(fixture.ecs.service('default', service).runningCount).toBe(2);
}

function teardown(inputs: Record<string, string>) {
  return runInProcess(run, { ...fast, mode: 'teardown', ...inputs }, fixture.env);
}

/**
 * Teardown of pull request 42's preview where another caller races it: ECS answers the first DeleteService with
 * `error` (after `onAnswer`, which makes that answer true). The step must pass, having seen that one answer.
 */
async function teardownOfPreviewRacing(error: { type: string; message: string }, onAnswer?: () => void) {
  fixture = await startFixture();
  await createPreview();
  fixture.ecs.inject({ operation: 'DeleteService', kind: 'error', times: 1, error, ...(onAnswer ? { onAnswer } : {}) });
  const step = await teardown({ service: 'web-pr-42' });
  expect(step.failed).toBe(false);
  expect(calls('DeleteService').map((c) => c.result)).toEqual([error.type]);
  return step;
}

describe('deploy-ecs mode: teardown', () => {
  it('deletes a running preview service and waits until ECS has drained it to INACTIVE', async () => {
    fixture = await startFixture();
    await createPreview();

    const step = await teardown({ service: 'web-pr-42' });
    expect(step.failed).toBe(false);
    expect(calls('DeleteService').map((c) => c.body)).toEqual([
      { cluster: 'default', service: 'web-pr-42', force: true },
    ]);
    const service = fixture.ecs.service('default', 'web-pr-42');
    expect(service).toMatchObject({ status: 'INACTIVE', desiredCount: 0, runningCount: 0 });
    expect(JSON.parse(step.outputs.services!)).toEqual([
      { service: 'web-pr-42', outcome: 'deleted', status: 'INACTIVE' },
    ]);
    expect(step.summary).toContain('deploy-ecs teardown: ✅ Succeeded');
    expect(step.summary).toContain('Deleted web-pr-42 from default.');
    // The main service of the same family is untouched, and so are the task definition revisions.
    expect(fixture.ecs.service('default', 'web')).toMatchObject({ status: 'ACTIVE', desiredCount: 2 });
    expect(calls('DeregisterTaskDefinition')).toEqual([]);
  });

  it('counts a service that is already deleted or was never created as torn down, so a re-run passes', async () => {
    fixture = await startFixture();
    await createPreview();
    await teardown({ service: 'web-pr-42' });

    const again = await teardown({ service: 'web-pr-42\nweb-pr-7' });
    expect(again.failed).toBe(false);
    expect(calls('DeleteService')).toHaveLength(1);
    expect(JSON.parse(again.outputs.services!)).toEqual([
      { service: 'web-pr-42', outcome: 'already-gone', status: 'INACTIVE' },
      { service: 'web-pr-7', outcome: 'already-gone', status: 'MISSING' },
    ]);
    expect(again.summary).toContain('Nothing to delete');
  });

  it('counts a service ECS purged between the look and the delete (ServiceNotFoundException) as already gone', async () => {
    const step = await teardownOfPreviewRacing({ type: 'ServiceNotFoundException', message: 'Service not found.' });
    expect(JSON.parse(step.outputs.services!)).toEqual([
      { service: 'web-pr-42', outcome: 'already-gone', status: 'MISSING' },
    ]);
  });

  it('waits out a service another caller deleted between the look and the delete (ServiceNotActiveException)', async () => {
    const step = await teardownOfPreviewRacing(
      { type: 'ServiceNotActiveException', message: 'Service was not ACTIVE.' },
      // What makes the answer true: the other caller's delete, landed just before ours.
      () => fixture.ecs.deleteService('default', 'web-pr-42'),
    );
    expect(fixture.ecs.service('default', 'web-pr-42')).toMatchObject({ status: 'INACTIVE', runningCount: 0 });
    expect(JSON.parse(step.outputs.services!)).toEqual([
      { service: 'web-pr-42', outcome: 'deleted', status: 'INACTIVE' },
    ]);
  });

  it('a reopened pull request gets its preview service again once the old one is INACTIVE', async () => {
    fixture = await startFixture();
    await createPreview();
    await teardown({ service: 'web-pr-42' });
    await createPreview();
    expect(fixture.ecs.service('default', 'web-pr-42').status).toBe('ACTIVE');
  });

  it('returns while the service drains with wait-for-service-stability: false', async () => {
    fixture = await startFixture();
    await createPreview();
    const step = await teardown({ service: 'web-pr-42', 'wait-for-service-stability': 'false' });
    expect(step.failed).toBe(false);
    expect(JSON.parse(step.outputs.services!)[0]).toMatchObject({ outcome: 'draining' });
  });

  it('refuses deploy inputs and a missing service before any AWS call', async () => {
    fixture = await startFixture();
    const withImage = await teardown({ service: 'web-pr-42', image: V2, 'container-name': 'web' });
    expect(withImage.failed).toBe(true);
    expect(withImage.log).toContain("Input 'image' has no meaning with 'mode: teardown'");
    const noService = await teardown({});
    expect(noService.log).toContain("'mode: teardown' needs 'service'");
    const badMode = await teardown({ service: 'web', mode: 'delete' });
    expect(badMode.outputs['failure-reason']).toBe('invalid-input');
    expect(fixture.ecs.calls).toEqual([]);
  });

  it('the ECS endpoint refuses to delete a service still scaled above 0 without force, as ECS does', async () => {
    fixture = await startFixture();
    const ecs = new ECSClient({
      endpoint: fixture.env.AWS_ENDPOINT_URL_ECS,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
    });
    await expect(ecs.send(new DeleteServiceCommand({ cluster: 'default', service: 'web' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'The service cannot be stopped while it is scaled above 0.',
    });
    const { service } = await ecs.send(new DeleteServiceCommand({ cluster: 'default', service: 'web', force: true }));
    expect(service?.status).toBe('DRAINING');
    await expect(
      ecs.send(new DeleteServiceCommand({ cluster: 'default', service: 'web', force: true })),
    ).rejects.toMatchObject({ name: 'ServiceNotActiveException' });
    ecs.destroy();
  });

  it('runs from the bundle as the runner runs it', async () => {
    fixture = await startFixture();
    await createPreview();
    const step = await runBundle('deploy-ecs', {
      inputs: { ...fast, mode: 'teardown', service: 'web-pr-42' },
      env: fixture.env,
    });
    expect(step.exitCode).toBe(0);
    expect(JSON.parse(step.outputs.services!)).toEqual([
      { service: 'web-pr-42', outcome: 'deleted', status: 'INACTIVE' },
    ]);
  });
});
