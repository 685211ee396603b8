import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/lib/errors.js';
import {
  evaluate,
  jsonPath,
  latencyStats,
  parseHeaders,
  parseJsonExpectations,
  parseStatus,
  parseText,
  probe,
  probeUntil,
  send,
  type Expectations,
} from '../../src/lib/probe.js';
import { redactUrl, scrub } from '../../src/lib/secrets.js';
import { freePort, httpFakes, selfSignedCertificate, sequence, type HttpFake } from '../fakes/http/server.js';

const fakes = httpFakes();
afterEach(() => fakes.closeAll());
const serve = fakes.serve;

const ok: Expectations = { status: parseStatus('expect-status', '2xx') };
const version = (v: string): Expectations => ({
  status: parseStatus('expect-status', '200'),
  json: parseJsonExpectations('expect-json', ['status=healthy', `version=${v}`]),
});
const fast = { intervalMs: 5, timeoutMs: 5_000 };
const response = (status: number, body: unknown, latencyMs = 10) => ({
  url: 'http://127.0.0.1/health',
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  redirects: 0,
  latencyMs,
});

/** Captures what the code printed (core.setSecret writes ::add-mask:: commands to stdout). */
function captureStdout(): { text: () => string } {
  let text = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += chunk.toString();
    return true;
  });
  return { text: () => text };
}

describe('expect-status patterns', () => {
  it.each([
    ['200', 200, true],
    ['200', 201, false],
    ['2xx', 204, true],
    ['2xx', 301, false],
    ['20x', 204, true],
    ['20x', 210, false],
    ['200,204', 204, true],
    ['200, 204', 202, false],
    ['200-299', 250, true],
    ['301 302', 302, true],
  ])('%s against %i is %s', (pattern, status, expected) => {
    expect(parseStatus('expect-status', pattern).test(status)).toBe(expected);
  });

  it.each(['ok', '600', '2x0', '20', '2xxx'])('rejects %s, naming the input', (pattern) => {
    expect(() => parseStatus('expect-status', pattern)).toThrow(/Input 'expect-status' has/);
  });
});

describe('expect-body', () => {
  it('matches a substring, or a /regex/ with flags', () => {
    expect(parseText('expect-body', 'ok').test('all ok here')).toBe(true);
    expect(parseText('expect-body', 'OK').test('all ok here')).toBe(false);
    expect(parseText('expect-body', '/^ALL OK/i').test('all ok here')).toBe(true);
    expect(parseText('expect-body', '/v1\\.4\\.\\d+/').test('running v1.4.2')).toBe(true);
  });

  it('rejects an invalid regular expression', () => {
    expect(() => parseText('expect-body', '/(unclosed/')).toThrow(InputError);
  });
});

describe('expect-json field paths', () => {
  it.each([
    ['status', ['status']],
    ['a.b', ['a', 'b']],
    ['items[0].id', ['items', 0, 'id']],
    ['$.data.version', ['data', 'version']],
    ['build["git.sha"]', ['build', 'git.sha']],
    ['matrix[1][0]', ['matrix', 1, 0]],
  ])('%s', (path, segments) => expect(jsonPath('expect-json', path)).toEqual(segments));

  it.each(['a..b', 'items[x]', '', 'a["b]'])('rejects %j', (path) => {
    expect(() => jsonPath('expect-json', path)).toThrow(InputError);
  });

  it('compares values as text, numbers and booleans as JSON writes them, and /regex/', () => {
    const expectations: Expectations = {
      status: parseStatus('s', '200'),
      json: parseJsonExpectations('expect-json', [
        'count=3',
        'ready=true',
        'version=/^1\\.4\\./',
        'commit',
        'items[0].id=x',
      ]),
    };
    const body = { count: 3, ready: true, version: '1.4.2', commit: 'abc', items: [{ id: 'x' }] };
    expect(evaluate(response(200, body), expectations)).toEqual([]);
  });

  it('refuses an empty expected value, as an unset ${{ inputs.version }} gives, but takes /^$/', () => {
    expect(() => parseJsonExpectations('expect-json', ['version='])).toThrow(
      "Input 'expect-json' expects version to be empty ('version=' has no value).",
    );
    const [empty] = parseJsonExpectations('expect-json', ['note=/^$/']);
    expect(empty?.expected?.test('')).toBe(true);
  });

  it('says which field differs, what was expected and what came', () => {
    const failures = evaluate(response(200, { status: 'healthy', version: '1.4.1' }), version('1.4.2'));
    expect(failures).toEqual(['version: expected "1.4.2", got "1.4.1"']);
  });

  it('says when a field is missing or the body is not JSON', () => {
    expect(evaluate(response(200, { status: 'healthy' }), version('1'))).toEqual(['version is missing']);
    expect(evaluate(response(200, '<html>maintenance</html>'), version('1'))).toEqual([
      'body is not JSON: "<html>maintenance</html>"',
    ]);
  });
});

