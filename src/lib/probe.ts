import * as core from '@actions/core';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import { rootCertificates } from 'node:tls';
import { InputError } from './errors.js';
import { formatDuration, poll } from './poll.js';

/**
 * HTTP probes: one request and the checks on its answer, and `probeUntil`, which repeats it until it
 * passes N times in a row. Shared by smoke-test and by deploy-azure (waiting until a slot serves the new
 * version). The parsers take the input's name only to say which input was wrong.
 */

export interface ProbeRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** For the whole exchange: connect, redirects, headers and body. A socket that hangs fails at this time. */
  timeoutMs: number;
  /** Epoch ms by which the answer must have come (an overall timeout); cuts timeoutMs short to meet it. */
  deadline?: number;
  followRedirects?: boolean;
  maxRedirects?: number;
  /** PEM certificates trusted besides Node's own roots (a private CA, a self-signed endpoint). */
  ca?: string;
}

export interface HttpResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  redirects: number;
  latencyMs: number;
}

export interface Matcher<T> {
  /** The pattern as the user wrote it, for messages. */
  text: string;
  test(value: T): boolean;
}

export interface JsonExpectation {
  path: string;
  segments: (string | number)[];
  /** Undefined: the field must only be present. */
  expected?: Matcher<string>;
}

export interface Expectations {
  status: Matcher<number>;
  body?: Matcher<string>;
  json?: JsonExpectation[];
  maxLatencyMs?: number;
}

export interface ProbeResult {
  /** The URL that answered, after redirects, redacted (redactUrl) for printing. */
  url: string;
  /** Undefined when no answer came (refused, timed out, TLS failure). */
  status?: number;
  latencyMs: number;
  passed: boolean;
  /** Why it did not pass, one reason each; empty when it passed. */
  failures: string[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_BODY = 1024 * 1024;

/** Header names whose values are credentials: masked, never printed, dropped on a redirect to another origin. */
export function isSensitiveHeader(name: string): boolean {
  return /^(proxy-)?authorization$|^cookie$|token|secret|key|password|session|signature|credential|auth/i.test(name);
}

/** Every value masked here, so a body that echoes one (a debug endpoint) is scrubbed before it is shown. */
const masked = new Set<string>();

/** Registers a credential with the runner, and its token part, so neither can appear in a log. */
function mask(value: string): void {
  if (value === '') return;
  masked.add(value);
  core.setSecret(value);
  const scheme = /^(\w+)\s+(\S+)$/.exec(value);
  if (scheme?.[2]) {
    masked.add(scheme[2]);
    core.setSecret(scheme[2]);
    if (/^basic$/i.test(scheme[1] ?? '')) {
      const decoded = Buffer.from(scheme[2], 'base64').toString('utf8');
      if (decoded.includes(':')) mask(decoded.slice(decoded.indexOf(':') + 1));
    }
  }
  for (const cookie of value.split(';')) {
    const part = cookie.slice(cookie.indexOf('=') + 1).trim();
    if (cookie.includes('=') && part.length >= 6 && part !== value) mask(part);
  }
}

/**
 * Parses `Name: value` (or `Name=value`) lines: whichever of `:` and `=` comes first separates, since a
 * header name has neither. Credentials are masked here, as soon as they are known. A malformed line is
 * reported by its number only: it may hold a token.
 */
export function parseHeaders(input: string, raw: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, line] of raw.split('\n').entries()) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const at = text.search(/[:=]/);
    const name = at < 0 ? '' : text.slice(0, at).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new InputError(`Input '${input}' line ${index + 1} is not a header.`, 'Write one Name: value per line.');
    }
    const value = text.slice(at + 1).trim();
    if (isSensitiveHeader(name)) mask(value);
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** Masks a password in the URL and query values named like credentials (`?api_key=...`). */
export function maskUrlSecrets(url: URL): void {
  if (url.password) mask(decodeURIComponent(url.password));
  for (const [name, value] of url.searchParams) if (isSensitiveHeader(name)) mask(value);
}

/** The URL for logs, summaries and outputs: its password and credential-like query values as ***. */
export function redactUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  for (const name of new Set(url.searchParams.keys())) if (isSensitiveHeader(name)) url.searchParams.set(name, '***');
  return url.href;
}

