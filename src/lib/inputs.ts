import * as core from '@actions/core';
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { durationSyntax, parseDuration, type BareUnit } from './duration.js';
import { InputError } from './errors.js';

/**
 * Typed readers for action inputs. Each stage's inputs.ts calls these once and builds its own typed object;
 * nothing else reads `core.getInput`.
 */

/**
 * A trimmed one-line input, or undefined when it is empty. A line break inside is refused: a value printed in
 * the log could otherwise start a line of its own, which the runner reads as a workflow command (`::…::`).
 * Inputs that are text of several lines by nature (a certificate, a key, a JSON body) are read with `text`.
 */
export function optional(name: string): string | undefined {
  const value = text(name);
  if (value !== undefined && /[\r\n]/.test(value)) {
    throw new InputError(
      `Input '${name}' must be one line, but it has a line break.`,
      'Remove the line break (a value from a secret or an expression can end in one: trim it).',
    );
  }
  return value;
}

/** A trimmed input that may span lines (PEM, JSON, XML, a request body), or undefined when it is empty. */
export function text(name: string): string | undefined {
  const value = core.getInput(name).trim();
  return value === '' ? undefined : value;
}

export function required(name: string, what: string): string {
  const value = optional(name);
  if (value === undefined) throw new InputError(`Input '${name}' is required: ${what}.`);
  return value;
}

export function bool(name: string, fallback: boolean): boolean {
  return optionalBool(name) ?? fallback;
}

/** true, false, or undefined when the input is empty (the cloud's or another input's default then applies). */
export function optionalBool(name: string): boolean | undefined {
  const value = optional(name);
  if (value === undefined) return undefined;
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
  return optionalOneOf(name, choices) ?? fallback;
}

/** One of a fixed set of words, or undefined when the input is empty. */
export function optionalOneOf<T extends string>(name: string, choices: readonly T[]): T | undefined {
  const value = optional(name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new InputError(`Input '${name}' must be one of ${choices.join(', ')}, got '${value}'.`);
  }
  return value as T;
}

export interface DurationRule {
  /** The unit of a bare number: seconds, or minutes for inputs named `*-minutes`. */
  bare: BareUnit;
  minMs?: number;
  maxMs?: number;
}

/** Parses a time input (see duration.ts for the one syntax), naming the input and the range when it is wrong. */
export function parseDurationInput(name: string, raw: string, rule: DurationRule): number {
  const { bare, minMs = 0, maxMs = 7 * 24 * 3_600_000 } = rule;
  const ms = parseDuration(raw, bare);
  const range = `from ${formatLimit(minMs, bare)} to ${formatLimit(maxMs, bare)}`;
  if (ms === undefined) {
    throw new InputError(`Input '${name}' must be ${durationSyntax(bare)}, got '${raw}'.`);
  }
  if (ms < minMs || ms > maxMs) throw new InputError(`Input '${name}' must be ${range}, got '${raw}'.`);
  return ms;
}

/** A time input in milliseconds; `fallback` is written as the input's default is (e.g. '30' or '5m'). */
export function duration(name: string, fallback: string, rule: DurationRule): number {
  return parseDurationInput(name, optional(name) ?? fallback, rule);
}

const formatLimit = (ms: number, bare: BareUnit) => (bare === 'm' ? `${ms / 60_000} minutes` : `${ms / 1000} seconds`);

/**
 * A file or folder input, resolved against the workspace (GITHUB_WORKSPACE, else the working directory) and
 * refused when it resolves, links followed, outside both the workspace and the runner's temporary folder
 * (RUNNER_TEMP, where earlier steps such as amazon-ecs-render-task-definition leave their files).
 */
export function workspacePath(name: string, raw: string): string {
  const workspace = resolve(process.env.GITHUB_WORKSPACE ?? process.cwd());
  const path = resolve(workspace, raw);
  const roots = [workspace, process.env.RUNNER_TEMP].filter((root): root is string => Boolean(root));
  if (!roots.some((root) => isWithin(root, path))) {
    throw new InputError(
      `Input '${name}' is '${raw}', which is outside the workspace ${workspace}.`,
      'Give a path inside the repository checkout (relative to GITHUB_WORKSPACE), or in RUNNER_TEMP.',
    );
  }
  return path;
}

function isWithin(root: string, path: string): boolean {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : p);
  const inside = relative(real(resolve(root)), real(path));
  return !(inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside));
}