describe('evaluate', () => {
  it('reports a wrong status with the start of the body, not the checks an error page cannot pass', () => {
    const failures = evaluate(response(503, 'Service Unavailable'), version('2'));
    expect(failures).toEqual(['status 503 is not 200: "Service Unavailable"']);
  });

  it('fails a probe slower than max-latency-ms', () => {
    expect(evaluate(response(200, '', 812.4), { ...ok, maxLatencyMs: 500 })).toEqual([
      'took 812 ms, over the 500 ms allowed',
    ]);
    expect(evaluate(response(200, '', 499), { ...ok, maxLatencyMs: 500 })).toEqual([]);
  });

  it('reports a missing body text', () => {
    const expectations = { ...ok, body: parseText('expect-body', 'pong') };
    expect(evaluate(response(200, 'ping'), expectations)).toEqual(['body does not contain "pong"']);
  });
});

describe('latencyStats', () => {
  it('gives the median and the 95th percentile by nearest rank, in whole ms', () => {
    expect(latencyStats([])).toEqual({ median: null, p95: null, samples: 0 });
    expect(latencyStats([10.4])).toEqual({ median: 10, p95: 10, samples: 1 });
    expect(latencyStats([4, 1, 3, 2])).toEqual({ median: 3, p95: 4, samples: 4 });
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(latencyStats(hundred)).toMatchObject({ median: 51, p95: 95 });
  });
});

describe('headers', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads Name: value and Name=value lines; a value keeps its own = and :', () => {
    captureStdout();
    expect(parseHeaders('headers', 'Accept: application/json\nX-Trace=a=b:c\n# comment\n')).toEqual({
      accept: 'application/json',
      'x-trace': 'a=b:c',
    });
  });

  it('masks credentials the moment they are parsed, the token part too', () => {
    const out = captureStdout();
    parseHeaders(
      'headers',
      'Authorization: Bearer tok_live_abcdef123456\nX-Api-Key: key-98765\nCookie: session=s3cr3tcookie; theme=dark\nAccept: text/plain',
    );
    const masked = [...out.text().matchAll(/::add-mask::(.*)/g)].map((match) => match[1]);
    expect(masked).toEqual(
      expect.arrayContaining(['Bearer tok_live_abcdef123456', 'tok_live_abcdef123456', 'key-98765', 's3cr3tcookie']),
    );
    expect(masked).not.toContain('text/plain');
  });

  it('scrubs a masked credential from a body it shows, as an echoing debug endpoint would print it', () => {
    captureStdout();
    parseHeaders('headers', 'X-Deploy-Token: dt_0123456789abcdef');
    const failures = evaluate(response(401, '{"x-deploy-token":"dt_0123456789abcdef"}'), ok);
    expect(failures).toEqual(['status 401 is not 2xx: "{\\"x-deploy-token\\":\\"***\\"}"']);
    expect(scrub('a dt_0123456789abcdef b')).toBe('a *** b');
  });

  it('redacts credentials in a URL for printing', () => {
    expect(redactUrl('https://probe:hunter2@api.example.com/health?api_key=k1&page=2')).toBe(
      'https://probe:***@api.example.com/health?api_key=***&page=2',
    );
    expect(redactUrl('https://api.example.com/health')).toBe('https://api.example.com/health');
  });

  it('names a malformed line by number, without echoing it (it may hold a token)', () => {
    captureStdout();
    const parse = () => parseHeaders('headers', 'Accept: */*\nBearer tok_live_abcdef123456');
    expect(parse).toThrow(/^Input 'headers' line 2 is not a header: a name/);
    expect(parse).not.toThrow(/tok_live/);
  });
});

