import { describe, expect, it, vi } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDurationInput } from '../../src/lib/inputs.js';
import { readInputs } from '../../src/smoke-test/inputs.js';
import { quietInputs, withInputs } from '../helpers/inputs.js';

quietInputs();

const inputsOf = (inputs: Record<string, string>) => withInputs(inputs, readInputs);

describe('durations', () => {
  it.each([
    ['30', 30_000],
    ['0.5', 500],
    ['.25', 250],
    ['500ms', 500],
    ['5s', 5000],
    ['2m', 120_000],
    ['1 h', 3_600_000],
    ['1m30s', 90_000],
  ])('%s is %i ms', (raw, ms) =>
    expect(parseDurationInput('timeout', raw, { bare: 's', minMs: 1, maxMs: 1e8 })).toBe(ms),
  );

  it.each(['', 'soon', '-1', '5 min', '1e3'])('rejects %j, naming the input and the units', (raw) => {
    expect(() => parseDurationInput('timeout', raw, { bare: 's', minMs: 1, maxMs: 1e8 })).toThrow(
      /^Input 'timeout' must be a duration such as 500ms, 30s, 5m or 1m30s \(a bare number is seconds\)/,
    );
  });

  it('rejects a duration out of range, naming the input and the range', () => {
    expect(() => parseDurationInput('interval', '2h', { bare: 's', minMs: 1, maxMs: 3_600_000 })).toThrow(
      "Input 'interval' must be from 0.001 seconds to 3600 seconds, got '2h'.",
    );
  });
});

