import * as core from '@actions/core';
import { InputError } from './errors.js';

/**
 * Typed readers for action inputs. Each stage's inputs.ts calls these once and builds its own typed object;
 * nothing else reads `core.getInput`.
 */

/** A trimmed input, or undefined when it is empty. */
export function optional(name: string): string | undefined {
  const value = core.getInput(name).trim();
  return value === '' ? undefined : value;
}

export function required(name: string, what: string): string {
  const value = optional(name);
  if (value === undefined) throw new InputError(`Input '${name}' is required: ${what}.`);
  return value;
}

export function bool(name: string, fallback: boolean): boolean {
  const value = optional(name);
  if (value === undefined) return fallback;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(`Input '${name}' must be true or false, got '${value}'.`);
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** Parses a number, naming the input and the accepted range when it is not one. */
export function parseNumber(name: string, raw: string, rule: NumberRule = {}): number {
  const { min = 0, max = Number.MAX_SAFE_INTEGER, integer = true } = rule;
  const value = Number(raw);
  const expected = `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`;
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new InputError(`Input '${name}' must be ${expected}, got '${raw}'.`);
  }
  if (value < min || value > max) throw new InputError(`Input '${name}' must be ${expected}, got ${value}.`);
  return value;
}

export function number(name: string, fallback: number, rule?: NumberRule): number;
export function number(name: string, fallback: undefined, rule?: NumberRule): number | undefined;
export function number(name: string, fallback: number | undefined, rule?: NumberRule): number | undefined {
  const raw = optional(name);
  return raw === undefined ? fallback : parseNumber(name, raw, rule);
}

/** Splits a list given one item per line (commas also separate, as many actions accept). */
export function parseList(raw: string, { commas = true }: { commas?: boolean } = {}): string[] {
  return raw
    .split(commas ? /[\n,]/ : /\n/)
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.startsWith('#'));
}

export function list(name: string, options?: { commas?: boolean }): string[] {
  return parseList(core.getInput(name), options);
}

/**
 * Parses `key=value` lines. Only the first `=` separates, so values such as connection strings keep theirs.
 * Blank lines and `#` comments are skipped; a line without `=` or with an empty key is an error.
 */
export function parseKeyValues(name: string, raw: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const [index, line] of raw.split('\n').entries()) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const at = text.indexOf('=');
    const key = at < 0 ? '' : text.slice(0, at).trim();
    if (key === '') {
      throw new InputError(
        `Input '${name}' line ${index + 1} is not KEY=value: '${text}'.`,
        'Write one KEY=value per line; the value may itself contain =.',
      );
    }
    pairs.set(key, text.slice(at + 1).trim());
  }
  return pairs;
}

export function keyValues(name: string): Map<string, string> {
  return parseKeyValues(name, core.getInput(name));
}

/** Reads an input that must be one of a fixed set of words. */
export function oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const value = optional(name) ?? fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new InputError(`Input '${name}' must be one of ${choices.join(', ')}, got '${value}'.`);
  }
  return value as T;
}
