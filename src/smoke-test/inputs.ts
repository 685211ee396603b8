import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../lib/errors.js';
import { bool, duration, list, number, optional, text, parseNumber, workspacePath } from '../lib/inputs.js';
import { mask, maskCredential, maskUrl } from '../lib/secrets.js';
import {
  parseHeaders,
  parseJsonExpectations,
  parseStatus,
  parseText,
  shownUrl,
  trivialValue,
  type Expectations,
} from '../lib/probe-checks.js';
import type { ProbeRequest } from '../lib/probe-http.js';
import * as core from '@actions/core';

export interface SmokeTestInputs {
  urls: string[];
  /** Everything of a request but its URL. */
  request: Omit<ProbeRequest, 'url'>;
  expectations: Expectations;
  timeoutMs: number;
  intervalMs: number;
  backoff: number;
  maxIntervalMs: number;
  consecutiveSuccesses: number;
  /**
   * Failed attempts per URL after which it gives up; passes do not count. From `max-attempts` as
   * url-health-check runs it: 1 for 1, N + 1 for N above 1 (curl --retry N).
   */
  maxAttempts?: number;
  /** False: only what curl --retry calls transient (no answer, 408, 429, 500, 502, 503, 504) is retried. */
  retryAll: boolean;
  failOnError: boolean;
}

/** The statuses curl --retry treats as transient (curl(1), --retry), retried even when retry-all is false. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A URL as the user wrote it, for an error message: whatever stands before an @ is hidden. */
const unparsed = (raw: string) => shownUrl(raw).replace(/\/\/[^/?#@]*@/, '//***@');

/**
 * One URL to probe: http or https, written whole (`https://host/path`), no whitespace. Its credentials (the
 * password, a user name standing alone, credential-like query values) are masked before anything prints it.
 */
function readUrl(raw: string): string {
  // Masked before the URL is even parsed: a URL refused below still held a password.
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@]*)@/i.exec(raw)?.[1] ?? '';
  const password = userinfo.slice(userinfo.indexOf(':') + 1);
  if (!trivialValue(password)) mask(password);
  if (/\s/.test(raw)) {
    throw new InputError(`Input 'url' has a URL with whitespace in it: '${unparsed(raw)}'.`, 'Write spaces as %20.');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(
      `Input 'url' has '${unparsed(raw)}', which is not a URL.`,
      'Write a full URL: https://host/path.',
    );
  }
  maskUrl(url);
  // A user name without a password is a token (https://<token>@host), as Git hosts take one.
  if (url.username && !url.password && !trivialValue(url.username)) mask(safeDecode(url.username));
  if (url.username || url.password) {
    // The client sends user info as Authorization: Basic base64(user:password); a server may echo it.
    for (const pair of new Set([
      `${url.username}:${url.password}`,
      `${safeDecode(url.username)}:${safeDecode(url.password)}`,
    ])) {
      maskCredential(`Basic ${Buffer.from(pair, 'utf8').toString('base64')}`);
    }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`Input 'url' has '${shownUrl(raw)}': only http:// and https:// URLs can be probed.`);
  }
  if (!/^https?:\/\/[^/?#]+/i.test(raw) || url.hostname === '') {
    throw new InputError(
      `Input 'url' has '${shownUrl(raw)}', which names no host.`,
      'Write a full URL: https://host/path.',
    );
  }
  return url.href;
}

function readUrls(): string[] {
  // url-health-check separates URLs with |; a | inside a URL is written %7C.
  const urls = list('url', { commas: false })
    .flatMap((line) => line.split('|').map((url) => url.trim()))
    .filter(Boolean);
  if (urls.length === 0) throw new InputError("Input 'url' is required: the URL(s) to probe, one per line.");
  return urls.map(readUrl);
}

/**
 * `allowed-redirect-hosts`: hosts a redirect may lead to besides the probed URL's origin, one per line or
 * separated by commas: `login.example.com`, `cdn.example.com:8443`, `*.example.com`.
 */
function readAllowedHosts(): string[] {
  return list('allowed-redirect-hosts').map((host) => {
    const name = host.replace(/^\*\./, '').replace(/:\d{1,5}$/, '');
    const label = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
    const ipv6 = /^\[[0-9A-Fa-f:.]+\]$/.test(name);
    if (!ipv6 && (name.length > 253 || !name.split('.').every((part) => label.test(part)))) {
      throw new InputError(
        `Input 'allowed-redirect-hosts' has '${unparsed(host)}', which is not a host name.`,
        'Write host names only (login.example.com, cdn.example.com:8443, *.example.com), not URLs.',
      );
    }
    return host.toLowerCase();
  });
}

