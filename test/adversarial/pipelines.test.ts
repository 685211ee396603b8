import { afterEach, describe, expect } from 'vitest';
import { startFixture, REGISTRY, webTaskDefinition, type Fixture } from '../deploy-ecs/fixture.js';
import { startHttp, type HttpFake } from '../fakes/http/server.js';
import { play, type PlayResult } from '../pipelines/play.js';
import { badInput, fault, leak } from './kinds.js';
import { jqAndCurl } from '../helpers/prereq.js';

// The pipeline's run: steps use jq (and curl for the webhook), as GitHub's runners have them.
const tools = jqAndCurl();
/**
 * The reusable pipelines' own steps, attacked: the deploy job of ecs-pipeline.yml played with the real actions
 * against the local ECS (test/deploy-ecs's fixture: service web running revision 1), a local health endpoint,
 * and a local webhook whose URL is the secret. What the runner shows is the log without its `::add-mask::`
 * commands (the runner consumes them), the summary, the job outputs, and what the webhook received.
 */

const SHA = '0123456789abcdef0123456789abcdef01234567';
const SECRET = 'xoxb-T0000-B0000-s3cr3t/w3bh00k+t0ken=';
const DIGEST = `sha256:${'2'.repeat(64)}`;

let fixture: Fixture | undefined;
let health: HttpFake | undefined;
let hook: HttpFake | undefined;
afterEach(async () => {
  await Promise.all([fixture?.close(), health?.close(), hook?.close()]);
  fixture = health = hook = undefined;
});

interface Run {
  inputs?: Record<string, unknown>;
  beforeStep?: (name: string) => void;
  version?: string;
  webhook?: 'answers' | 'fails';
}

async function pipeline(run: Run = {}): Promise<{ result: PlayResult; url: string }> {
  fixture = await startFixture();
  health = await startHttp(() => ({ body: { version: run.version ?? SHA } }));
  hook = await startHttp(() => (run.webhook === 'fails' ? { status: 500, body: 'invalid_token' } : { body: 'ok' }));
  const url = `${hook.url}/services/T0000/B0000/${SECRET}`;
  const result = await play({
    workflow: 'ecs-pipeline.yml',
    job: 'deploy',
    inputs: {
      environment: 'production',
      image: `${REGISTRY}/web`,
      'aws-region': 'us-east-1',
      'build-role-to-assume': 'arn:aws:iam::123456789012:role/web-build',
      'role-to-assume': 'arn:aws:iam::123456789012:role/web-deploy-production',
      cluster: 'default',
      service: 'web',
      'task-definition': fixture.file('td.json', webTaskDefinition()),
      'container-name': 'web',
      'health-url': `${health.url}/health`,
      'smoke-timeout-seconds': 2,
      ...run.inputs,
    },
    secrets: { 'webhook-url': url },
    needs: { build: { outputs: { image: `${REGISTRY}/web@${DIGEST}`, digest: DIGEST } } },
    env: fixture.env,
    beforeStep: run.beforeStep,
    extra: {
      'deploy-ecs': { 'poll-interval': '0.1' },
      rollback: { 'poll-interval': '0.1' },
      'smoke-test': { interval: '0.1', 'consecutive-successes': '1' },
    },
  });
  return { result, url };
}

/** Every printed form of a secret: raw, JSON-escaped, URL-encoded, base64. */
const forms = (secret: string) => [
  secret,
  JSON.stringify(secret).slice(1, -1),
  encodeURIComponent(secret),
  Buffer.from(secret).toString('base64'),
];

/** What leaves the runner: the shown log, the summary, the outputs, and every webhook body. */
function leaving(result: PlayResult): Record<string, string> {
  return {
    log: result.log
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    summary: result.summary,
    outputs: JSON.stringify(result.outputs),
    stepOutputs: JSON.stringify(result.steps.map((s) => s.outputs)),
    webhook: hook!.requests.map((r) => r.body).join('\n'),
  };
}

function expectAbsent(result: PlayResult, secrets: string[]) {
  for (const [where, text] of Object.entries(leaving(result)))
    for (const secret of secrets)
      for (const form of forms(secret)) expect(text, `${where}: ${form}`).not.toContain(form);
}