/** `200`, `2xx`, `20x`, `200-299`, or several of them separated by commas or spaces. */
export function parseStatus(input: string, raw: string): Matcher<number> {
  const parts = raw.split(/[\s,]+/).filter(Boolean);
  const tests = parts.map((part): ((status: number) => boolean) => {
    const range = /^([1-5]\d\d)-([1-5]\d\d)$/.exec(part);
    if (range) return (status) => status >= Number(range[1]) && status <= Number(range[2]);
    if (/^[1-5][\dx][\dx]$/i.test(part) && !/^[1-5]x\d$/i.test(part)) {
      const pattern = new RegExp(`^${part.toLowerCase().replace(/x/g, '\\d')}$`);
      return (status) => pattern.test(String(status));
    }
    throw new InputError(
      `Input '${input}' has '${part}', which is not a status code pattern.`,
      'Write codes such as 200, 2xx, 200-299 or 200,204.',
    );
  });
  if (tests.length === 0) throw new InputError(`Input '${input}' is empty: give a status such as 200 or 2xx.`);
  return { text: parts.join(','), test: (status) => tests.some((test) => test(status)) };
}

/** A substring (or, when `exact`, the whole text), or a regular expression written `/pattern/flags`. */
export function parseText(input: string, raw: string, exact = false): Matcher<string> {
  const regex = /^\/(.+)\/([dimsuv]*)$/s.exec(raw);
  if (!regex) return { text: JSON.stringify(raw), test: (value) => (exact ? value === raw : value.includes(raw)) };
  try {
    const pattern = new RegExp(regex[1] ?? '', regex[2]);
    return { text: raw, test: (value) => pattern.test(value) };
  } catch (error) {
    throw new InputError(`Input '${input}' has an invalid regular expression ${raw}: ${(error as Error).message}.`);
  }
}

/**
 * `path=value` (value: exact text or `/regex/`) or a bare `path` (the field must be present). An empty value
 * is refused: it is nearly always `version=${{ inputs.version }}` with the input unset, a check that could
 * never pass and would roll back a healthy deployment. `/^$/` asks for an empty string.
 */
export function parseJsonExpectations(input: string, lines: string[]): JsonExpectation[] {
  return lines.map((line) => {
    const at = line.indexOf('=');
    const path = (at < 0 ? line : line.slice(0, at)).trim();
    const value = line.slice(at + 1).trim();
    if (at >= 0 && value === '') {
      throw new InputError(
        `Input '${input}' expects ${path} to be empty ('${path}=' has no value).`,
        'When the value comes from an expression such as ${{ inputs.version }}, that value is empty: set it. To require an empty string write /^$/; to require only that the field exists, write the path alone.',
      );
    }
    return { path, segments: jsonPath(input, path), expected: at < 0 ? undefined : parseText(input, value, true) };
  });
}

/** Splits `a.b`, `items[0].id`, `$.a`, `["key.with.dots"]` into keys and indexes. */
export function jsonPath(input: string, path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const token = /\.?([^.[\]"']+)|\[(\d+)\]|\[(["'])(.*?)\3\]/y;
  const text = path.replace(/^\$\.?/, '');
  while (token.lastIndex < text.length) {
    const start = token.lastIndex;
    const match = token.exec(text);
    if (!match || token.lastIndex === start) {
      throw new InputError(
        `Input '${input}' has a field path '${path}' that cannot be read at character ${start + 1}.`,
        'Write paths such as status, data.version, items[0].id or ["key.with.dots"].',
      );
    }
    segments.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? match[4] ?? ''));
  }
  if (segments.length === 0) throw new InputError(`Input '${input}' has an empty field path.`);
  return segments;
}

function lookup(document: unknown, segments: (string | number)[]): { found: boolean; value?: unknown } {
  let value = document;
  for (const segment of segments) {
    if (typeof segment === 'number' ? !Array.isArray(value) : typeof value !== 'object' || value === null) {
      return { found: false };
    }
    const container = value as Record<string | number, unknown>;
    if (!Object.hasOwn(container, segment)) return { found: false };
    value = container[segment];
  }
  return { found: true, value };
}

