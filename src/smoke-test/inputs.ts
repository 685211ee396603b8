import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../lib/errors.js';
import { bool, duration, list, number, optional, text, parseNumber, workspacePath } from '../lib/inputs.js';
import { mask, maskCredential, maskUrl } from '../lib/secrets.js';
import {
  parseHeaders,
  parseJsonExpectations,
  parseStatus,
  parseText,
  type Expectations,
  type ProbeRequest,
} from '../lib/probe.js';
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
  /** Failed attempts per URL after which it gives up (url-health-check's meaning); passes do not count. */
  maxAttempts?: number;
  /** False: only what curl --retry calls transient (no answer, 408, 429, 500, 502, 503, 504) is retried. */
  retryAll: boolean;
  failOnError: boolean;
}

/** The statuses curl --retry treats as transient (curl(1), --retry), retried even when retry-all is false. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

function readUrls(): string[] {
  // url-health-check separates URLs with |; a | inside a URL is written %7C.
  const urls = list('url', { commas: false }).flatMap((line) => line.split('|').map((url) => url.trim()));
  if (urls.length === 0) throw new InputError("Input 'url' is required: the URL(s) to probe, one per line.");
  return urls.filter(Boolean).map((raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new InputError(`Input 'url' has '${raw}', which is not a URL.`, 'Write a full URL: https://host/path.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InputError(`Input 'url' has '${raw}': only http:// and https:// URLs can be probed.`);
    }
    maskUrl(url);
    return url.href;
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
    if (!/^[^=;\s]+=/.test(cookie)) {
      throw new InputError("Input 'cookie' must be Name=Value (several: a=1; b=2).", 'Write e.g. cookie: session=...');
    }
    if (headers.cookie !== undefined) {
      throw new InputError("Inputs 'cookie' and a Cookie line in 'headers' both set the Cookie header.", 'Keep one.');
    }
    extra.cookie = cookie;
  }
  const basicAuth = optional('basic-auth');
  if (basicAuth !== undefined) {
    mask(basicAuth.slice(basicAuth.indexOf(':') + 1));
    if (!basicAuth.includes(':')) {
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

/** `max-attempts` as url-health-check documents it: failed attempts per URL before giving up. */
function readMaxAttempts(): number | undefined {
  const raw = optional('max-attempts');
  return raw === undefined ? undefined : parseNumber('max-attempts', raw, { min: 1, max: 100_000 });
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

export function readInputs(): SmokeTestInputs {
  // Headers first: their credentials are masked before anything else can print them.
  const given = parseHeaders('headers', core.getInput('headers'));
  const headers = { ...given, ...credentialHeaders(given) };
  const urls = readUrls();
  const method = (optional('method') ?? 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new InputError(`Input 'method' must be an HTTP method, got '${method}'.`);
  const expectBody = text('expect-body');
  const maxLatency = optional('max-latency-ms');
  const json = parseJsonExpectations('expect-json', list('expect-json', { commas: false }));
  const followRedirects = bool('follow-redirect', true);
  const { intervalMs, backoff } = readWaits();
  // A repeat proves something only when the answer can tell the new version from the old (body or JSON); a
  // status-only check passes on its first good answer, as url-health-check's does.
  const content = expectBody !== undefined || json.length > 0;
  return {
    urls,
    request: {
      method,
      headers,
      body: text('body'),
      timeoutMs: duration('request-timeout', '10', { bare: 's', minMs: 1, maxMs: 600_000 }),
      followRedirects,
      maxRedirects: number('max-redirects', 10, { min: 0, max: 50 }),
      ca: readCa(),
    },
    expectations: {
      // Not following, a redirect is the answer: url-health-check passes it (curl --fail fails from 400 only).
      status: parseStatus('expect-status', optional('expect-status') ?? (followRedirects ? '2xx' : '2xx,3xx')),
      body: expectBody === undefined ? undefined : parseText('expect-body', expectBody),
      json,
      maxLatencyMs: maxLatency === undefined ? undefined : parseNumber('max-latency-ms', maxLatency, { min: 1 }),
    },
    timeoutMs: duration('timeout', '300', { bare: 's', minMs: 1, maxMs: 6 * 3_600_000 }),
    intervalMs,
    backoff,
    maxIntervalMs: Math.max(intervalMs, duration('max-interval', '30', { bare: 's', minMs: 1, maxMs: 3_600_000 })),
    consecutiveSuccesses: number('consecutive-successes', content ? 3 : 1, { min: 1, max: 100 }),
    maxAttempts: readMaxAttempts(),
    retryAll: bool('retry-all', true),
    failOnError: bool('fail-on-error', true),
  };
}
