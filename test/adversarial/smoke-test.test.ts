import { afterEach, describe, expect } from 'vitest';
import { run } from '../../src/smoke-test/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { freePort, httpFakes, selfSignedCertificate, sequence, type HttpFake } from '../fakes/http/server.js';
import { badInput, fault, leak } from './kinds.js';

/**
 * smoke-test as an adversary would try it: inputs that must be refused before a single request, secrets that
 * must not leave the runner by any door (outputs, summary, log) in any printed form, and a service that hangs,
 * resets, fails then recovers, or redirects in a loop. Every request is counted on a local HTTP service.
 */

const fakes = httpFakes();
afterEach(() => fakes.closeAll());
const serve = fakes.serve;

type Step = Awaited<ReturnType<typeof runInProcess>>;

const quick = { interval: '5ms', timeout: '5s', 'request-timeout': '1s' };

/**
 * A misconfigured debug endpoint: it answers 401 with what it was sent that says who sent it (the body, each
 * header but the client's own, the path), first, so it falls within the start of a body a failure shows.
 */
const CLIENT_HEADERS = new Set(['host', 'connection', 'user-agent', 'content-length', 'content-type', 'accept']);
const echo = () =>
  serve((request) => ({
    status: 401,
    body: JSON.stringify([
      request.body,
      ...Object.entries(request.headers)
        .filter(([name]) => !CLIENT_HEADERS.has(name))
        .map(([, value]) => value),
      request.path,
    ]),
  }));

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The forms a secret can be printed in: as is, JSON-escaped, URL-encoded, base64. */
const forms = (secret: string) => [
  ...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), base64(secret)]),
];

/** What left the runner: outputs, the job summary, and the log but for the ::add-mask:: commands themselves. */
function printed(step: Step): string {
  return [JSON.stringify(step.outputs), step.summary, step.log.replace(/^::add-mask::.*$/gm, '')].join('\n');
}

function expectNoLeak(step: Step, secrets: string[]): void {
  const text = printed(step);
  for (const secret of secrets) for (const form of forms(secret)) expect(text.includes(form), form).toBe(false);
}