/** PEM text, or the path of a PEM file (relative to the workspace). */
function readCa(): string | undefined {
  const raw = text('ca-cert');
  if (raw === undefined) return undefined;
  let pem = raw;
  if (!raw.includes('-----BEGIN')) {
    const path = workspacePath('ca-cert', raw);
    if (!existsSync(path)) {
      throw new InputError(
        `Input 'ca-cert' is neither PEM text nor a file: ${path} does not exist.`,
        'Give the certificate itself (-----BEGIN CERTIFICATE-----...) or the path of a .pem file.',
      );
    }
    pem = readFileSync(path, 'utf8');
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError("Input 'ca-cert' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
  }
  return pem;
}

/**
 * url-health-check's `cookie` (Name=Value) and `basic-auth` (login:password) as the headers curl sends for
 * them, masked before anything can print them. Each refuses a second source of the same header.
 */
function credentialHeaders(headers: Record<string, string>): Record<string, string> {
  const extra: Record<string, string> = {};
  const cookie = optional('cookie');
  if (cookie !== undefined) {
    maskCredential(cookie);
    const pairs = cookie.split(';').map((pair) => pair.trim());
    for (const pair of pairs)
      if (!trivialValue(pair.slice(pair.indexOf('=') + 1))) mask(pair.slice(pair.indexOf('=') + 1));
    // RFC 6265 4.1.1, 4.2.1: cookie-pair = cookie-name "=" cookie-value, the name a token, the value visible
    // ASCII but for " and ; (commas and backslashes are let through, as servers take them), pairs joined by "; ".
    if (!pairs.every((pair) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+=("?)[\x21\x23-\x3a\x3c-\x7e]*\1$/.test(pair))) {
      throw new InputError("Input 'cookie' must be Name=Value (several: a=1; b=2).", 'Write e.g. cookie: session=...');
    }
    if (headers.cookie !== undefined) {
      throw new InputError("Inputs 'cookie' and a Cookie line in 'headers' both set the Cookie header.", 'Keep one.');
    }
    extra.cookie = cookie;
  }
  const basicAuth = optional('basic-auth');
  if (basicAuth !== undefined) {
    const password = basicAuth.slice(basicAuth.indexOf(':') + 1);
    mask(basicAuth);
    // A password of a few characters masked alone would hide every such letter in the log; the pair is masked.
    if (!trivialValue(password)) mask(password);
    if (!basicAuth.includes(':') || basicAuth.startsWith(':')) {
      throw new InputError(
        "Input 'basic-auth' must be login:password.",
        'Write e.g. basic-auth: deploy:${{ secrets.PASSWORD }}',
      );
    }
    if (headers.authorization !== undefined) {
      throw new InputError(
        "Inputs 'basic-auth' and an Authorization line in 'headers' both set the Authorization header.",
        'Keep one.',
      );
    }
    extra.authorization = `Basic ${Buffer.from(basicAuth, 'utf8').toString('base64')}`;
    maskCredential(extra.authorization);
  }
  return extra;
}

/**
 * `max-attempts` as url-health-check runs it: 1 is a single try; N above 1 becomes curl's `--retry N`, a first
 * try and up to N more (curl(1), --retry), so the same workflow gets as many tries as it did there.
 */
function readMaxFailures(): number | undefined {
  const raw = optional('max-attempts');
  if (raw === undefined) return undefined;
  const attempts = parseNumber('max-attempts', raw, { min: 1, max: 100_000 });
  return attempts === 1 ? 1 : attempts + 1;
}

/**
 * `interval`, or url-health-check's `retry-delay`: a fixed wait (its waits never grow), so it sets backoff 1
 * unless backoff is given. Both at once are refused.
 */
function readWaits(): { intervalMs: number; backoff: number } {
  const retryDelay = optional('retry-delay');
  const interval = optional('interval');
  const backoff = optional('backoff');
  if (retryDelay !== undefined && interval !== undefined) {
    throw new InputError(
      "Inputs 'interval' and 'retry-delay' both set the wait between attempts.",
      'Keep one: retry-delay (as url-health-check, fixed) or interval (grows by backoff).',
    );
  }
  const rule = { bare: 's' as const, minMs: 1, maxMs: 3_600_000 };
  return {
    intervalMs: retryDelay !== undefined ? duration('retry-delay', '3s', rule) : duration('interval', '5', rule),
    backoff:
      backoff !== undefined
        ? parseNumber('backoff', backoff, { min: 1, max: 10, integer: false })
        : retryDelay !== undefined
          ? 1
          : 1.5,
  };
}

/** RFC 9110 9.1: a method is a token. CONNECT opens a tunnel and TRACE echoes the request (its credentials too). */
function readMethod(): string {
  const method = (optional('method') ?? 'GET').toUpperCase();
  if (!/^[!#$%&'*+.^_`|~0-9A-Z-]+$/.test(method)) {
    throw new InputError(`Input 'method' must be an HTTP method (GET, HEAD, POST, ...), got '${method}'.`);
  }
  if (method === 'CONNECT' || method === 'TRACE') {
    throw new InputError(
      `Input 'method' is ${method}, which does not probe a service (${method === 'TRACE' ? 'it echoes the request, credentials included' : 'it opens a tunnel'}).`,
      'Use GET, HEAD or POST.',
    );
  }
  return method;
}

/**
 * A body that is a secret: masked whole, and each value inside it (JSON strings, form values), since a server
 * that echoes a request usually echoes what it parsed.
 */
function maskBody(body: string | undefined): void {
  if (body === undefined) return;
  mask(body);
  const leaves = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : typeof value === 'object' && value !== null
        ? Object.values(value).flatMap(leaves)
        : [];
  let values: string[];
  try {
    values = leaves(JSON.parse(body));
  } catch {
    values = [...new URLSearchParams(body).values()];
  }
  for (const value of values) if (!trivialValue(value)) mask(value);
}

/** Everything of a request but its URL. The body is masked when `mask-body` says it is a secret. */
function readRequest(followRedirects: boolean): Omit<ProbeRequest, 'url'> {
  // Headers first: their credentials are masked before anything else can print them.
  const given = parseHeaders('headers', core.getInput('headers'));
  const headers = { ...given, ...credentialHeaders(given) };
  const body = text('body');
  if (bool('mask-body', false)) maskBody(body);
  return {
    method: readMethod(),
    headers,
    body,
    timeoutMs: duration('request-timeout', '10', { bare: 's', minMs: 1, maxMs: 600_000 }),
    followRedirects,
    maxRedirects: number('max-redirects', 10, { min: 0, max: 50 }),
    allowedRedirectHosts: readAllowedHosts(),
    ca: readCa(),
  };
}

function readExpectations(followRedirects: boolean, method: string): Expectations {
  const expectBody = text('expect-body');
  const maxLatency = optional('max-latency-ms');
  const json = parseJsonExpectations('expect-json', list('expect-json', { commas: false }));
  if (method === 'HEAD' && (expectBody !== undefined || json.length > 0)) {
    throw new InputError(
      `Input '${expectBody !== undefined ? 'expect-body' : 'expect-json'}' checks a body, but a HEAD answer has none (method: HEAD).`,
      'Use method: GET, or check the status alone.',
    );
  }
  return {
    // Not following, a redirect is the answer: url-health-check passes it (curl --fail fails from 400 only).
    status: parseStatus('expect-status', optional('expect-status') ?? (followRedirects ? '2xx' : '2xx,3xx')),
    body: expectBody === undefined ? undefined : parseText('expect-body', expectBody),
    json,
    maxLatencyMs: maxLatency === undefined ? undefined : parseNumber('max-latency-ms', maxLatency, { min: 1 }),
  };
}

/** An input given with a value other than its default. */
const changed = (name: string, fallback = '') => (optional(name) ?? fallback) !== fallback;

/**
 * Inputs that do nothing with the others given are said so in a warning, never silently ignored: the
 * waits and retry-all when max-attempts is 1 (url-health-check: retry-delay is "only applicable to
 * max-attempts > 1"), the redirect inputs when redirects are not followed.
 */
function warnNoEffect(inputs: SmokeTestInputs): void {
  const warnings: [boolean, string, string][] = [
    [inputs.maxAttempts === 1, 'retry-delay', 'max-attempts is 1: there is no second attempt to wait for'],
    [inputs.maxAttempts === 1 && inputs.consecutiveSuccesses === 1, 'interval', 'max-attempts is 1'],
    [inputs.maxAttempts === 1, 'retry-all', 'max-attempts is 1: nothing is retried'],
    [!inputs.request.followRedirects, 'max-redirects', 'follow-redirect is false'],
    [!inputs.request.followRedirects, 'allowed-redirect-hosts', 'follow-redirect is false'],
  ];
  const defaults: Record<string, string> = { 'retry-all': 'true', 'max-redirects': '10' };
  for (const [applies, name, why] of warnings) {
    if (applies && changed(name, defaults[name])) core.warning(`Input '${name}' has no effect: ${why}.`);
  }
  if (inputs.request.followRedirects && [301, 302, 303, 307, 308].some((s) => inputs.expectations.status.test(s))) {
    core.warning(
      `Input 'expect-status' passes redirects (${inputs.expectations.status.text}), but they are followed: only the answer they lead to is checked. Set follow-redirect: false to check the redirect itself.`,
    );
  }
}

export function readInputs(): SmokeTestInputs {
  const urls = readUrls();
  const followRedirects = bool('follow-redirect', true);
  const request = readRequest(followRedirects);
  const expectations = readExpectations(followRedirects, request.method ?? 'GET');
  const { intervalMs, backoff } = readWaits();
  // A repeat proves something only when the answer can tell the new version from the old (body or JSON); a
  // status-only check passes on its first good answer, as url-health-check's does.
  const content = expectations.body !== undefined || (expectations.json ?? []).length > 0;
  const inputs: SmokeTestInputs = {
    urls,
    request,
    expectations,
    timeoutMs: duration('timeout', '300', { bare: 's', minMs: 1, maxMs: 6 * 3_600_000 }),
    intervalMs,
    backoff,
    maxIntervalMs: Math.max(intervalMs, duration('max-interval', '30', { bare: 's', minMs: 1, maxMs: 3_600_000 })),
    consecutiveSuccesses: number('consecutive-successes', content ? 3 : 1, { min: 1, max: 100 }),
    maxAttempts: readMaxFailures(),
    retryAll: bool('retry-all', true),
    failOnError: bool('fail-on-error', true),
  };
  warnNoEffect(inputs);
  return inputs;
}
