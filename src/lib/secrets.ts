import * as core from '@actions/core';

/**
 * The one place a value becomes secret. `mask()` registers it with the runner, which then hides it in the log
 * and the step summary; `scrub()` hides it in everything else that leaves the runner (step outputs, pull
 * request comments, deployment statuses), which the runner does not mask. No other module calls
 * `core.setSecret`.
 */

/** Names of headers, settings and variables whose values are credentials. */
export function isSensitiveName(name: string): boolean {
  return /^(proxy-)?authorization$|^cookie$|token|secret|key|password|passwd|session|signature|credential|auth/i.test(
    name,
  );
}

/** Every form of every value masked in this run, longest first when scrubbing. */
const masked = new Set<string>();

/**
 * The forms a value can be printed in besides its own: JSON- and HCL-escaped (Terraform writes `"`, `\` and
 * non-ASCII characters escaped), HTML-escaped, URL-encoded. Each is hidden as the value itself is.
 */
export function printedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const asciiJson = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const html = value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
  const forms = [
    value,
    json,
    asciiJson,
    html,
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, '+'),
  ];
  return [...new Set(forms)];
}

/**
 * Registers a secret with the runner, in every printed form, and each of its lines: the runner matches
 * masks line by line, so a multi-line value (a key, a certificate) is hidden only when each line is.
 */
export function mask(value: string | undefined): void {
  if (value === undefined || value.trim() === '') return;
  const lines = value.includes('\n') ? value.split(/\r?\n/).filter((line) => line.trim() !== '') : [];
  // Registered again when seen again: each step is a process of its own, whose runner must hear of it.
  for (const form of new Set([value, ...lines].flatMap(printedForms))) {
    masked.add(form);
    core.setSecret(form);
  }
}

/**
 * Masks a credential header's value, and the parts of it that are secrets on their own: the token of
 * `Bearer <token>`, the password inside `Basic <base64>`, and each value of a `Cookie`.
 */
export function maskCredential(value: string): void {
  if (value === '') return;
  mask(value);
  const scheme = /^(\w+)\s+(\S+)$/.exec(value);
  if (scheme?.[2]) {
    mask(scheme[2]);
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

/** Masks the password of a URL's userinfo and query values named like credentials (`?api_key=...`). */
export function maskUrl(raw: string | URL): void {
  const url = parseUrl(raw);
  if (!url) return;
  if (url.password) {
    mask(url.password);
    mask(safeDecode(url.password));
  } else if (url.username.length >= 8) {
    // A user name alone is how tokens ride in URLs (https://<token>@host); a short one is a name (git, deploy).
    mask(url.username);
    mask(safeDecode(url.username));
  }
  if (url.password || url.username.length >= 8) {
    // The header a client builds from the URL's credentials.
    const basic = Buffer.from(`${safeDecode(url.username)}:${safeDecode(url.password)}`, 'utf8').toString('base64');
    maskCredential(`Basic ${basic}`);
  }
  for (const [name, value] of url.searchParams) if (isSensitiveName(name)) mask(value);
}

/**
 * The URL for logs, summaries and outputs: its password (or a token standing alone as the user name) and
 * credential-like query values as ***.
 */
export function redactUrl(raw: string): string {
  const url = parseUrl(raw);
  if (!url) return scrub(raw);
  if (url.password) url.password = '***';
  else if (url.username.length >= 8) url.username = '***';
  for (const name of new Set(url.searchParams.keys())) if (isSensitiveName(name)) url.searchParams.set(name, '***');
  return url.href;
}

/** Replaces every value masked so far, in each of its printed forms, with ***, as the runner does in the log. */
export function scrub(text: string): string {
  let clean = text;
  for (const value of [...masked].sort((a, b) => b.length - a.length)) clean = clean.split(value).join('***');
  return clean;
}

function parseUrl(raw: string | URL): URL | undefined {
  if (raw instanceof URL) return raw;
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
