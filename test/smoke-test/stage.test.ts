import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/smoke-test/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { freePort, httpFakes, selfSignedCertificate, sequence } from '../fakes/http/server.js';

/** smoke-test's run() in-process, against local services, read through its outputs, log and summary. */

const fakes = httpFakes();
afterEach(() => fakes.closeAll());
const serve = fakes.serve;

const healthy = (version: string) => ({ body: { status: 'healthy', version } });
const quick = { interval: '5ms', timeout: '5s', 'request-timeout': '1s' };

describe('smoke-test', () => {
  it('passes once the new version answers three times in a row, and reports how long it took', async () => {
    const server = await serve(sequence({ status: 503, body: 'starting' }, healthy('1.4.1'), healthy('1.4.2')));
    const step = await runInProcess(run, {
      url: `${server.url}/health`,
      'expect-json': 'status=healthy\nversion=1.4.2',
      ...quick,
    });
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ passed: 'true', attempts: '5' });
    expect(JSON.parse(step.outputs['latency-ms'] ?? '')).toMatchObject({ samples: 3 });
    const [report] = JSON.parse(step.outputs.report ?? '');
    expect(report).toMatchObject({
      url: `${server.url}/health`,
      passed: true,
      ended: 'passed',
      attempts: 5,
      status: 200,
      failures: [],
      latencyMs: { samples: 3 },
    });
    // One line per attempt: status, latency, and why it failed.
    expect(step.log).toContain(`${server.url}/health #1: 503 in `);
    expect(step.log).toContain('failed: status 503 is not 2xx: "starting"');
    expect(step.log).toMatch(/#2: 200 in \d+ ms, failed: version: expected "1\.4\.2", got "1\.4\.1"/);
    expect(step.log).toMatch(/#5: 200 in \d+ ms, passed \(3 of 3 in a row\)/);
    expect(step.log).toContain('::group::Probe');
    expect(step.summary).toMatch(/^### smoke-test: ✅ Succeeded/);
    expect(step.summary).toContain('The URL passed 3 times in a row.');
    expect(step.summary).toContain('status 2xx, status = "healthy", version = "1.4.2"');
  });

  it('fails after the timeout, naming the last reason, with passed=false for a rollback step', async () => {
    const server = await serve(() => ({ status: 500, body: 'database unreachable' }));
    const step = await runInProcess(run, {
      url: server.url,
      ...quick,
      interval: '20ms',
      backoff: '1',
      timeout: '150ms',
    });
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ passed: 'false', 'failure-reason': 'unhealthy' });
    expect(Number(step.outputs.attempts)).toBeGreaterThan(1);
    expect(JSON.parse(step.outputs['latency-ms'] ?? '')).toEqual({ median: null, p95: null, samples: 0 });
    expect(step.log).toMatch(
      /::error::The smoke test failed: http:\/\/127\.0\.0\.1:\d+\/ timed out \(timeout 150 ms, request-timeout 1\.0 s\) after \d+ attempts, last: status 500 is not 2xx: "database unreachable"/,
    );
    expect(step.summary).toMatch(/^### smoke-test: ❌ Failed/);
    expect(step.summary).toContain('❌ timed out');
  });

  it('with fail-on-error false, succeeds with passed=false and a warning, so the pipeline decides', async () => {
    const server = await serve(() => healthy('1.4.1'));
    const step = await runInProcess(run, {
      url: server.url,
      'expect-json': 'version=1.4.2',
      'max-attempts': '2',
      'consecutive-successes': '1',
      'fail-on-error': 'false',
      ...quick,
    });
    expect(step.exitCode).toBe(0);
    // max-attempts 2 is url-health-check's curl --retry 2: three tries.
    expect(step.outputs).toMatchObject({ passed: 'false', attempts: '3', 'failure-reason': 'unhealthy' });
    expect(step.log).toMatch(/::warning::The smoke test failed: .* used its attempts after 3 attempts/);
    expect(JSON.parse(step.outputs.report ?? '')[0]).toMatchObject({
      ended: 'max-attempts',
      failures: ['version: expected "1.4.2", got "1.4.1"'],
    });
  });

  it('fails on invalid input before any request, leaving passed empty so no rollback follows', async () => {
    const server = await serve(() => healthy('1'));
    const step = await runInProcess(run, { url: server.url, 'expect-status': 'ok', 'fail-on-error': 'false' });
    expect(step.exitCode).toBe(1);
    expect(step.outputs.passed).toBeUndefined();
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain("::error::Input 'expect-status' has 'ok', which is not a status code pattern.");
    expect(server.requests).toHaveLength(0);
  });

  it('probes several URLs at once; all must pass, and the report has one entry each', async () => {
    const api = await serve(() => healthy('2'));
    const web = await serve(() => ({ status: 502, body: 'Bad Gateway' }));
    const step = await runInProcess(run, {
      url: `${api.url}/health\n${web.url}/`,
      'consecutive-successes': '2',
      'max-attempts': '3',
      ...quick,
    });
    expect(step.exitCode).toBe(1);
    const report = JSON.parse(step.outputs.report ?? '') as { url: string; passed: boolean }[];
    expect(report.map(({ url, passed }) => [url, passed])).toEqual([
      [`${api.url}/health`, true],
      [`${web.url}/`, false],
    ]);
    // api: 2 passes; web: max-attempts 3 is a first try and 3 retries.
    expect(step.outputs.attempts).toBe('6');
    expect(step.summary).toContain(`1 of 2 URLs did not pass: <code>${web.url}/</code>.`);
  });

  it('waits for a service that is slow to start listening', async () => {
    const port = await freePort();
    setTimeout(() => void serve(() => healthy('2'), { port }), 100);
    const step = await runInProcess(run, { url: `http://127.0.0.1:${port}/`, 'consecutive-successes': '2', ...quick });
    expect(step.exitCode).toBe(0);
    expect(step.log).toContain('#1: no answer, failed: connection refused');
  });

  it('trusts a self-signed endpoint through ca-cert, given as PEM text, and not without it', async () => {
    const certificate = selfSignedCertificate();
    const server = await serve(() => healthy('2'), { tls: certificate });
    const inputs = { url: `${server.url}/health`, 'consecutive-successes': '1', 'max-attempts': '1', ...quick };
    const without = await runInProcess(run, inputs);
    expect(without.exitCode).toBe(1);
    expect(without.log).toContain('TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)');
    const trusted = await runInProcess(run, { ...inputs, 'ca-cert': certificate.cert });
    expect(trusted.exitCode).toBe(0);
  });

  it('checks a redirect itself when follow-redirect is false', async () => {
    const server = await serve(() => ({ status: 308, headers: { location: 'https://example.invalid/' } }));
    const step = await runInProcess(run, {
      url: server.url,
      'follow-redirect': 'false',
      'expect-status': '308',
      'consecutive-successes': '1',
      ...quick,
    });
    expect(step.exitCode).toBe(0);
    expect(server.requests).toHaveLength(1);
  });
});