/** A field as text for comparing and printing: strings as they are, anything else as JSON. */
const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
/** Replaces every credential masked so far with ***, as the runner does in the log. */
export function scrub(text: string): string {
  let clean = text;
  for (const value of [...masked].sort((a, b) => b.length - a.length)) clean = clean.split(value).join('***');
  return clean;
}

const snippet = (raw: string) => {
  const text = scrub(raw);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
};

/** What is wrong with a response, one reason each; empty when it passes. Pure. */
export function evaluate(response: Omit<HttpResponse, 'headers'>, expectations: Expectations): string[] {
  const { status, body, json = [], maxLatencyMs } = expectations;
  const latency = Math.round(response.latencyMs);
  const slow = maxLatencyMs !== undefined && latency > maxLatencyMs;
  const tooSlow = slow ? [`took ${latency} ms, over the ${maxLatencyMs} ms allowed`] : [];
  // The body of an error page says nothing about the checks below; show its start instead.
  if (!status.test(response.status)) {
    return [`status ${response.status} is not ${status.text}: ${snippet(response.body.trim())}`, ...tooSlow];
  }
  const failures: string[] = [];
  if (body && !body.test(response.body)) {
    failures.push(`body does not ${body.text.startsWith('/') ? 'match' : 'contain'} ${body.text}`);
  }
  if (json.length > 0) {
    let document: unknown;
    try {
      document = JSON.parse(response.body);
    } catch {
      return [...failures, `body is not JSON: ${snippet(response.body.trim())}`, ...tooSlow];
    }
    for (const { path, segments, expected } of json) {
      const field = lookup(document, segments);
      if (!field.found) failures.push(`${path} is missing`);
      else if (expected && !expected.test(asText(field.value))) {
        failures.push(`${path}: expected ${expected.text}, got ${JSON.stringify(field.value)}`);
      }
    }
  }
  return [...failures, ...tooSlow];
}