describe('smoke-test refuses a bad input before any request, naming the input', () => {
  let server: HttpFake;
  const refused = async (inputs: Record<string, string>, input: string, then?: (step: Step) => void) => {
    server = await serve(() => ({ status: 200, body: 'ok' }));
    const step = await runInProcess(run, { url: `${server.url}/health`, ...quick, ...inputs });
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toEqual({ 'failure-reason': 'invalid-input' });
    expect(step.log).toMatch(new RegExp(`::error::Inputs? '[^']*'`));
    expect(step.log).toContain(`'${input}'`);
    expect(server.requests).toHaveLength(0);
    then?.(step);
  };
  const withUrl = async (bad: string) => {
    server = await serve(() => ({ status: 200 }));
    const step = await runInProcess(run, { url: `${server.url}/health\n${bad}`, ...quick });
    expect(step.exitCode).toBe(1);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain("::error::Input 'url'");
    expect(server.requests).toHaveLength(0);
  };

  badInput('url: an ftp:// URL', () => withUrl('ftp://files.example.com/health'));
  badInput('url: a javascript: URL', () => withUrl('javascript:alert(1)'));
  badInput('url: whitespace inside', () => withUrl('https://api.example.com/he alth'));
  badInput('url: no // before the host', () => withUrl('http:api.example.com/health'));
  badInput('url: no host', () => withUrl('http:///health'));
  badInput('url: not a URL at all', () => withUrl('api.example.com/health'));
  badInput('url: empty (required)', async () => {
    server = await serve(() => ({ status: 200 }));
    const step = await runInProcess(run, { url: ' \n \n', ...quick });
    expect(step.log).toContain("::error::Input 'url' is required");
    expect(server.requests).toHaveLength(0);
  });
  badInput('headers: a name that is not an RFC 9110 token', () => refused({ headers: 'X Bad: 1' }, 'headers'));
  badInput('headers: a control character in a value', () => refused({ headers: 'X-Trace: a\u0007b' }, 'headers'));
  badInput('headers: a character beyond Latin-1 in a value', () =>
    refused({ headers: 'X-Team: \u{1F680}-launch' }, 'headers'),
  );
  badInput('cookie: a space inside a value', () => refused({ cookie: 'session=two words' }, 'cookie'));
  badInput('headers: Content-Length, which the client sets', () =>
    refused({ headers: 'Content-Length: 5' }, 'headers'),
  );
  badInput('headers: the same header twice', () => refused({ headers: 'X-Env: a\nx-env: b' }, 'headers'));
  badInput('method: not a token', () => refused({ method: 'GET /' }, 'method'));
  badInput('method: TRACE, which echoes the credentials', () => refused({ method: 'TRACE' }, 'method'));
  badInput('method: HEAD with a body check', () => refused({ method: 'HEAD', 'expect-body': 'ok' }, 'expect-body'));
  badInput('expect-status: 2xxx', () => refused({ 'expect-status': '2xxx' }, 'expect-status'));
  badInput('expect-status: 600', () => refused({ 'expect-status': '200,600' }, 'expect-status'));
  badInput('expect-json: an empty value from an unset expression', () =>
    refused({ 'expect-json': 'version=' }, 'expect-json'),
  );
  badInput('max-attempts: 0', () => refused({ 'max-attempts': '0' }, 'max-attempts'));
  badInput('max-attempts: not a number', () => refused({ 'max-attempts': 'three' }, 'max-attempts'));
  badInput('timeout: 5 minutes', () => refused({ timeout: '5 minutes' }, 'timeout'));
  badInput('request-timeout: 0', () => refused({ 'request-timeout': '0' }, 'request-timeout'));
  badInput('max-redirects: 51', () => refused({ 'max-redirects': '51' }, 'max-redirects'));
  badInput('follow-redirect: yes', () => refused({ 'follow-redirect': 'yes' }, 'follow-redirect'));
  badInput('retry-all: maybe', () => refused({ 'retry-all': 'maybe' }, 'retry-all'));
  badInput('retry-delay beside interval', () => refused({ 'retry-delay': '1s', interval: '1s' }, 'retry-delay'));
  badInput('ca-cert: a path outside the workspace', () => refused({ 'ca-cert': '../../etc/ssl/ca.pem' }, 'ca-cert'));
  badInput('cookie: a value without a name', () => refused({ cookie: 'justavalue' }, 'cookie'));
  badInput('cookie: a line break that would start a workflow command', () =>
    refused({ cookie: 'a=b\n::warning::injected' }, 'cookie', (step) =>
      expect(step.log).not.toMatch(/^::warning::injected/m),
    ),
  );
  badInput('basic-auth: no password separator', () => refused({ 'basic-auth': 'deploy' }, 'basic-auth'));
  badInput('basic-auth beside an Authorization header', () =>
    refused({ 'basic-auth': 'a:b', headers: 'Authorization: Bearer xyz123456' }, 'basic-auth'),
  );
  badInput('allowed-redirect-hosts: a URL instead of a host', () =>
    refused({ 'allowed-redirect-hosts': 'https://login.example.com/' }, 'allowed-redirect-hosts'),
  );
  badInput('mask-body: not a boolean', () => refused({ body: '{}', 'mask-body': 'secret' }, 'mask-body'));
});

