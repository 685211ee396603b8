import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { formatDuration } from './duration.js';
import { isSensitiveName } from './secrets.js';

/** One HTTP(S) exchange for a probe: per-request timeout, redirects, an extra CA, readable network errors. */

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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_BODY = 1024 * 1024;

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
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !isSensitiveName(name)));
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