describe.skipIf(!tools.available)('ecs-pipeline.yml: the webhook URL is a secret', () => {
  leak('the webhook URL, on a run that succeeds (start and success notified)', async () => {
    const { result, url } = await pipeline();
    expect(result.status, result.log).toBe('success');
    const bodies = hook!.requests.map((r) => JSON.parse(r.body) as { text: string });
    expect(bodies.map((b) => b.text.split(':')[1]!.trim())).toEqual(['started', 'succeeded']);
    expectAbsent(result, [url, SECRET]);
  });

  leak('the webhook URL, on a run that rolls back (failure and rollback notified)', async () => {
    const { result, url } = await pipeline({ version: 'stale' });
    expect(result.status).toBe('failure');
    expect(hook!.requests.at(-1)!.body).toContain('rolled-back');
    expectAbsent(result, [url, SECRET]);
  });

  leak(
    'the webhook URL, when the webhook refuses it (500): a warning without the URL, the deploy goes on',
    async () => {
      const { result, url } = await pipeline({ webhook: 'fails' });
      expect(result.status).toBe('success');
      expect(result.log).toContain("::warning::The webhook did not take the 'succeeded' notification (HTTP 500)");
      expectAbsent(result, [url, SECRET]);
    },
  );

  leak('the webhook URL, in the Teams format', async () => {
    const { result, url } = await pipeline({ inputs: { 'webhook-format': 'teams' } });
    const body = JSON.parse(hook!.requests[0]!.body) as { type: string; attachments: { contentType: string }[] };
    expect(body.type).toBe('message');
    expect(body.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expectAbsent(result, [url, SECRET]);
  });
});

describe.skipIf(!tools.available)('ecs-pipeline.yml: containers refused before any cloud request', () => {
  const refused = async (containers: string) => {
    const { result } = await pipeline({ inputs: { containers } });
    expect(result.status).toBe('failure');
    expect(result.step('images')!.outcome).toBe('failure');
    expect(result.log).toMatch(/::error::containers must be a JSON list of container names/);
    expect(result.ran).not.toContain('deploy');
    expect(fixture!.ecs.calls).toHaveLength(0);
    expect(result.log).not.toMatch(/^::error::forged/m);
  };
  badInput('containers that is not JSON', () => refused('worker, api'));
  badInput('containers that is a JSON object, not a list', () => refused('{"worker": "x"}'));
  badInput('containers naming a container with an escaped newline and a workflow command', () =>
    refused('["worker\\n::set-output name=x::y"]'),
  );
  badInput('containers that is an empty list', () => refused('[]'));
  badInput('containers with a line that is a workflow command, which is not printed', () =>
    refused('["worker",\n::error::forged]'),
  );
});

describe.skipIf(!tools.available)('ecs-pipeline.yml: faults end in an exact state', () => {
  const REVISION_1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
  const REVISION_2 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2';
  const backTo1 = (body: Record<string, unknown>) => body.taskDefinition === REVISION_1;

  fault(
    'the proof fails and the rollback is refused (AccessDenied on UpdateService): the run fails, saying nothing was put back',
    async () => {
      const { result } = await pipeline({
        version: 'stale',
        beforeStep: (step) => {
          if (step === 'rollback')
            fixture!.ecs.inject({ operation: 'UpdateService', kind: 'access-denied', times: Infinity, match: backTo1 });
        },
      });
      expect(result.status).toBe('failure');
      expect(result.step('rollback')!.outcome).toBe('failure');
      expect(fixture!.ecs.service('default', 'web').taskDefinition).toBe(REVISION_2);
      expect(result.outputs['rolled-back']).toBe('false');
      expect(result.log).toContain(
        '::error::The new version was not proved healthy (unhealthy) and nothing was put back: see the rollback step.',
      );
      expect(result.summary).toContain('| failed |');
      expect(result.ran).not.toContain('mark-good');
    },
  );

  fault(
    'the proof fails and the rollback is throttled twice: it goes through, and the previous revision runs',
    async () => {
      const { result } = await pipeline({
        version: 'stale',
        beforeStep: (step) => {
          if (step === 'rollback')
            fixture!.ecs.inject({ operation: 'UpdateService', kind: 'throttle', times: 2, match: backTo1 });
        },
      });
      expect(result.status).toBe('failure');
      expect(result.step('rollback')!.outputs.outcome).toBe('rolled-back');
      expect(fixture!.ecs.service('default', 'web').taskDefinition).toBe(REVISION_1);
      expect(
        fixture!.ecs.calls.filter((c) => c.operation === 'UpdateService' && backTo1(c.body)).map((c) => c.result),
      ).toEqual(['throttle', 'throttle', 'ok']);
      expect(result.summary).toContain('| rolled-back |');
    },
  );

  fault(
    "the webhook's port is closed: the report step warns that nobody answered, without the URL, and succeeds",
    async () => {
      const { result } = await pipeline();
      await hook!.close();
      // A second run with the webhook gone: every notification fails without failing the run.
      const again = await play({
        workflow: 'ecs-pipeline.yml',
        job: 'deploy',
        inputs: {},
        only: ['report'],
        env: {},
        secrets: { 'webhook-url': `${hook!.url}/services/T0000/B0000/${SECRET}` },
        needs: { build: { outputs: { image: `${REGISTRY}/web@${DIGEST}`, digest: DIGEST } } },
      });
      hook = undefined;
      expect(result.status).toBe('success');
      expect(again.status).toBe('success');
      expect(again.log).toMatch(
        /::warning::The webhook did not take the '\w[\w-]*' notification \(HTTP (000|no answer)\)/,
      );
      expect(
        again.log
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
      ).not.toContain(SECRET);
    },
  );
});
