import type { IncomingHttpHeaders } from 'node:http';
import { formatDuration } from './duration.js';
import { shownUrl } from './probe-checks.js';
import { scrub } from './secrets.js';

/**
 * One HTTP(S) exchange for a probe, as a careful client: a per-request timeout and an overall deadline,
 * redirects kept to the probed origin unless a host is allowed, an extra CA, readable network errors.
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
  /** The overall timeout the deadline stands for, to say both limits when one cuts a request. */
  overallMs?: number;
  followRedirects?: boolean;
  maxRedirects?: number;
  /**
   * Hosts (`host`, `host:port`, `*.example.com`) a redirect may lead to besides the probed URL's origin. Given
   * (even empty), a refusal names the input `allowed-redirect-hosts`.
   */
  allowedRedirectHosts?: string[];
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
  /** The answer came from another origin than the probed URL's (an allowed host): nothing of it is printed. */
  foreign?: boolean;
}

/**
 * Why no answer came, in the classes curl's --retry knows (curl(1), --retry: a timeout, a host not found and,
 * with --retry-connrefused, a refused connection are transient; anything else is not).
 */
export type NoAnswer = 'timeout' | 'dns' | 'refused' | 'reset' | 'tls' | 'redirect' | 'other';

/** A request that got no answer to check, with the class of the failure. Its message never holds a credential. */
export class NoAnswerError extends Error {
  constructor(
    message: string,
    readonly kind: NoAnswer,
    options?: ErrorOptions,
  ) {
    super(scrub(message), options);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_BODY = 1024 * 1024;

/**
 * Headers sent on when a redirect leaves the probed origin: they describe the request, not who makes it. Every
 * other header given (Authorization, Cookie, X-Api-Key, any custom one) stays with the probed origin, as the
 * Fetch standard does for Authorization (4.4 HTTP-redirect fetch) and curl for credentials (--location-trusted).
 */
const PORTABLE_HEADERS = new Set(['accept', 'accept-language', 'accept-encoding', 'user-agent', 'cache-control']);

/** Network failures in words a reader can act on, with their class. */
function classify(error: NodeJS.ErrnoException): [string, NoAnswer] {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return ['connection refused', 'refused'];
  if (code === 'ECONNRESET' || error.message === 'socket hang up')
    return ['connection reset before an answer', 'reset'];
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return [`host not found (${code})`, 'dns'];
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return [`host unreachable (${code})`, 'other'];
  if (/SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)/.test(code)) {
    return [`TLS certificate not trusted (${code}): trust the CA that issued it (ca-cert)`, 'tls'];
  }
  if (/CERT|TLS|SSL/.test(code)) return [`TLS failed (${code}): ${error.message}`, 'tls'];
  return [code ? `${error.message} (${code})` : error.message, 'other'];
}

interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

async function exchange(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  ca: string | undefined,
  signal: AbortSignal,
): Promise<Exchange> {
  // Loaded at the first request, not with this module (the inputs use shownUrl): node:https and node:tls take
  // most of a bare Node start to load, which would be paid before a mistyped input could be refused.
  const [{ request: httpRequest }, { request: httpsRequest }, { rootCertificates }] = await Promise.all([
    import('node:http'),
    import('node:https'),
    import('node:tls'),
  ]);
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

/** Whether `host` (host[:port] of a URL) is one of the allowed patterns: exact, or `*.domain` for its subdomains. */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const name = host.toLowerCase();
  const bare = name.replace(/:\d+$/, '');
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p.startsWith('*.')) return (p.includes(':') ? name : bare).endsWith(p.slice(1));
    return p.includes(':') || p.startsWith('[') ? name === p : bare === p;
  });
}

/** The probed origin, or its upgrade from http to https on the same host (followed, but without credentials). */
function ownOrigin(url: URL, probed: URL): boolean {
  const upgrade = probed.protocol === 'http:' && url.protocol === 'https:' && url.hostname === probed.hostname;
  return url.origin === probed.origin || upgrade;
}

