import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/smoke-test/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { runBundle } from '../helpers/runner.js';
import { freePort, httpFakes, sequence } from '../fakes/http/server.js';

/**
 * smoke-test as a drop-in for jtalk/url-health-check-action v4: its README's `with:` block, only the URLs
 * pointed at local services, and each of its inputs with the meaning its action.yml documents.
 */

const fakes = httpFakes();
afterEach(() => fakes.closeAll());
const serve = fakes.serve;

const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

describe('smoke-test in place of url-health-check', () => {
  it("runs url-health-check's README example unchanged: both URLs, its cookie and basic auth, masked", async () => {
    const a = await serve(() => ({ status: 200, body: 'ok' }));
    const b = await serve(() => ({ status: 204 }));
    // The example of jtalk/url-health-check-action's README (v4), as written there but for the URLs.
    const step = await runBundle('smoke-test', {
      inputs: {
        url: `${a.url}|${b.url}`,
        'follow-redirect': 'false',
        'max-attempts': '3',
        'retry-delay': '5s',
        'retry-all': 'false',
        cookie: 'token=asdf1234',
        'basic-auth': 'login:password',
      },
    });
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ passed: 'true', attempts: '2' });
    for (const server of [a, b]) {
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]?.headers).toMatchObject({
        cookie: 'token=asdf1234',
        authorization: basic('login:password'),
      });
    }
    expect(step.log).toContain('::add-mask::asdf1234');
    expect(step.log).toContain('::add-mask::password');
    const printed = step.log.replace(/^::add-mask::.*$/gm, '');
    for (const secret of ['asdf1234', basic('login:password')]) expect(printed).not.toContain(secret);
    expect(`${step.summary}${JSON.stringify(step.outputs)}`).not.toContain('asdf1234');
  });

  it('checks a URL alone with one request when it is healthy, as url-health-check does', async () => {
    const server = await serve(() => ({ status: 200, body: 'ok' }));
    const step = await runBundle('smoke-test', { inputs: { url: server.url } });
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ passed: 'true', attempts: '1' });
    expect(server.requests).toHaveLength(1);
    expect(step.summary).toContain('The URL passed.');
  });

  it('gives up after max-attempts failed attempts: 1 is one try', async () => {
    const server = await serve(() => ({ status: 503, body: 'starting' }));
    const step = await runInProcess(run, { url: server.url, 'max-attempts': '1', timeout: '5s' });
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ passed: 'false', attempts: '1', 'failure-reason': 'unhealthy' });
    expect(JSON.parse(step.outputs.report ?? '')[0]).toMatchObject({ ended: 'max-attempts', status: 503 });
  });

  it('with max-attempts 2 tries three times, as url-health-check runs curl --retry 2', async () => {
    const server = await serve(() => ({ status: 503, body: 'starting' }));
    const step = await runInProcess(run, { url: server.url, 'max-attempts': '2', 'retry-delay': '5ms' });
    expect(step.exitCode).toBe(1);
    expect(server.requests).toHaveLength(3);
    expect(JSON.parse(step.outputs.report ?? '')[0]).toMatchObject({ ended: 'max-attempts', attempts: 3 });
  });

  it('checks a healthy URL alone without waiting: one request, whatever the waits between attempts', async () => {
    const server = await serve(() => ({ status: 200 }));
    // An interval of an hour: were the check to wait once, the test would time out.
    const step = await runInProcess(run, { url: server.url, interval: '1h', 'max-interval': '1h' });
    expect(step).toMatchObject({ exitCode: 0, outputs: { passed: 'true', attempts: '1' } });
    expect(server.requests).toHaveLength(1);
  });

  it('with retry-all false retries a refused connection, as url-health-check passes --retry-connrefused', async () => {
    const port = await freePort();
    setTimeout(() => void serve(() => ({ status: 200 }), { port }), 100);
    const step = await runInProcess(run, {
      url: `http://127.0.0.1:${port}/`,
      'retry-all': 'false',
      'max-attempts': '1000',
      'retry-delay': '20ms',
      timeout: '20s',
    });
    expect(step.exitCode).toBe(0);
    expect(step.log).toContain('#1: no answer, failed: connection refused');
  });

  it('counts only failed attempts against max-attempts, so 2 allows a pass, a failure, then three passes', async () => {
    const healthy = { body: { version: '2' } };
    const server = await serve(sequence(healthy, { status: 503 }, healthy));
    const step = await runInProcess(run, {
      url: server.url,
      'expect-json': 'version=2',
      'max-attempts': '2',
      interval: '5ms',
      timeout: '5s',
    });
    expect(step).toMatchObject({ exitCode: 0, outputs: { passed: 'true', attempts: '5' } });
  });

  it('with retry-all false stops at a 404 but retries a 503, as curl --retry does', async () => {
    const notRetryingAll = (url: string) =>
      runInProcess(run, { url, 'retry-all': 'false', 'max-attempts': '3', 'retry-delay': '5ms' });
    const missing = await serve(() => ({ status: 404, body: 'no such route' }));
    const stopped = await notRetryingAll(missing.url);
    expect(stopped.exitCode).toBe(1);
    expect(missing.requests).toHaveLength(1);
    expect(JSON.parse(stopped.outputs.report ?? '')[0]).toMatchObject({ ended: 'not-retried', status: 404 });
    expect(stopped.log).toMatch(/stopped \(status 404 is not retried unless retry-all is true\)/);

    const starting = await serve(sequence({ status: 503 }, { status: 200 }));
    const retried = await notRetryingAll(starting.url);
    expect(retried.exitCode).toBe(0);
    expect(starting.requests).toHaveLength(2);
  });

  it('with retry-all true (the default) retries a 404 until it goes away', async () => {
    const server = await serve(sequence({ status: 404 }, { status: 200 }));
    const step = await runInProcess(run, { url: server.url, 'max-attempts': '3', 'retry-delay': '5ms' });
    expect(step.exitCode).toBe(0);
    expect(server.requests).toHaveLength(2);
  });

  it('with follow-redirect false passes a redirect without following it', async () => {
    const target = await serve(() => ({ status: 500 }));
    const server = await serve(() => ({ status: 302, headers: { location: `${target.url}/` } }));
    const step = await runInProcess(run, { url: server.url, 'follow-redirect': 'false' });
    expect(step.exitCode).toBe(0);
    expect(JSON.parse(step.outputs.report ?? '')[0]).toMatchObject({ passed: true, status: 302 });
    expect(target.requests).toHaveLength(0);
  });

  it('following a redirect to another origin only to an allowed host, it sends neither cookie nor basic auth on', async () => {
    const target = await serve(() => ({ status: 200 }));
    const server = await serve(() => ({ status: 301, headers: { location: `${target.url}/health` } }));
    const inputs = {
      url: server.url,
      'follow-redirect': 'true',
      cookie: 'session=s3cr3t-cookie',
      'basic-auth': 'deploy:hunter22',
    };
    const refused = await runInProcess(run, inputs);
    expect(refused.exitCode).toBe(1);
    expect(refused.log).toContain(`redirected to another origin, ${target.url}, which is not followed`);
    // Waiting does not change the workflow's inputs: the URL ends at once, not at timeout.
    expect(JSON.parse(refused.outputs.report ?? '')[0]).toMatchObject({ ended: 'not-retried', attempts: 1 });
    expect(refused.summary).toContain('not retried: a redirect that is not followed');
    expect(target.requests).toHaveLength(0);

    const step = await runInProcess(run, { ...inputs, 'allowed-redirect-hosts': '127.0.0.1' });
    expect(step.exitCode).toBe(0);
    expect(server.requests[0]?.headers).toMatchObject({ cookie: 'session=s3cr3t-cookie' });
    expect(target.requests[0]?.headers.cookie).toBeUndefined();
    expect(target.requests[0]?.headers.authorization).toBeUndefined();
  });
});
