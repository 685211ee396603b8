import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { InputError } from '../lib/errors.js';
import { bool, duration, list, number, optional, parseNumber } from '../lib/inputs.js';
import { maskUrl } from '../lib/secrets.js';
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
  maxAttempts?: number;
  failOnError: boolean;
}

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
  const raw = optional('ca-cert');
  if (raw === undefined) return undefined;
  let pem = raw;
  if (!raw.includes('-----BEGIN')) {
    const path = isAbsolute(raw) ? raw : join(process.env.GITHUB_WORKSPACE ?? process.cwd(), raw);
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

export function readInputs(): SmokeTestInputs {
  // Headers first: their credentials are masked before anything else can print them.
  const headers = parseHeaders('headers', core.getInput('headers'));
  const urls = readUrls();
  const method = (optional('method') ?? 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new InputError(`Input 'method' must be an HTTP method, got '${method}'.`);
  const expectBody = optional('expect-body');
  const maxLatency = optional('max-latency-ms');
  const maxAttempts = optional('max-attempts');
  const intervalMs = duration('interval', '5', { bare: 's', minMs: 1, maxMs: 3_600_000 });
  const consecutiveSuccesses = number('consecutive-successes', 3, { min: 1, max: 100 });
  const attempts = maxAttempts === undefined ? undefined : parseNumber('max-attempts', maxAttempts, { min: 1 });
  if (attempts !== undefined && attempts < consecutiveSuccesses) {
    throw new InputError(
      `Input 'max-attempts' (${attempts}) is less than 'consecutive-successes' (${consecutiveSuccesses}): the test could never pass.`,
      `Raise max-attempts to at least ${consecutiveSuccesses} (better: leave it empty and let timeout decide), or lower consecutive-successes.`,
    );
  }
  return {
    urls,
    request: {
      method,
      headers,
      body: optional('body'),
      timeoutMs: duration('request-timeout', '10', { bare: 's', minMs: 1, maxMs: 600_000 }),
      followRedirects: bool('follow-redirect', true),
      maxRedirects: number('max-redirects', 10, { min: 0, max: 50 }),
      ca: readCa(),
    },
    expectations: {
      status: parseStatus('expect-status', optional('expect-status') ?? '2xx'),
      body: expectBody === undefined ? undefined : parseText('expect-body', expectBody),
      json: parseJsonExpectations('expect-json', list('expect-json', { commas: false })),
      maxLatencyMs: maxLatency === undefined ? undefined : parseNumber('max-latency-ms', maxLatency, { min: 1 }),
    },
    timeoutMs: duration('timeout', '300', { bare: 's', minMs: 1, maxMs: 6 * 3_600_000 }),
    intervalMs,
    backoff: number('backoff', 1.5, { min: 1, max: 10, integer: false }),
    maxIntervalMs: Math.max(intervalMs, duration('max-interval', '30', { bare: 's', minMs: 1, maxMs: 3_600_000 })),
    consecutiveSuccesses,
    maxAttempts: attempts,
    failOnError: bool('fail-on-error', true),
  };
}