/** Where a redirect hop may go; throws a NoAnswerError naming the origin (never the URL: it may hold a token). */
function checkHop(from: URL, next: URL, probed: URL, request: ProbeRequest, seen: Set<string>): void {
  const allowedInput = request.allowedRedirectHosts === undefined ? '' : ' (allowed-redirect-hosts)';
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new NoAnswerError(`redirected to a ${next.protocol} URL, which is not followed`, 'redirect');
  }
  if (from.protocol === 'https:' && next.protocol === 'http:') {
    throw new NoAnswerError(
      `redirected from https to http (${next.origin}), which is never followed: it would leave TLS`,
      'redirect',
    );
  }
  if (!ownOrigin(next, probed) && !hostAllowed(next.host, request.allowedRedirectHosts ?? [])) {
    throw new NoAnswerError(
      `redirected to another origin, ${next.origin}, which is not followed: allow its host ${next.host}${allowedInput} to follow it`,
      'redirect',
    );
  }
  const key = `${next.origin}${next.pathname}${next.search}`;
  if (seen.has(key)) throw new NoAnswerError(`redirect loop: ${shownUrl(next.href)} was already visited`, 'redirect');
  seen.add(key);
}

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * The request a redirect leads to (RFC 9110 15.4): 307/308 keep the method and body; 303, and 301/302 after a
 * POST, become a GET as browsers and curl do. Leaving the probed origin, only portable headers go on, never a
 * credential or the URL's user info, and a body is never sent there.
 */
function nextHop(hop: Hop, status: number, next: URL, probed: URL): Hop {
  let { method, body, headers } = hop;
  if (status === 303 || (status <= 302 && method === 'POST')) {
    method = method === 'HEAD' ? 'HEAD' : 'GET';
    body = undefined;
    headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^content-/i.test(name)));
  }
  const url = new URL(next.href);
  // Credentials stay with the probed origin, and are not given back after a hop elsewhere.
  if (url.origin === probed.origin && hop.url.origin === probed.origin) {
    url.username = probed.username;
    url.password = probed.password;
    return { url, method, headers, body };
  }
  url.username = '';
  url.password = '';
  if (body !== undefined) {
    throw new NoAnswerError(
      `a ${status} redirect to another origin, ${next.origin}, would send the request body there; it is not followed`,
      'redirect',
    );
  }
  return {
    url,
    method,
    body,
    headers: Object.fromEntries(Object.entries(headers).filter(([n]) => PORTABLE_HEADERS.has(n))),
  };
}

/** The failure of a request cut by a timer, naming both limits: the request's own and the overall one. */
function timedOut(request: ProbeRequest, left: number, cause: unknown): NoAnswerError {
  const own = formatDuration(request.timeoutMs);
  const overall = request.overallMs === undefined ? '' : ` of ${formatDuration(request.overallMs)}`;
  const why =
    left < request.timeoutMs
      ? `no answer before the overall timeout${overall} ran out (each request may take ${own})`
      : `no answer within ${own}, the time one request may take${overall ? ` (overall timeout${overall})` : ''}`;
  return new NoAnswerError(why, 'timeout', { cause });
}

/**
 * Sends one request and reads the whole answer, following redirects unless told not to (see nextHop and
 * checkHop). Throws a NoAnswerError whose message says what went wrong on the network.
 */
export async function send(request: ProbeRequest): Promise<HttpResponse> {
  const started = performance.now();
  const timeout = new AbortController();
  const left = request.deadline === undefined ? Infinity : request.deadline - Date.now();
  const timer = setTimeout(() => timeout.abort(), Math.max(0, Math.min(request.timeoutMs, left)));
  const probed = new URL(request.url);
  const seen = new Set([`${probed.origin}${probed.pathname}${probed.search}`]);
  let hop: Hop = {
    url: probed,
    method: (request.method ?? 'GET').toUpperCase(),
    headers: { 'user-agent': 'deploy-actions-probe', ...request.headers },
    body: request.body,
  };
  try {
    for (let redirects = 0; ; redirects++) {
      const answer = await exchange(hop.url, hop.method, hop.headers, hop.body, request.ca, timeout.signal);
      const location = answer.headers.location;
      if (request.followRedirects === false || !REDIRECTS.has(answer.status) || !location) {
        const foreign = !ownOrigin(hop.url, probed);
        return { url: hop.url.href, ...answer, redirects, latencyMs: performance.now() - started, foreign };
      }
      if (redirects >= (request.maxRedirects ?? 10)) {
        throw new NoAnswerError(`more than ${redirects} redirects`, 'redirect');
      }
      const next = parseLocation(location, hop.url);
      checkHop(hop.url, next, probed, request, seen);
      hop = nextHop(hop, answer.status, next, probed);
    }
  } catch (error) {
    if (error instanceof NoAnswerError) throw error;
    if (timeout.signal.aborted) throw timedOut(request, left, error);
    const [message, kind] = classify(error as NodeJS.ErrnoException);
    throw new NoAnswerError(message, kind, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function parseLocation(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new NoAnswerError('redirected to a Location that is not a URL', 'redirect');
  }
}
