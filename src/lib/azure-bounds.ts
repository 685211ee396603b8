import type { TokenCredential } from '@azure/identity';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { formatDuration } from './duration.js';
import { TimeoutError } from './errors.js';

/**
 * How long any one request to Azure (ARM, Entra, the GitHub ID token service) may take: a per-request timeout and
 * the step's deadline, whichever comes first. A request that gets no answer in time is cut (its connection closed)
 * and reported as a TimeoutError naming it; none is waited on past the deadline. The deadline moves on as the step
 * does (a swap, and putting the previous version back, each get the step's timeout again): `bounds.deadline` is
 * read at each request.
 */
export interface RequestBounds {
  /** request-timeout: the longest one request may wait for its answer. */
  requestTimeoutMs: number;
  /** Epoch ms after which no request is sent or waited on. */
  deadline: number;
  /** The last request cut, and how many were: a credential that wraps the cut in its own error is unwrapped. */
  lastCut?: RequestTimedOut;
  cuts?: number;
}

/** A request cut for lack of an answer; `azure()` prefixes it with the operation's name. */
export class RequestTimedOut extends TimeoutError {}

const HINT =
  'Azure (or the network to it) did not answer in time: rerun; if it keeps happening, raise request-timeout or timeout, and check the runner can reach the endpoint (a proxy, a firewall).';

/** The time a request may take now, or a RequestTimedOut naming it when the deadline has passed. */
export function timeLeft(bounds: RequestBounds, what: string): number {
  const left = bounds.deadline - Date.now();
  if (left <= 0) throw new RequestTimedOut(`${what}: not sent, the step's timeout has passed.`, HINT);
  return Math.min(bounds.requestTimeoutMs, left);
}

/** The error for a request cut after `limitMs`, saying which bound cut it. */
export function cutError(bounds: RequestBounds, what: string, limitMs: number, cause?: unknown): RequestTimedOut {
  const which = limitMs < bounds.requestTimeoutMs ? "the step's timeout" : 'request-timeout';
  const cut = new RequestTimedOut(`${what}: no answer within ${formatDuration(limitMs)} (${which}).`, HINT, { cause });
  bounds.lastCut = cut;
  bounds.cuts = (bounds.cuts ?? 0) + 1;
  return cut;
}

/**
 * A credential whose token requests are bounded: MSAL and @azure/identity wrap a failed request in errors of their
 * own (network_error, AuthenticationError), so a request cut meanwhile is reported as what it was.
 */
export function boundedCredential(inner: TokenCredential, bounds: RequestBounds): TokenCredential {
  return {
    async getToken(scopes, options) {
      const before = bounds.cuts ?? 0;
      try {
        return await inner.getToken(scopes, options);
      } catch (error) {
        if (bounds.lastCut && (bounds.cuts ?? 0) > before) throw bounds.lastCut;
        throw error;
      }
    },
  };
}

/**
 * A per-try pipeline policy (core-rest-pipeline) bounding each try of each request: an abort signal that fires
 * after timeLeft(), joined to the caller's. A cut try is not retried: it fails the call with RequestTimedOut.
 */
export function boundsPolicy(bounds: RequestBounds, service: string): PipelinePolicy {
  return {
    name: 'requestBounds',
    async sendRequest(request, next) {
      const what = `${service} ${request.method} ${new URL(request.url).pathname}`;
      const limit = timeLeft(bounds, what);
      const timer = AbortSignal.timeout(limit);
      const callers = request.abortSignal;
      request.abortSignal = callers ? AbortSignal.any([callers as AbortSignal, timer]) : timer;
      try {
        return await next(request);
      } catch (error) {
        if (timer.aborted && !callers?.aborted) throw cutError(bounds, what, limit, error);
        throw error;
      } finally {
        request.abortSignal = callers;
      }
    },
  };
}

/** fetch() bounded the same way (the GitHub ID token request). */
export async function boundedFetch(
  bounds: RequestBounds,
  what: string,
  url: string,
  init: RequestInit,
): Promise<Response> {
  const limit = timeLeft(bounds, what);
  const timer = AbortSignal.timeout(limit);
  try {
    const response = await fetch(url, { ...init, signal: timer });
    // The body is read under the same bound: an answer whose body never ends is cut too.
    const body = await response.text();
    return new Response(body, { status: response.status, headers: response.headers });
  } catch (error) {
    if (timer.aborted) throw cutError(bounds, what, limit, error);
    throw error;
  }
}

/** Bounds with no deadline, for clients made outside a step's time (a request timeout only). */
export function unbounded(requestTimeoutMs = 60_000): RequestBounds {
  return { requestTimeoutMs, deadline: Number.POSITIVE_INFINITY };
}