/** Network failures in words a reader can act on. */
function describeNetworkError(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || error.message === 'socket hang up') return 'connection reset before an answer';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found (${code})`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `host unreachable (${code})`;
  if (/SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)/.test(code)) {
    return `TLS certificate not trusted (${code}): trust the CA that issued it (ca-cert)`;
  }
  if (/CERT|TLS|SSL/.test(code)) return `TLS failed (${code}): ${error.message}`;
  return code ? `${error.message} (${code})` : error.message;
}

interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function exchange(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  ca: string | undefined,
  signal: AbortSignal,
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method,
        headers: body === undefined ? headers : { 'content-length': String(Buffer.byteLength(body)), ...headers },
        signal,
        // A new connection per probe: through a load balancer that keeps a connection on one target, reused
        // connections would ask the same task every time, and N successes in a row would prove nothing.
        agent: false,
        ...(ca && url.protocol === 'https:' ? { ca: [...rootCertificates, ca] } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('error', reject);
        response.on('close', () => {
          if (!response.complete) reject(new Error('connection closed before the body ended'));
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Sends one request and reads the whole answer, following redirects unless told not to (307/308 keep
 * the method and body; 303, and 301/302 after a POST, become a GET as browsers and curl do). Credentials
 * are not sent on to another origin. Throws an Error whose message says what went wrong on the network.
 */
export async function send(request: ProbeRequest): Promise<HttpResponse> {
  const started = performance.now();
  const timeout = new AbortController();
  const left = request.deadline === undefined ? Infinity : request.deadline - Date.now();
  const timer = setTimeout(() => timeout.abort(), Math.max(0, Math.min(request.timeoutMs, left)));
  let url = new URL(request.url);
  let method = (request.method ?? 'GET').toUpperCase();
  let body = request.body;
  let headers: Record<string, string> = { 'user-agent': 'deploy-actions-probe', ...request.headers };
  try {
    for (let redirects = 0; ; redirects++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`cannot probe ${url.protocol} URLs`);
      const answer = await exchange(url, method, headers, body, request.ca, timeout.signal);
      const location = answer.headers.location;
      if (request.followRedirects === false || !REDIRECTS.has(answer.status) || !location) {
        return { url: url.href, ...answer, redirects, latencyMs: performance.now() - started };
      }
      if (redirects >= (request.maxRedirects ?? 10)) throw new Error(`more than ${redirects} redirects`);
      const next = new URL(location, url);
      if (next.origin !== url.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !isSensitiveHeader(name)));
      }
      if (answer.status === 303 || (answer.status <= 302 && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^content-/i.test(name)));
      }
      url = next;
    }
  } catch (error) {
    if (timeout.signal.aborted) {
      const why =
        left < request.timeoutMs ? 'before the overall timeout' : `within ${formatDuration(request.timeoutMs)}`;
      throw new Error(`no answer ${why}`, { cause: error });
    }
    throw new Error(describeNetworkError(error as NodeJS.ErrnoException), { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** One probe: send, then check. Never throws for what the server or the network did. */
export async function probe(request: ProbeRequest, expectations: Expectations): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const response = await send(request);
    const failures = evaluate(response, expectations);
    return {
      url: redactUrl(response.url),
      status: response.status,
      latencyMs: response.latencyMs,
      passed: !failures.length,
      failures,
    };
  } catch (error) {
    return {
      url: redactUrl(request.url),
      latencyMs: performance.now() - started,
      passed: false,
      failures: [(error as Error).message],
    };
  }
}

export interface ProbeUntilOptions {
  /** For all attempts together; a request still waiting at the deadline is cut short so it holds. */
  timeoutMs: number;
  intervalMs: number;
  backoff?: number;
  maxIntervalMs?: number;
  /** Passes needed in a row; one failure starts the count again. */
  consecutiveSuccesses?: number;
  maxAttempts?: number;
  signal?: AbortSignal;
  onAttempt?: (result: ProbeResult, attempt: number, streak: number) => void;
  /** Injected in unit tests to see the waits without waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ProbeRun {
  passed: boolean;
  /** Why it stopped. */
  ended: 'passed' | 'timeout' | 'max-attempts';
  attempts: number;
  /** Every attempt, in order. */
  results: ProbeResult[];
}

/**
 * Probes until `consecutiveSuccesses` probes pass in a row, the attempts run out, or the time does. The wait
 * grows by `backoff` while the service is not ready; once probes pass, the next ones follow after the
 * base interval, so confirming health does not wait out a backoff grown during a cold start.
 */
export async function probeUntil(
  request: ProbeRequest,
  expectations: Expectations,
  options: ProbeUntilOptions,
): Promise<ProbeRun> {
  const deadline = Date.now() + options.timeoutMs;
  const needed = options.consecutiveSuccesses ?? 1;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const results: ProbeResult[] = [];
  let streak = 0;
  const outcome = await poll(
    async (attempt) => {
      // poll checks once more when the time is up. An attempt with less time left than an interval would
      // only be cut short, and its "no answer" would hide the reason the earlier attempts failed.
      const floor = Math.min(request.timeoutMs, options.intervalMs);
      if (attempt > 1 && deadline - Date.now() < floor) return 'timeout' as const;
      const result = await probe({ ...request, deadline }, expectations);
      results.push(result);
      streak = result.passed ? streak + 1 : 0;
      options.onAttempt?.(result, attempt, streak);
      if (streak >= needed) return 'passed' as const;
      if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) return 'max-attempts' as const;
      return undefined;
    },
    {
      intervalMs: options.intervalMs,
      timeoutMs: options.timeoutMs,
      backoff: options.backoff,
      maxIntervalMs: options.maxIntervalMs,
      signal: options.signal,
      sleep: (ms, signal) => sleep(streak > 0 ? Math.min(ms, options.intervalMs) : ms, signal),
    },
  );
  const ended = outcome.outcome === 'done' ? outcome.value : 'timeout';
  return { passed: ended === 'passed', ended, attempts: results.length, results };
}

export interface LatencyStats {
  median: number | null;
  p95: number | null;
  samples: number;
}

/** Median and 95th percentile (nearest rank) in whole milliseconds; null when there are no samples. */
export function latencyStats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (q: number) => {
    if (sorted.length === 0) return null;
    return Math.round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0);
  };
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length === 0
      ? null
      : Math.round(sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
  return { median, p95: rank(0.95), samples: sorted.length };
}
