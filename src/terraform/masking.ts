import { mask } from '../lib/secrets.js';

/**
 * The forms Terraform itself prints a string in, besides those `printedForms` of src/lib/secrets.ts knows
 * (as is, JSON-escaped, `\uXXXX` for every non-ASCII character, HTML-escaped, URL-encoded):
 * - the plan and diagnostics quote strings as Go's strconv.Quote does, but keep printable non-ASCII characters
 *   as they are: `é` stays `é`, while a control character is `\x01` and a non-printing one (U+200B, U+00A0) is
 *   `\u200b` — so a value holding both is in no form printedForms makes;
 * - `show -json` and `output -json` escape `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026` (Go's encoding/json).
 */
export function terraformForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const goJson = json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return [...new Set([goQuoted(value), goJson])].filter((form) => form !== value && form !== json);
}

const shortEscapes: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's strconv.Quote without the quotes: printable characters as they are, the others escaped. */
export function goQuoted(value: string): string {
  let quoted = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    const short = shortEscapes[char];
    if (short) quoted += short;
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (isPrintable(char)) quoted += char;
    else if (code < 0x10000) quoted += `\\u${code.toString(16).padStart(4, '0')}`;
    else quoted += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return quoted;
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrintable(char: string): boolean {
  return char === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(char);
}

/** Masks a secret in every form the runner's log, the summary, outputs and comments could hold it. */
export function maskSecret(value: string | undefined): void {
  if (value === undefined || value.trim() === '') return;
  mask(value);
  for (const form of terraformForms(value)) mask(form);
}
