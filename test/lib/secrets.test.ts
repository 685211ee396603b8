import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  isSensitiveName,
  mask,
  maskCredential,
  maskUrl,
  printedForms,
  redactUrl,
  scrub,
} from '../../src/lib/secrets.js';

afterEach(() => vi.restoreAllMocks());

/** What core.setSecret registered: it writes ::add-mask:: commands (escaped as the toolkit escapes them) to stdout. */
function registrations(): string[] {
  const registered: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const match of String(chunk).matchAll(/::add-mask::(.*)/g)) {
      registered.push((match[1] ?? '').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
    }
    return true;
  });
  return registered;
}

describe('secrets', () => {
  it('names credentials by header, setting and variable name, not ordinary ones', () => {
    for (const name of ['Authorization', 'Cookie', 'X-Api-Key', 'DB_PASSWORD', 'client_secret', 'GITHUB_TOKEN'])
      expect(isSensitiveName(name), name).toBe(true);
    for (const name of ['Accept', 'NODE_ENV', 'PORT', 'WEBSITES_PORT']) expect(isSensitiveName(name), name).toBe(false);
  });

  it('registers a value with the runner in each form it can be printed in, and each line of a multi-line one', () => {
    const registered = registrations();
    mask('p"a\\ss é&<x>\nsecond-line');
    expect(registered).toContain('p"a\\ss é&<x>\nsecond-line');
    expect(registered).toContain('second-line');
    expect(registered).toContain('p\\"a\\\\ss é&<x>'); // JSON / HCL
    expect(registered).toContain('p\\"a\\\\ss \\u00e9&<x>'); // Terraform's \uXXXX
    expect(registered).toContain('p&quot;a\\ss é&amp;&lt;x&gt;'); // HTML
    expect(registered).toContain(encodeURIComponent('p"a\\ss é&<x>')); // URL
  });

  it('ignores an empty value rather than masking every blank', () => {
    const registered = registrations();
    mask('');
    mask('   ');
    mask(undefined);
    expect(registered).toEqual([]);
  });

  it('scrubs every masked value, in every printed form, from text that leaves the runner', () => {
    registrations();
    const secret = 'hunter"2\\ü';
    mask(secret);
    for (const form of printedForms(secret)) expect(scrub(`before ${form} after`)).toBe('before *** after');
    expect(scrub(JSON.stringify({ password: secret }))).toBe('{"password":"***"}');
  });

  it('masks the token of a credential header and the password inside Basic', () => {
    registrations();
    maskCredential('Bearer tok_0123456789');
    maskCredential(`Basic ${Buffer.from('probe:s3cr3t-pw').toString('base64')}`);
    expect(scrub('got tok_0123456789 and s3cr3t-pw')).toBe('got *** and ***');
  });

  it('masks URL userinfo passwords (raw and decoded) and credential-like query values', () => {
    registrations();
    maskUrl('https://user:p%40ss-w0rd@example.com/health?api_key=k-123456&page=2');
    expect(scrub('p@ss-w0rd p%40ss-w0rd k-123456')).toBe('*** *** ***');
    expect(redactUrl('https://user:p%40ss@example.com/?token=abc&page=2')).toBe(
      'https://user:***@example.com/?token=***&page=2',
    );
    expect(redactUrl('not a url')).toBe('not a url');
  });
});

describe('credentials in URLs', () => {
  it('masks a token standing alone as the user name, and the Basic header a client builds, but not a short user name', async () => {
    const { maskUrl, redactUrl, scrub } = await import('../../src/lib/secrets.js');
    maskUrl('https://ghp_0123456789abcdefghij@github.com/org/repo.git');
    expect(scrub('cloning https://ghp_0123456789abcdefghij@github.com/org/repo.git')).not.toContain(
      'ghp_0123456789abcdefghij',
    );
    expect(redactUrl('https://ghp_0123456789abcdefghij@github.com/x')).toBe('https://***@github.com/x');
    const basic = Buffer.from('ghp_0123456789abcdefghij:').toString('base64');
    expect(scrub(`Authorization: Basic ${basic}`)).not.toContain(basic);
    maskUrl('https://git@example.com/repo.git');
    expect(scrub('git@example.com')).toBe('git@example.com');
    expect(redactUrl('https://deploy:s3cret-pass@example.com/')).toBe('https://deploy:***@example.com/');
  });
});