describe('one probe against a local server', () => {
  it('passes a healthy JSON answer and gives its status and latency', async () => {
    const server = await serve(() => ({ body: { status: 'healthy', version: '2' } }));
    const result = await probe({ url: `${server.url}/health`, timeoutMs: 2000 }, version('2'));
    expect(result).toMatchObject({ passed: true, status: 200, failures: [] });
    expect(result.latencyMs).toBeGreaterThan(0);
  });

  it('sends the method, headers and body', async () => {
    const server = await serve(() => ({ status: 201 }));
    const result = await probe(
      {
        url: `${server.url}/echo`,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-probe': 'yes' },
        body: '{"ping":1}',
        timeoutMs: 2000,
      },
      ok,
    );
    expect(result.passed).toBe(true);
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/echo', body: '{"ping":1}' });
    expect(server.requests[0]?.headers).toMatchObject({ 'x-probe': 'yes', 'content-type': 'application/json' });
  });

  it('fails a 500 with the status and the start of the body', async () => {
    const server = await serve(() => ({ status: 500, body: 'database unreachable' }));
    const result = await probe({ url: server.url, timeoutMs: 2000 }, ok);
    expect(result).toMatchObject({ passed: false, status: 500 });
    expect(result.failures).toEqual(['status 500 is not 2xx: "database unreachable"']);
  });

  it('gives up on an answer whose body stops coming, at the per-request timeout', async () => {
    const server = await serve(() => 'hang-body');
    const result = await probe({ url: server.url, timeoutMs: 150 }, ok);
    expect(result).toMatchObject({
      passed: false,
      noAnswer: 'timeout',
      failures: ['no answer within 150 ms, the time one request may take'],
    });
  });

  it('gives up on a socket that never answers at the per-request timeout', async () => {
    const server = await serve(() => 'hang');
    const result = await probe({ url: server.url, timeoutMs: 150, overallMs: 60_000 }, ok);
    expect(result).toMatchObject({
      passed: false,
      failures: ['no answer within 150 ms, the time one request may take (overall timeout of 1 min 00 s)'],
    });
    expect(result.status).toBeUndefined();
  });

  it('says the connection was refused, or reset', async () => {
    const refused = await probe({ url: `http://127.0.0.1:${await freePort()}/`, timeoutMs: 2000 }, ok);
    expect(refused.failures).toEqual(['connection refused']);
    const server = await serve(() => 'reset');
    const reset = await probe({ url: server.url, timeoutMs: 2000 }, ok);
    expect(reset.failures).toEqual(['connection reset before an answer']);
  });
});