describe('smoke-test inputs', () => {
  it('has defaults for a cold start behind a rolling deployment', () => {
    const inputs = inputsOf({ url: 'https://api.example.com/health' });
    expect(inputs).toMatchObject({
      urls: ['https://api.example.com/health'],
      request: { method: 'GET', timeoutMs: 10_000, followRedirects: true, maxRedirects: 10, headers: {} },
      timeoutMs: 300_000,
      intervalMs: 5000,
      backoff: 1.5,
      maxIntervalMs: 30_000,
      consecutiveSuccesses: 1,
      maxAttempts: undefined,
      retryAll: true,
      failOnError: true,
    });
    expect(inputs.expectations.status.text).toBe('2xx');
  });

  it('reads url-health-check style: URLs separated by |, retry-delay-like durations', () => {
    const inputs = inputsOf({
      url: 'https://a.example.com|https://b.example.com/x',
      interval: '3s',
      'max-attempts': '3',
    });
    expect(inputs.urls).toEqual(['https://a.example.com/', 'https://b.example.com/x']);
    // max-attempts 3 is curl --retry 3 there: a first try and three more.
    expect(inputs).toMatchObject({ intervalMs: 3000, maxAttempts: 4 });
  });

  it('rejects a URL that cannot be probed', () => {
    expect(() => inputsOf({ url: 'api.example.com/health' })).toThrow(/is not a URL/);
    expect(() => inputsOf({ url: 'ftp://example.com/' })).toThrow(/only http:\/\/ and https:\/\//);
  });

  it('masks a password in the URL and query values named like credentials', () => {
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += chunk.toString();
      return true;
    });
    vi.stubEnv('INPUT_URL', 'https://probe:hunter2pass@api.example.com/health?api_key=k_0123456789&page=2');
    readInputs();
    expect(printed).toContain('::add-mask::hunter2pass');
    expect(printed).toContain('::add-mask::k_0123456789');
    expect(printed).not.toContain('::add-mask::2');
  });

  it('reads ca-cert from a file in the workspace, and says when it holds no certificate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ca-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n');
    vi.stubEnv('GITHUB_WORKSPACE', dir);
    expect(inputsOf({ url: 'https://x.example.com', 'ca-cert': 'ca.pem' }).request.ca).toContain('MIIB');
    expect(() => inputsOf({ url: 'https://x.example.com', 'ca-cert': 'key.pem' })).toThrow(/holds no PEM certificate/);
    expect(() => inputsOf({ url: 'https://x.example.com', 'ca-cert': 'missing.pem' })).toThrow(
      /neither PEM text nor a file/,
    );
  });

  it('refuses a ca-cert path outside the workspace and RUNNER_TEMP', () => {
    vi.stubEnv('GITHUB_WORKSPACE', mkdtempSync(join(tmpdir(), 'ws-')));
    vi.stubEnv('RUNNER_TEMP', mkdtempSync(join(tmpdir(), 'rt-')));
    for (const path of ['../outside.pem', '/etc/ssl/certs/ca-certificates.crt']) {
      expect(() => inputsOf({ url: 'https://x.example.com', 'ca-cert': path }), path).toThrow(
        /Input 'ca-cert' is .* outside the workspace/,
      );
    }
  });

  it('names the input that is wrong', () => {
    expect(() => inputsOf({ url: 'https://x.example.com', 'consecutive-successes': '0' })).toThrow(
      /Input 'consecutive-successes' must be a whole number from 1 to 100/,
    );
    expect(() => inputsOf({ url: 'https://x.example.com', 'expect-json': 'items[x]=1' })).toThrow(
      /Input 'expect-json' has a field path 'items\[x\]'/,
    );
    expect(() => inputsOf({ url: 'https://x.example.com', method: 'GET /' })).toThrow(/Input 'method'/);
  });

  it('takes max-attempts of 1 or 2 as url-health-check runs them: 1 try, or curl --retry 2 (3 tries)', () => {
    // url-health-check passes no --retry for 1, and --retry N (a first try and N more) for N above 1.
    for (const [attempts, tries] of [
      ['1', 1],
      ['2', 3],
    ] as const) {
      const inputs = inputsOf({ url: 'https://x.example.com', 'max-attempts': attempts, 'expect-json': 'ok' });
      expect(inputs).toMatchObject({ maxAttempts: tries, consecutiveSuccesses: 3 });
    }
    expect(() => inputsOf({ url: 'https://x.example.com', 'max-attempts': '0' })).toThrow(
      /Input 'max-attempts' must be a whole number from 1/,
    );
  });

  it('passes a status-only check on its first good answer, and a content check three times in a row', () => {
    expect(inputsOf({ url: 'https://x.example.com' }).consecutiveSuccesses).toBe(1);
    expect(inputsOf({ url: 'https://x.example.com', 'expect-body': 'ok' }).consecutiveSuccesses).toBe(3);
    expect(inputsOf({ url: 'https://x.example.com', 'expect-json': 'version=1' }).consecutiveSuccesses).toBe(3);
  });

  it('reads retry-delay as a fixed interval, and refuses it beside interval', () => {
    expect(inputsOf({ url: 'https://x.example.com', 'retry-delay': '1m' })).toMatchObject({
      intervalMs: 60_000,
      backoff: 1,
    });
    expect(inputsOf({ url: 'https://x.example.com', 'retry-delay': '2s', backoff: '2' })).toMatchObject({
      intervalMs: 2000,
      backoff: 2,
    });
    expect(() => inputsOf({ url: 'https://x.example.com', 'retry-delay': '5s', interval: '5s' })).toThrow(
      "Inputs 'interval' and 'retry-delay' both set the wait between attempts.",
    );
    expect(() => inputsOf({ url: 'https://x.example.com', 'retry-delay': 'soon' })).toThrow(
      /Input 'retry-delay' must be a duration/,
    );
  });

  it('turns cookie and basic-auth into the headers curl sends, masked, and refuses a second source', () => {
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += chunk.toString();
      return true;
    });
    const inputs = inputsOf({
      url: 'https://x.example.com',
      cookie: 'token=asdf1234',
      'basic-auth': 'login:pa55word!',
    });
    expect(inputs.request.headers).toMatchObject({
      cookie: 'token=asdf1234',
      authorization: `Basic ${Buffer.from('login:pa55word!').toString('base64')}`,
    });
    expect(printed).toContain('::add-mask::asdf1234');
    expect(printed).toContain('::add-mask::pa55word!');
    expect(printed).toContain(`::add-mask::${Buffer.from('login:pa55word!').toString('base64')}`);
    expect(() => inputsOf({ url: 'https://x.example.com', 'basic-auth': 'nopassword' })).toThrow(
      "Input 'basic-auth' must be login:password.",
    );
    expect(() => inputsOf({ url: 'https://x.example.com', cookie: 'justavalue' })).toThrow(
      /Input 'cookie' must be Name=Value/,
    );
    expect(() =>
      inputsOf({ url: 'https://x.example.com', 'basic-auth': 'a:b', headers: 'Authorization: Bearer x' }),
    ).toThrow(/both set the Authorization header/);
    expect(() => inputsOf({ url: 'https://x.example.com', cookie: 'a=b', headers: 'Cookie: c=d' })).toThrow(
      /both set the Cookie header/,
    );
  });

  it('passes 3xx by default when redirects are not followed, as url-health-check does', () => {
    const status = (inputs: Record<string, string>) => inputsOf({ url: 'https://x.example.com', ...inputs });
    expect(status({ 'follow-redirect': 'false' }).expectations.status.test(302)).toBe(true);
    expect(status({}).expectations.status.test(302)).toBe(false);
    expect(status({ 'follow-redirect': 'false', 'expect-status': '200' }).expectations.status.test(302)).toBe(false);
  });

  it('reads retry-all: true unless told false', () => {
    expect(inputsOf({ url: 'https://x.example.com' }).retryAll).toBe(true);
    expect(inputsOf({ url: 'https://x.example.com', 'retry-all': 'false' }).retryAll).toBe(false);
    expect(() => inputsOf({ url: 'https://x.example.com', 'retry-all': 'no' })).toThrow(
      "Input 'retry-all' must be true or false, got 'no'.",
    );
  });
});

