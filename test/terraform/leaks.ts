import { expect } from 'vitest';
import { goQuoted } from '../../src/terraform/masking.js';

/**
 * What the leak cases of the adversarial suite check a secret against: each form it can be printed in (as is,
 * JSON-escaped, Go-quoted as Terraform prints it, URL-encoded, base64 as in a Basic header), and for a
 * value of several lines each line too; and the log as the runner shows it, every ::add-mask:: value hidden.
 */
export function leakForms(secret: string): string[] {
  const forms = (value: string) => [
    value,
    JSON.stringify(value).slice(1, -1),
    goQuoted(value),
    encodeURIComponent(value),
    Buffer.from(value).toString('base64'),
  ];
  const lines = secret.includes('\n') ? secret.split('\n').filter((line) => line.trim().length >= 4) : [];
  return [...new Set([secret, ...lines].flatMap(forms))];
}

/** The log as the runner prints it: the ::add-mask:: commands gone, and each masked value replaced by ***. */
export function runnerLog(log: string): string {
  const masks = [...log.matchAll(/^::add-mask::(.*)$/gm)].map((match) => match[1] ?? '').filter(Boolean);
  let shown = log.replace(/^::add-mask::.*\n?/gm, '');
  for (const value of masks.sort((a, b) => b.length - a.length)) shown = shown.split(value).join('***');
  return shown;
}

/** Asserts that none of `secrets`, in any printed form, is in any of `places` (name -> text). */
export function expectNoLeak(secrets: string[], places: Record<string, string>): void {
  for (const secret of secrets) {
    for (const form of leakForms(secret)) {
      for (const [place, text] of Object.entries(places)) {
        expect(text.includes(form), `${JSON.stringify(form)} in ${place}`).toBe(false);
      }
    }
  }
}
