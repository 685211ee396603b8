import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDurationInput } from '../../src/lib/inputs.js';
import { readInputs } from '../../src/smoke-test/inputs.js';
import { inputVariable } from '../helpers/runner.js';

// readInputs() prints ::add-mask:: commands; a test that reads them spies on stdout itself.
beforeEach(() => void vi.spyOn(process.stdout, 'write').mockImplementation(() => true));
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** readInputs() with exactly these INPUT_* variables set, as the runner sets them. */
function withInputs(inputs: Record<string, string>) {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(inputVariable(name), value);
  return readInputs();
}

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
    const inputs = withInputs({ url: 'https://api.example.com/health' });
    expect(inputs).toMatchObject({
      urls: ['https://api.example.com/health'],
      request: { method: 'GET', timeoutMs: 10_000, followRedirects: true, maxRedirects: 10, headers: {} },
      timeoutMs: 300_000,
      intervalMs: 5000,
      backoff: 1.5,
      maxIntervalMs: 30_000,
      consecutiveSuccesses: 3,
      maxAttempts: undefined,
      failOnError: true,
    });
    expect(inputs.expectations.status.text).toBe('2xx');
  });

  it('reads url-health-check style: URLs separated by |, retry-delay-like durations', () => {
    const inputs = withInputs({
      url: 'https://a.example.com|https://b.example.com/x',
      interval: '3s',
      'max-attempts': '3',
    });
    expect(inputs.urls).toEqual(['https://a.example.com/', 'https://b.example.com/x']);
    expect(inputs).toMatchObject({ intervalMs: 3000, maxAttempts: 3 });
  });

  it('rejects a URL that cannot be probed', () => {
    expect(() => withInputs({ url: 'api.example.com/health' })).toThrow(/is not a URL/);
    expect(() => withInputs({ url: 'ftp://example.com/' })).toThrow(/only http:\/\/ and https:\/\//);
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
    expect(withInputs({ url: 'https://x.example.com', 'ca-cert': 'ca.pem' }).request.ca).toContain('MIIB');
    expect(() => withInputs({ url: 'https://x.example.com', 'ca-cert': 'key.pem' })).toThrow(
      /holds no PEM certificate/,
    );
    expect(() => withInputs({ url: 'https://x.example.com', 'ca-cert': 'missing.pem' })).toThrow(
      /neither PEM text nor a file/,
    );
  });

  it('names the input that is wrong', () => {
    expect(() => withInputs({ url: 'https://x.example.com', 'consecutive-successes': '0' })).toThrow(
      /Input 'consecutive-successes' must be a whole number from 1 to 100/,
    );
    expect(() => withInputs({ url: 'https://x.example.com', 'expect-json': 'items[x]=1' })).toThrow(
      /Input 'expect-json' has a field path 'items\[x\]'/,
    );
    expect(() => withInputs({ url: 'https://x.example.com', method: 'GET /' })).toThrow(/Input 'method'/);
  });

  it('refuses max-attempts below consecutive-successes: a test that could never pass', () => {
    expect(() => withInputs({ url: 'https://x.example.com', 'max-attempts': '1' })).toThrow(
      "Input 'max-attempts' (1) is less than 'consecutive-successes' (3): the test could never pass.",
    );
    expect(
      withInputs({ url: 'https://x.example.com', 'max-attempts': '1', 'consecutive-successes': '1' }),
    ).toMatchObject({ maxAttempts: 1, consecutiveSuccesses: 1 });
  });
});