describe('smoke-test inputs, as a careful client', () => {
  const base = { url: 'https://x.example.com' };

  /** The warnings readInputs printed (core.warning writes ::warning:: to stdout). */
  function warnings(inputs: Record<string, string>): string[] {
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += chunk.toString();
      return true;
    });
    inputsOf(inputs);
    return [...printed.matchAll(/^::warning::(.*)$/gm)].map((match) => match[1] ?? '');
  }

  it('warns about an input that has no effect with the others given, and only then', () => {
    expect(warnings({ ...base, 'max-attempts': '1', 'retry-delay': '5s' })).toEqual([
      "Input 'retry-delay' has no effect: max-attempts is 1: there is no second attempt to wait for.",
    ]);
    expect(warnings({ ...base, 'max-attempts': '1', 'retry-all': 'false' })).toEqual([
      "Input 'retry-all' has no effect: max-attempts is 1: nothing is retried.",
    ]);
    expect(warnings({ ...base, 'follow-redirect': 'false', 'max-redirects': '3' })).toEqual([
      "Input 'max-redirects' has no effect: follow-redirect is false.",
    ]);
    expect(warnings({ ...base, 'follow-redirect': 'false', 'allowed-redirect-hosts': 'a.example.com' })).toEqual([
      "Input 'allowed-redirect-hosts' has no effect: follow-redirect is false.",
    ]);
    expect(warnings({ ...base, 'expect-status': '200,302' })[0]).toMatch(
      /^Input 'expect-status' passes redirects \(200,302\), but they are followed/,
    );
    // Defaults as the runner passes them, and inputs that do have an effect: no warning.
    expect(
      warnings({ ...base, 'max-attempts': '3', 'retry-delay': '5s', 'retry-all': 'true', 'max-redirects': '10' }),
    ).toEqual([]);
  });

  it('masks every header value given, whatever its name, but those of public headers and trivial values', () => {
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += chunk.toString();
      return true;
    });
    inputsOf({
      ...base,
      headers: 'X-Tenant: tenant-7f3a9c\nX-Signature: sig=abc/def+1\nAccept: application/json\nX-Debug: true',
    });
    const masked = [...printed.matchAll(/^::add-mask::(.*)$/gm)].map((match) => match[1]);
    expect(masked).toEqual(expect.arrayContaining(['tenant-7f3a9c', 'sig=abc/def+1']));
    expect(masked).not.toContain('application/json');
    expect(masked).not.toContain('true');
  });

  it('reads allowed-redirect-hosts as host names, with a port or a *. wildcard, and refuses URLs', () => {
    expect(
      inputsOf({ ...base, 'allowed-redirect-hosts': 'Login.Example.com\ncdn.example.com:8443, *.example.net' }).request
        .allowedRedirectHosts,
    ).toEqual(['login.example.com', 'cdn.example.com:8443', '*.example.net']);
    expect(inputsOf(base).request.allowedRedirectHosts).toEqual([]);
    for (const bad of ['https://login.example.com', 'login.example.com/path', '-bad.example.com', 'a b']) {
      expect(() => inputsOf({ ...base, 'allowed-redirect-hosts': bad }), bad).toThrow(
        /^Input 'allowed-redirect-hosts' has '.*', which is not a host name\./,
      );
    }
  });

  it('refuses URLs a careful client does not send, naming the input and hiding credentials', () => {
    const refused = (url: string) => () => inputsOf({ url });
    expect(refused('https://api.example.com/a b')).toThrow("Input 'url' has a URL with whitespace in it");
    expect(refused('http:api.example.com')).toThrow(
      /Input 'url' has 'http:\/\/api\.example\.com\/', which names no host/,
    );
    expect(refused('https://u:hunter22@api.example.com/a b')).toThrow(
      "Input 'url' has a URL with whitespace in it: 'https://***@api.example.com/a%20b'.",
    );
    expect(refused('gopher://u:hunter22@x/')).toThrow(/'gopher:\/\/u:\*\*\*@x\/': only http/);
  });
});