describe('redirects', () => {
  it('are followed by default; the answer is the last URL', async () => {
    const server = await serve((request) =>
      request.path === '/old' ? { status: 301, headers: { location: '/health' } } : { body: 'ok' },
    );
    const response = await send({ url: `${server.url}/old`, timeoutMs: 2000 });
    expect(response).toMatchObject({ status: 200, url: `${server.url}/health`, redirects: 1, body: 'ok' });
  });

  it('are checked as they are when following is off', async () => {
    const server = await serve(() => ({ status: 302, headers: { location: '/login' } }));
    const request = { url: server.url, timeoutMs: 2000, followRedirects: false };
    expect(await probe(request, ok)).toMatchObject({ passed: false, status: 302 });
    expect(await probe(request, { status: parseStatus('expect-status', '302') })).toMatchObject({ passed: true });
    expect(server.requests).toHaveLength(2);
  });

  it('keep the method and body on 307, turn a POST into a GET on 303', async () => {
    const server = await serve((request) =>
      request.path === '/a'
        ? { status: 307, headers: { location: '/b' } }
        : request.path === '/b'
          ? { status: 303, headers: { location: '/c' } }
          : { body: 'done' },
    );
    await send({ url: `${server.url}/a`, method: 'POST', body: 'x=1', timeoutMs: 2000 });
    expect(server.requests.map(({ method, path, body }) => `${method} ${path} ${body}`)).toEqual([
      'POST /a x=1',
      'POST /b x=1',
      'GET /c ',
    ]);
  });

  it('to another origin are refused, naming the origin and not the URL (it may carry a token)', async () => {
    const other = await serve(() => ({ body: 'elsewhere' }));
    const server = await serve(() => ({ status: 302, headers: { location: `${other.url}/cb?code=abc123xyz` } }));
    const refused = await probe({ url: server.url, timeoutMs: 2000, allowedRedirectHosts: [] }, ok);
    expect(refused).toMatchObject({ passed: false, noAnswer: 'redirect' });
    expect(refused.failures).toEqual([
      `redirected to another origin, ${other.url}, which is not followed: allow its host 127.0.0.1:${other.port} (allowed-redirect-hosts) to follow it`,
    ]);
    expect(other.requests).toHaveLength(0);
  });

  it('to an allowed host carry no credential, no user info and no custom header, only portable ones', async () => {
    const other = await serve(() => ({ body: 'elsewhere' }));
    const server = await serve(() => ({ status: 302, headers: { location: `${other.url}/landing` } }));
    const url = new URL(server.url);
    url.username = 'probe';
    url.password = 'pa55w0rd-url';
    const response = await send({
      url: url.href,
      headers: {
        authorization: 'Bearer tok_live_abcdef123456',
        accept: 'text/plain',
        'x-tenant': 't-42',
        cookie: 'a=b',
      },
      timeoutMs: 2000,
      allowedRedirectHosts: ['127.0.0.1'],
    });
    expect(response).toMatchObject({ status: 200, foreign: true });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok_live_abcdef123456');
    const sent = other.requests[0]?.headers ?? {};
    expect(Object.keys(sent).sort()).toEqual(['accept', 'connection', 'host', 'user-agent']);
    expect(sent.accept).toBe('text/plain');
  });

  it('back to the probed origin after a hop elsewhere carry no credentials again', async () => {
    const back = { url: '' };
    const other = await serve(() => ({ status: 302, headers: { location: back.url } }));
    const home = await serve((request) =>
      request.path === '/back' ? { body: 'home' } : { status: 302, headers: { location: `${other.url}/away` } },
    );
    back.url = `${home.url}/back`;
    const url = new URL(home.url);
    url.username = 'probe';
    url.password = 'pa55w0rd-url';
    const response = await send({
      url: url.href,
      headers: { 'x-api-key': 'key-0123456789' },
      timeoutMs: 2000,
      allowedRedirectHosts: ['127.0.0.1'],
    });
    expect(response).toMatchObject({ status: 200, body: 'home', redirects: 2, foreign: false });
    expect(home.requests[0]?.headers).toMatchObject({ 'x-api-key': 'key-0123456789' });
    expect(home.requests[0]?.headers.authorization).toBeDefined();
    expect(home.requests[1]?.headers['x-api-key']).toBeUndefined();
    expect(home.requests[1]?.headers.authorization).toBeUndefined();
  });

  it('never go from https to http, even to the same host', async () => {
    const plain = await serve(() => ({ body: 'clear text' }));
    const server = await serve(() => ({ status: 301, headers: { location: `${plain.url}/` } }), {
      tls: selfSignedCertificate(),
    });
    const request = { url: server.url, timeoutMs: 2000, ca: selfSignedCertificate().cert };
    const result = await probe({ ...request, allowedRedirectHosts: ['127.0.0.1'] }, ok);
    expect(result.failures).toEqual([
      `redirected from https to http (${plain.url}), which is never followed: it would leave TLS`,
    ]);
    expect(plain.requests).toHaveLength(0);
  });

  it('with a 307/308 to another origin never send the body there', async () => {
    const other = await serve(() => ({ status: 200 }));
    const server = await serve(() => ({ status: 308, headers: { location: `${other.url}/in` } }));
    const request = { url: server.url, method: 'POST', body: '{"secret":"b0dy-s3cret"}', timeoutMs: 2000 };
    const result = await probe({ ...request, allowedRedirectHosts: ['127.0.0.1'] }, ok);
    expect(result.failures).toEqual([
      `a 308 redirect to another origin, ${other.url}, would send the request body there; it is not followed`,
    ]);
    expect(other.requests).toHaveLength(0);
  });

  it('from http to https on the same host are followed, as an upgrade, without credentials', async () => {
    const secure = await serve(() => ({ body: 'ok' }), { tls: selfSignedCertificate() });
    const server = await serve(() => ({ status: 301, headers: { location: `https://127.0.0.1:${secure.port}/` } }));
    const response = await send({
      url: server.url,
      headers: { authorization: 'Bearer tok_live_abcdef123456' },
      timeoutMs: 2000,
      ca: selfSignedCertificate().cert,
    });
    expect(response).toMatchObject({ status: 200, redirects: 1, foreign: false });
    expect(secure.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('show nothing of an answer from another origin: neither its body nor its values', async () => {
    const other = await serve(() => ({ status: 500, body: 'internal token leak-0123456789' }));
    const server = await serve(() => ({ status: 302, headers: { location: `${other.url}/x?session=abc` } }));
    const result = await probe({ url: server.url, timeoutMs: 2000, allowedRedirectHosts: ['127.0.0.1'] }, ok);
    expect(result.url).toBe(other.url);
    expect(result.failures).toEqual(['status 500 is not 2xx: (the body of another origin is not shown)']);
    const json = await probe(
      { url: server.url, timeoutMs: 2000, allowedRedirectHosts: ['127.0.0.1'] },
      { status: parseStatus('s', '5xx'), json: parseJsonExpectations('expect-json', ['v=1']) },
    );
    expect(json.failures).toEqual(['body is not JSON: (the body of another origin is not shown)']);
  });

  it('that come back to a URL already visited are a loop', async () => {
    const server = await serve((request) => ({
      status: 302,
      headers: { location: request.path === '/a' ? '/b' : '/a' },
    }));
    await expect(send({ url: `${server.url}/a`, timeoutMs: 2000 })).rejects.toThrow(
      `redirect loop: ${server.url}/a was already visited`,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('stop after max-redirects', async () => {
    const server = await serve((_request, n) => ({ status: 302, headers: { location: `/again/${n}` } }));
    await expect(send({ url: server.url, timeoutMs: 2000, maxRedirects: 3 })).rejects.toThrow('more than 3 redirects');
    expect(server.requests).toHaveLength(4);
  });
});

describe('TLS with a self-signed certificate', () => {
  it('is refused without its CA and trusted with it', async () => {
    const certificate = selfSignedCertificate();
    const server = await serve(() => ({ body: { status: 'healthy', version: '2' } }), { tls: certificate });
    const without = await probe({ url: `${server.url}/health`, timeoutMs: 2000 }, ok);
    expect(without.passed).toBe(false);
    expect(without.failures[0]).toMatch(/^TLS certificate not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    const trusted = await probe({ url: `${server.url}/health`, timeoutMs: 2000, ca: certificate.cert }, version('2'));
    expect(trusted).toMatchObject({ passed: true, status: 200 });
  });
});

describe('probeUntil', () => {
  it('waits for a service that is slow to start: refused, then 503, then healthy', async () => {
    const port = await freePort();
    let server: HttpFake | undefined;
    const run = await probeUntil({ url: `http://127.0.0.1:${port}/health`, timeoutMs: 1000 }, version('2'), {
      ...fast,
      consecutiveSuccesses: 2,
      onAttempt: async (_result, attempt) => {
        // The container starts listening after the second refused attempt, and warms up for two more.
        if (attempt === 2) {
          server = await serve(
            sequence({ status: 503 }, { status: 503 }, { body: { status: 'healthy', version: '2' } }),
            { port },
          );
        }
      },
    });
    expect(server).toBeDefined();
    expect(run).toMatchObject({ passed: true, ended: 'passed' });
    expect(run.results.map((result) => result.status ?? 'refused')).toEqual(
      expect.arrayContaining(['refused', 503, 200]),
    );
    expect(run.results.slice(-2).every((result) => result.passed)).toBe(true);
  });

  it('does not let a flapping service pass on one lucky answer', async () => {
    const healthy = { body: { status: 'healthy', version: '2' } };
    const server = await serve((_request, n) => (n % 2 ? healthy : { status: 502, body: 'bad gateway' }));
    const request = { url: server.url, timeoutMs: 1000 };
    const strict = await probeUntil(request, version('2'), { ...fast, consecutiveSuccesses: 3, maxAttempts: 8 });
    expect(strict).toMatchObject({ passed: false, ended: 'max-attempts', attempts: 8 });
    const lucky = await probeUntil(request, version('2'), { ...fast, consecutiveSuccesses: 1 });
    expect(lucky).toMatchObject({ passed: true, attempts: 1 });
  });

  it('passes only once the new version answers, not the old one still behind the load balancer', async () => {
    const old = { body: { status: 'healthy', version: '1.4.1' } };
    const server = await serve(sequence(old, old, old, { body: { status: 'healthy', version: '1.4.2' } }));
    const seen: string[] = [];
    const run = await probeUntil({ url: server.url, timeoutMs: 1000 }, version('1.4.2'), {
      ...fast,
      consecutiveSuccesses: 2,
      onAttempt: (result) => seen.push(result.passed ? 'pass' : result.failures.join()),
    });
    expect(run).toMatchObject({ passed: true, attempts: 5 });
    expect(seen[0]).toBe('version: expected "1.4.2", got "1.4.1"');
    expect(seen.slice(3)).toEqual(['pass', 'pass']);
  });

  it('backs off while failing, and confirms a pass after the base interval, not the grown one', async () => {
    const healthy = { body: { status: 'healthy', version: '2' } };
    const server = await serve(sequence({ status: 503 }, { status: 503 }, { status: 503 }, healthy));
    const waits: number[] = [];
    const run = await probeUntil({ url: server.url, timeoutMs: 1000 }, version('2'), {
      intervalMs: 100,
      timeoutMs: 60_000,
      backoff: 2,
      maxIntervalMs: 300,
      consecutiveSuccesses: 3,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(run).toMatchObject({ passed: true, attempts: 6 });
    expect(waits).toEqual([100, 200, 300, 100, 100]);
  });

  it('ends at the overall timeout even when a socket hangs longer than that', async () => {
    const server = await serve(() => 'hang');
    const run = await probeUntil({ url: server.url, timeoutMs: 60_000 }, ok, { intervalMs: 10, timeoutMs: 200 });
    expect(run).toMatchObject({ passed: false, ended: 'timeout' });
    expect(run.results.at(-1)?.failures).toEqual([
      'no answer before the overall timeout of 200 ms ran out (each request may take 1 min 00 s)',
    ]);
  });

  it('keeps failing a service that answers 500 until its attempts are used up, with the reason each time', async () => {
    const server = await serve(() => ({ status: 500, body: 'boom' }));
    const run = await probeUntil({ url: server.url, timeoutMs: 1000 }, ok, { ...fast, maxAttempts: 4 });
    expect(run).toMatchObject({ passed: false, ended: 'max-attempts', attempts: 4 });
    expect(new Set(run.results.flatMap((result) => result.failures))).toEqual(
      new Set(['status 500 is not 2xx: "boom"']),
    );
  });

  it('with maxFailures counts only failed attempts: passes between them do not use any up', async () => {
    const healthy = { body: { status: 'healthy', version: '2' } };
    const server = await serve((_request, n) => (n % 2 ? healthy : { status: 502, body: 'bad gateway' }));
    const run = await probeUntil({ url: server.url, timeoutMs: 1000 }, version('2'), {
      ...fast,
      consecutiveSuccesses: 2,
      maxFailures: 3,
    });
    expect(run).toMatchObject({ passed: false, ended: 'max-attempts', attempts: 6 });
  });

  it('ends at once on an attempt `final` says must not be retried', async () => {
    const server = await serve(() => ({ status: 404, body: 'gone' }));
    const run = await probeUntil({ url: server.url, timeoutMs: 1000 }, ok, {
      ...fast,
      maxAttempts: 5,
      final: (result) => result.status === 404,
    });
    expect(run).toMatchObject({ passed: false, ended: 'not-retried', attempts: 1 });
  });
});