describe('smoke-test keeps every secret it is given inside the runner', () => {
  const PASSWORD = 'Url-Pa55w0rd!x';
  const TOKEN = 'tok_live_9f8e7d6c5b4a';

  leak('the password in the URL, which the client sends as Basic auth and the server echoes', async () => {
    const server = await echo();
    const url = new URL(`${server.url}/health`);
    url.username = 'probe';
    url.password = PASSWORD;
    const step = await runInProcess(run, { url: url.href, 'max-attempts': '1', ...quick, 'fail-on-error': 'false' });
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${base64(`probe:${PASSWORD}`)}`);
    expect(step.outputs.passed).toBe('false');
    expect(JSON.parse(step.outputs.report ?? '')[0].url).toBe(`http://probe:***@127.0.0.1:${server.port}/health`);
    expectNoLeak(step, [PASSWORD, `probe:${PASSWORD}`]);
  });

  leak('a token given as the user name of the URL', async () => {
    const server = await echo();
    const step = await runInProcess(run, {
      url: `http://${TOKEN}@127.0.0.1:${server.port}/`,
      'max-attempts': '1',
      ...quick,
      'fail-on-error': 'false',
    });
    expect(step.summary).toContain(`http://***@127.0.0.1:${server.port}/`);
    expectNoLeak(step, [TOKEN, `${TOKEN}:`]);
  });

  leak('a credential in the query string, echoed back in the body', async () => {
    const server = await echo();
    const step = await runInProcess(run, {
      url: `${server.url}/health?api_key=${TOKEN}&page=2`,
      'max-attempts': '1',
      ...quick,
      'fail-on-error': 'false',
    });
    expect(server.requests[0]?.path).toContain(TOKEN);
    expectNoLeak(step, [TOKEN]);
  });

  leak('basic-auth: the password and the base64 pair the server echoes', async () => {
    const server = await echo();
    const step = await runInProcess(run, {
      url: server.url,
      'basic-auth': `deploy:${PASSWORD}`,
      'max-attempts': '1',
      ...quick,
      'fail-on-error': 'false',
    });
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${base64(`deploy:${PASSWORD}`)}`);
    expectNoLeak(step, [PASSWORD, `deploy:${PASSWORD}`]);
  });

  leak('cookie: each value, echoed back', async () => {
    const server = await echo();
    const step = await runInProcess(run, {
      url: server.url,
      cookie: `session=${TOKEN}; csrf=c5rf-0a1b2c3d`,
      'max-attempts': '1',
      ...quick,
      'fail-on-error': 'false',
    });
    expectNoLeak(step, [TOKEN, 'c5rf-0a1b2c3d']);
  });

  leak('a header value whose name says nothing of a secret (values, not names)', async () => {
    const server = await echo();
    const step = await runInProcess(run, {
      url: server.url,
      headers: `X-Tenant: tenant-7f3a9c1e55\nAccept: application/json`,
      'max-attempts': '1',
      ...quick,
      'fail-on-error': 'false',
    });
    expect(server.requests[0]?.headers['x-tenant']).toBe('tenant-7f3a9c1e55');
    expectNoLeak(step, ['tenant-7f3a9c1e55']);
    expect(step.log).not.toContain('::add-mask::application/json');
  });

  leak('a Bearer token, in a JSON field the checks compare', async () => {
    const server = await serve((request) => ({ body: { version: request.headers.authorization } }));
    const step = await runInProcess(run, {
      url: server.url,
      headers: `Authorization: Bearer ${TOKEN}`,
      'expect-json': 'version=2.0.0',
      'max-attempts': '1',
      ...quick,
      'fail-on-error': 'false',
    });
    expect(step.log).toContain('version: expected "2.0.0", got "***"');
    expectNoLeak(step, [TOKEN, `Bearer ${TOKEN}`]);
  });

  leak('a request body marked secret (mask-body), echoed back', async () => {
    const server = await echo();
    const body = `{"password":"b0dy-only-s3cret"}`;
    const step = await runInProcess(run, {
      url: server.url,
      method: 'POST',
      body,
      'mask-body': 'true',
      'max-attempts': '1',
      ...quick,
      'fail-on-error': 'false',
    });
    expect(server.requests[0]?.body).toBe(body);
    expectNoLeak(step, [body, 'b0dy-only-s3cret']);
  });

  leak('through a redirect: a token the server puts in a Location to another origin', async () => {
    const other = await serve(() => ({ status: 200 }));
    const server = await serve((request) => ({
      status: 302,
      headers: { location: `${other.url}/callback?code=${String(request.headers['x-deploy-key'])}` },
    }));
    const step = await runInProcess(run, {
      url: server.url,
      headers: `X-Deploy-Key: ${TOKEN}`,
      ...quick,
      'fail-on-error': 'false',
    });
    expect(step.log).toContain(`redirected to another origin, ${other.url}, which is not followed`);
    expect(other.requests).toHaveLength(0);
    expectNoLeak(step, [TOKEN]);
  });

  leak('through an allowed redirect: the foreign answer is not shown, and no credential reaches it', async () => {
    const other = await serve((request) => ({ status: 500, body: `debug dump ${JSON.stringify(request.headers)}` }));
    const server = await serve(() => ({ status: 307, headers: { location: `${other.url}/landing?sig=${TOKEN}` } }));
    const step = await runInProcess(run, {
      url: server.url,
      cookie: `session=${TOKEN}`,
      'allowed-redirect-hosts': '127.0.0.1',
      'max-attempts': '1',
      ...quick,
      'fail-on-error': 'false',
    });
    expect(other.requests[0]?.headers.cookie).toBeUndefined();
    expect(step.log).toContain(
      `(answered by ${other.url}), failed: status 500 is not 2xx: (the body of another origin`,
    );
    expect(printed(step)).not.toContain('debug dump');
    expectNoLeak(step, [TOKEN]);
  });

  leak('in a network error: refused connection to a URL with credentials', async () => {
    const port = await freePort();
    const step = await runInProcess(run, {
      url: `http://probe:${PASSWORD}@127.0.0.1:${port}/health?token=${TOKEN}`,
      'max-attempts': '1',
      ...quick,
      'fail-on-error': 'false',
    });
    expect(step.log).toContain('no answer, failed: connection refused');
    expectNoLeak(step, [PASSWORD, TOKEN]);
  });

  leak('in a TLS error: an untrusted certificate behind a URL with credentials', async () => {
    const server = await serve(() => ({ status: 200 }), { tls: selfSignedCertificate() });
    const step = await runInProcess(run, {
      url: `https://probe:${PASSWORD}@127.0.0.1:${server.port}/`,
      'max-attempts': '1',
      ...quick,
      'fail-on-error': 'false',
    });
    expect(step.log).toContain('TLS certificate not trusted');
    expectNoLeak(step, [PASSWORD]);
  });

  leak('in an input error: a URL with a password and a typo', async () => {
    const step = await runInProcess(run, { url: `https://probe:${PASSWORD}@api.example.com/he alth` });
    expect(step.exitCode).toBe(1);
    expect(step.log).toContain("::error::Input 'url' has a URL with whitespace in it");
    expectNoLeak(step, [PASSWORD]);
  });
});

