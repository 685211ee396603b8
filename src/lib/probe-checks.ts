import { InputError } from './errors.js';
import type { HttpResponse } from './probe-http.js';
import { maskCredential, redactUrl, scrub } from './secrets.js';

/**
 * What a probe expects of an answer (status, body, JSON fields, latency), parsed from inputs, and the
 * pure check of an answer against it. Credentials in headers and URLs are masked the moment they are read.
 */

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

/**
 * Headers whose values describe the request, not who sends it: the only ones whose values are not masked.
 * Every other value given is masked whatever its header's name (X-Tenant, X-Signature, a custom token header).
 */
const PUBLIC_HEADERS = new Set([
  'accept',
  'accept-language',
  'accept-encoding',
  'content-type',
  'user-agent',
  'cache-control',
  'pragma',
  'host',
]);

/** Header names are RFC 9110 tokens (5.1, 5.6.2). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Set by the HTTP client from the body and the connection: a value given for them would break the exchange. */
const CLIENT_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te']);

/**
 * A value that cannot be a secret and would do harm masked (`true`, `1` would turn into *** in every output).
 */
export const trivialValue = (value: string) => value.length < 4 || /^(true|false|yes|no|on|off|\d+)$/i.test(value);

/**
 * Parses `Name: value` (or `Name=value`) lines: whichever of `:` and `=` comes first separates, since a
 * header name has neither. Every value but those of the public headers is masked as soon as it is read. A
 * malformed line is reported by its number only: it may hold a token.
 */
export function parseHeaders(input: string, raw: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, line] of raw.split('\n').entries()) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const at = text.search(/[:=]/);
    const name = at < 0 ? '' : text.slice(0, at).trim();
    const value = text.slice(at + 1).trim();
    const key = name.toLowerCase();
    if (!PUBLIC_HEADERS.has(key) && !trivialValue(value)) maskCredential(value);
    const where = `Input '${input}' line ${index + 1}`;
    if (!TOKEN.test(name)) {
      throw new InputError(
        `${where} is not a header: a name (letters, digits, - and RFC 9110 token characters) then : and the value.`,
        'Write one Name: value per line.',
      );
    }
    // RFC 9110 5.5: a field value is visible characters, spaces and tabs (and Latin-1 obs-text, which Node sends).
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    if (/[\u0000-\u0008\u000a-\u001f\u007f]|[^\u0000-\u00ff]/.test(value)) {
      throw new InputError(
        `${where} (${name}) has a character HTTP does not allow in a value: a control character or one beyond Latin-1.`,
        'Encode it (percent- or base64-encoding, as the service expects).',
      );
    }
    if (CLIENT_HEADERS.has(key)) {
      throw new InputError(`${where} sets ${name}, which the HTTP client sets itself.`, 'Remove that line.');
    }
    if (Object.hasOwn(headers, key)) {
      throw new InputError(`${where} sets ${name} a second time.`, 'Keep one line per header; join values with , .');
    }
    headers[key] = value;
  }
  return headers;
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
const snippet = (raw: string) => {
  const text = scrub(raw);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
};

/**
 * What is wrong with a response, one reason each; empty when it passes. Pure. Of an answer from another
 * origin (an allowed redirect host) no body text nor field value is shown: only what was expected.
 */
export function evaluate(response: Omit<HttpResponse, 'headers'>, expectations: Expectations): string[] {
  const { status, body, json = [], maxLatencyMs } = expectations;
  const latency = Math.round(response.latencyMs);
  const slow = maxLatencyMs !== undefined && latency > maxLatencyMs;
  const tooSlow = slow ? [`took ${latency} ms, over the ${maxLatencyMs} ms allowed`] : [];
  const show = (raw: string) => (response.foreign ? '(the body of another origin is not shown)' : snippet(raw.trim()));
  // The body of an error page says nothing about the checks below; show its start instead.
  if (!status.test(response.status)) {
    return [`status ${response.status} is not ${status.text}: ${show(response.body)}`, ...tooSlow];
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
      return [...failures, `body is not JSON: ${show(response.body)}`, ...tooSlow];
    }
    for (const { path, segments, expected } of json) {
      const field = lookup(document, segments);
      if (!field.found) failures.push(`${path} is missing`);
      else if (expected && !expected.test(asText(field.value))) {
        const got = response.foreign ? 'another value' : scrub(JSON.stringify(field.value));
        failures.push(`${path}: expected ${expected.text}, got ${got}`);
      }
    }
  }
  return [...failures, ...tooSlow];
}

/** The URL as it may be printed: no password, no credential-like query value, no user name standing alone (a token). */
export function shownUrl(raw: string): string {
  try {
    const url = new URL(redactUrl(raw));
    if (url.username && !url.password) url.username = '***';
    return url.href;
  } catch {
    return scrub(raw.replace(/\/\/[^/?#@\s]*@/, '//***@'));
  }
}
