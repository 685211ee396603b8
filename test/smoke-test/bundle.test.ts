import { afterEach, describe, expect, it } from 'vitest';
import { runBundle } from '../helpers/runner.js';
import { sequence, startHttp, type HttpFake } from '../fakes/http/server.js';

/** actions/smoke-test/dist run as the runner runs it: Node 24, INPUT_* variables, runner files. */

let server: HttpFake | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOKEN = 'tok_live_8f2c41d9e0a7b6c5';
const API_KEY = 'ak-5a1b2c3d4e5f60718293';

describe('the smoke-test bundle', () => {
  it('writes passed, attempts, latency-ms and report to GITHUB_OUTPUT and a table to the job summary', async () => {
    server = await startHttp(
      sequence({ status: 503, body: 'warming up' }, { body: { status: 'healthy', version: '1.4.2' } }),
    );
    const step = await runBundle('smoke-test', {
      inputs: {
        url: `${server.url}/health`,
        'expect-json': 'status=healthy\nversion=1.4.2',
        'consecutive-successes': '2',
        interval: '0.01',
        timeout: '10',
      },
    });
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ passed: 'true', attempts: '3' });
    const latency = JSON.parse(step.outputs['latency-ms'] ?? '') as Record<string, unknown>;
    expect(Object.keys(latency)).toEqual(['median', 'p95', 'samples']);
    expect(latency.samples).toBe(2);
    expect(JSON.parse(step.outputs.report ?? '')).toEqual([
      {
        url: `${server.url}/health`,
        passed: true,
        ended: 'passed',
        attempts: 3,
        status: 200,
        latencyMs: latency,
        failures: [],
      },
    ]);
    expect(step.summary).toMatch(/^### smoke-test: ✅ Succeeded/);
    expect(step.summary).toMatch(/\| <code>http:\/\/127\.0\.0\.1:\d+\/health<\/code> \| ✅ 200 · 3 attempts in/);
    expect(step.summary).toContain('| 1 | 503 |');
    expect(step.log).toMatch(/#1: 503 in \d+ ms, failed: status 503 is not 2xx: "warming up"/);
  });

  it('exits 1 with failure-reason unhealthy and passed=false when the probes fail', async () => {
    server = await startHttp(() => ({ status: 500, body: 'boom' }));
    const step = await runBundle('smoke-test', {
      inputs: { url: server.url, 'max-attempts': '2', 'consecutive-successes': '1', interval: '10ms' },
    });
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ passed: 'false', attempts: '3', 'failure-reason': 'unhealthy' });
    expect(step.log).toContain('::error::The smoke test failed:');
    expect(step.summary).toMatch(/^### smoke-test: ❌ Failed/);
    expect(step.summary).toContain('1 of 1 URL did not pass');
    expect(step.summary).toContain('| Failure reason | <code>unhealthy</code> |');
    expect(step.summary).toMatch(/\| Duration \| [\d.]+ (ms|s) \|/);
  });

  it('fails on invalid input without a request, and leaves passed empty', async () => {
    server = await startHttp(() => ({ status: 200 }));
    const step = await runBundle('smoke-test', { inputs: { url: server.url, timeout: 'soon' } });
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toEqual({ 'failure-reason': 'invalid-input' });
    expect(step.log).toContain("::error::Input 'timeout' must be a duration");
    expect(server.requests).toHaveLength(0);
    expect(step.summary).toMatch(/^### smoke-test: ❌ Failed/);
    expect(step.summary).toContain("Input 'timeout' must be a duration such as 500ms, 30s, 5m or 1m30s");
    expect(step.summary).toContain('| Failure reason | <code>invalid-input</code> |');
  });

  it('refuses a redirect to another origin, naming only its origin, and prints no URL credential', async () => {
    const other = await startHttp(() => ({ status: 200 }));
    try {
      server = await startHttp(() => ({ status: 302, headers: { location: `${other.url}/cb?code=${TOKEN}` } }));
      const step = await runBundle('smoke-test', {
        inputs: { url: `http://probe:${API_KEY}@127.0.0.1:${server.port}/health`, 'fail-on-error': 'false' },
      });
      expect(step.exitCode).toBe(0);
      expect(step.outputs).toMatchObject({ passed: 'false', attempts: '1', 'failure-reason': 'unhealthy' });
      expect(JSON.parse(step.outputs.report ?? '')[0]).toMatchObject({
        url: `http://probe:***@127.0.0.1:${server.port}/health`,
        ended: 'not-retried',
        failures: [
          `redirected to another origin, ${other.url}, which is not followed: allow its host 127.0.0.1:${other.port} (allowed-redirect-hosts) to follow it`,
        ],
      });
      expect(other.requests).toHaveLength(0);
      const printed = [step.log.replace(/^::add-mask::.*$/gm, ''), step.summary, JSON.stringify(step.outputs)];
      for (const secret of [TOKEN, API_KEY, encodeURIComponent(API_KEY)]) {
        expect(printed.join('\n').includes(secret), secret).toBe(false);
      }
    } finally {
      await other.close();
    }
  });

  it('sends token headers but never prints them: masked before anything else, absent from log and summary', async () => {
    // The service echoes what it got, as a misconfigured debug endpoint might.
    server = await startHttp((request) => ({ status: 401, body: JSON.stringify(request.headers) }));
    const step = await runBundle('smoke-test', {
      inputs: {
        url: `${server.url}/health?access_token=${TOKEN}`,
        headers: `Authorization: Bearer ${TOKEN}\nX-Api-Key: ${API_KEY}\nAccept: application/json`,
        'max-attempts': '2',
        'consecutive-successes': '1',
        interval: '10ms',
        'fail-on-error': 'false',
      },
      env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
    });
    expect(step.exitCode).toBe(0);
    expect(server.requests[0]?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-api-key': API_KEY });
    // The runner replaces every registered value with ***; each is registered before its first other use.
    for (const secret of [TOKEN, API_KEY]) {
      const registered = step.log.indexOf(`::add-mask::${secret}`);
      expect(registered).toBeGreaterThanOrEqual(0);
      expect(step.log.replace(/^::add-mask::.*$/gm, '').indexOf(secret)).toBeLessThan(0);
    }
    const everywhere = [step.summary, JSON.stringify(step.outputs)].join('\n');
    for (const secret of [TOKEN, API_KEY]) expect(everywhere.includes(secret)).toBe(false);
  });
});