describe('smoke-test against a faulty service ends in an exact, reported state', () => {
  fault('a hang: each attempt cut at request-timeout, the run at timeout, both named', async () => {
    const server = await serve(() => 'hang');
    const step = await runInProcess(run, {
      url: server.url,
      'request-timeout': '100ms',
      timeout: '350ms',
      interval: '10ms',
    });
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ passed: 'false', 'failure-reason': 'unhealthy' });
    const [report] = JSON.parse(step.outputs.report ?? '');
    expect(report).toMatchObject({ passed: false, ended: 'timeout', status: null });
    expect(step.log).toContain(
      'failed: no answer within 100 ms, the time one request may take (overall timeout of 350 ms)',
    );
    expect(step.log).toMatch(
      /::error::The smoke test failed: \S+ timed out \(timeout 350 ms, request-timeout 100 ms\)/,
    );
    expect(server.requests.length).toBe(Number(step.outputs.attempts));
  });

  fault('a hang longer than what is left: cut at the overall deadline, not request-timeout', async () => {
    const server = await serve(() => 'hang-body');
    const step = await runInProcess(run, { url: server.url, 'request-timeout': '1m', timeout: '200ms' });
    expect(step.exitCode).toBe(1);
    expect(JSON.parse(step.outputs.report ?? '')[0]).toMatchObject({
      ended: 'timeout',
      attempts: 1,
      failures: ['no answer before the overall timeout of 200 ms ran out (each request may take 1 min 00 s)'],
    });
  });

  fault('a reset, then an answer: retried by default, passed on the second attempt', async () => {
    const server = await serve(sequence('reset', { status: 200, body: 'ok' }));
    const step = await runInProcess(run, { url: server.url, ...quick });
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ passed: 'true', attempts: '2' });
    expect(step.log).toMatch(/#1: no answer, failed: connection reset before an answer/);
  });

  fault('a reset with retry-all false: not retried, as curl --retry does not retry it', async () => {
    const server = await serve(sequence('reset', { status: 200 }));
    const step = await runInProcess(run, { url: server.url, 'retry-all': 'false', 'max-attempts': '3', ...quick });
    expect(step.exitCode).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(JSON.parse(step.outputs.report ?? '')[0]).toMatchObject({ ended: 'not-retried', attempts: 1, status: null });
  });

  fault('5xx, then success: passed after the failures, each one logged', async () => {
    const server = await serve(sequence({ status: 503, body: 'starting' }, { status: 502 }, { status: 200 }));
    const step = await runInProcess(run, { url: server.url, 'retry-all': 'false', 'max-attempts': '2', ...quick });
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ passed: 'true', attempts: '3' });
    expect(JSON.parse(step.outputs.report ?? '')[0]).toMatchObject({ ended: 'passed', status: 200 });
    expect(step.log).toContain('#1: 503 in');
    expect(step.log).toContain('#2: 502 in');
  });

  fault('a redirect loop: named as such, and the attempt ends there', async () => {
    const server = await serve((request) => ({
      status: 302,
      headers: { location: request.path === '/a' ? '/b' : '/a' },
    }));
    const step = await runInProcess(run, { url: `${server.url}/a`, 'max-attempts': '1', ...quick });
    expect(step.exitCode).toBe(1);
    expect(server.requests).toHaveLength(2);
    expect(JSON.parse(step.outputs.report ?? '')[0]).toMatchObject({
      ended: 'max-attempts',
      failures: [`redirect loop: ${server.url}/a was already visited`],
    });
  });
});
