import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';
import { delimiter as pathDelimiter } from 'node:path';
import type * as toolkit from '@actions/core';

/**
 * What the bundles use in place of @actions/core: the part of its API this suite calls, speaking the runner's
 * workflow commands (`::warning::`, `::add-mask::`, ...) and environment files (GITHUB_OUTPUT, GITHUB_STATE,
 * GITHUB_ENV, GITHUB_PATH) exactly as the toolkit does. @actions/core loads @actions/http-client and undici at
 * import (for getIDToken) and @actions/exec (for `platform`), about 1 MB that every action would parse before it
 * could even refuse a mistyped input. scripts/build.mjs makes every `@actions/core` of a bundle this module (ours and
 * @actions/tool-cache's); tests and type checks use the real package, and test/lib/bundles.test.ts checks that both
 * print and write the same, and that this module has every function the bundled code calls.
 * References: "Workflow commands for GitHub Actions" (docs.github.com, actions/using-workflows) and the
 * toolkit's packages/core README.
 */

type AnnotationProperties = toolkit.AnnotationProperties;
type InputOptions = toolkit.InputOptions;

export enum ExitCode {
  Success = 0,
  Failure = 1,
}

/** Any value as a command's text: strings as they are, nothing as '', anything else as JSON. */
function commandValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || value instanceof String) return String(value);
  return JSON.stringify(value);
}

/** Escapes of a command's message ("Workflow commands": %, CR and LF are percent-encoded). */
function escapeData(value: unknown): string {
  return commandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value also escapes the separators of the property list, ':' and ','. */
function escapeProperty(value: unknown): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::command key=value,key=value::message` on stdout; properties without a value are left out. */
function issueCommand(command: string, properties: Record<string, unknown>, message: unknown): void {
  const list = Object.entries(properties)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  process.stdout.write(`::${command}${list ? ` ${list}` : ''}::${escapeData(message)}${EOL}`);
}

/** Appends to the environment file GITHUB_<file>, as the runner reads it after the step. */
function appendToFile(file: string, text: string): void {
  const path = process.env[`GITHUB_${file}`];
  if (!path) throw new Error(`Unable to find environment variable for file command ${file}`);
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`);
  appendFileSync(path, `${text}${EOL}`, { encoding: 'utf8' });
}

/**
 * A random version-4 UUID from Math.random. The delimiter needs no secrecy: a name or value that contains it is
 * refused below, so it cannot end the block early; randomness only keeps a value from holding it by chance.
 * node:crypto costs about a fifth of a bare Node start to load, which every action would pay on its first output.
 */
function randomUuid(): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const variant = '89ab'[Math.floor(Math.random() * 4)];
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

/** A `name<<delimiter` block with a random delimiter that neither the name nor the value may contain. */
function keyValue(name: string, value: unknown): string {
  const delimiter = `ghadelimiter_${randomUuid()}`;
  const text = commandValue(value);
  if (name.includes(delimiter))
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  if (text.includes(delimiter))
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  return `${name}<<${delimiter}${EOL}${text}${EOL}${delimiter}`;
}

function annotation(properties: AnnotationProperties): Record<string, unknown> {
  if (Object.keys(properties).length === 0) return {};
  return {
    title: properties.title,
    file: properties.file,
    line: properties.startLine,
    endLine: properties.endLine,
    col: properties.startColumn,
    endColumn: properties.endColumn,
  };
}

export function getInput(name: string, options?: InputOptions): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
  if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`);
  return options?.trimWhitespace === false ? value : value.trim();
}

export function getMultilineInput(name: string, options?: InputOptions): string[] {
  const lines = getInput(name, options)
    .split('\n')
    .filter((line) => line !== '');
  return options?.trimWhitespace === false ? lines : lines.map((line) => line.trim());
}

export function getBooleanInput(name: string, options?: InputOptions): boolean {
  const value = getInput(name, options);
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new TypeError(
    `Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
      'Support boolean input list: `true | True | TRUE | false | False | FALSE`',
  );
}

export function setOutput(name: string, value: unknown): void {
  if (process.env.GITHUB_OUTPUT) return appendToFile('OUTPUT', keyValue(name, value));
  process.stdout.write(EOL);
  issueCommand('set-output', { name }, commandValue(value));
}

export function exportVariable(name: string, value: unknown): void {
  process.env[name] = commandValue(value);
  if (process.env.GITHUB_ENV) return appendToFile('ENV', keyValue(name, value));
  issueCommand('set-env', { name }, commandValue(value));
}

export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret);
}

export function addPath(path: string): void {
  if (process.env.GITHUB_PATH) appendToFile('PATH', path);
  else issueCommand('add-path', {}, path);
  process.env.PATH = `${path}${pathDelimiter}${process.env.PATH}`;
}

export function saveState(name: string, value: unknown): void {
  if (process.env.GITHUB_STATE) return appendToFile('STATE', keyValue(name, value));
  issueCommand('save-state', { name }, commandValue(value));
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] || '';
}

export function isDebug(): boolean {
  return process.env.RUNNER_DEBUG === '1';
}

export function debug(message: string): void {
  issueCommand('debug', {}, message);
}

export function error(message: string | Error, properties: AnnotationProperties = {}): void {
  issueCommand('error', annotation(properties), message instanceof Error ? message.toString() : message);
}

export function warning(message: string | Error, properties: AnnotationProperties = {}): void {
  issueCommand('warning', annotation(properties), message instanceof Error ? message.toString() : message);
}

export function notice(message: string | Error, properties: AnnotationProperties = {}): void {
  issueCommand('notice', annotation(properties), message instanceof Error ? message.toString() : message);
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export function setFailed(message: string | Error): void {
  process.exitCode = ExitCode.Failure;
  error(message);
}

export function startGroup(name: string): void {
  issueCommand('group', {}, name);
}

export function endGroup(): void {
  issueCommand('endgroup', {}, '');
}

export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  startGroup(name);
  try {
    return await fn();
  } finally {
    endGroup();
  }
}

/** The toolkit functions provided here, by name: what the bundles may call (checked by test/lib/bundles.test.ts). */
export const provided = [
  'getInput',
  'getMultilineInput',
  'getBooleanInput',
  'setOutput',
  'exportVariable',
  'setSecret',
  'addPath',
  'saveState',
  'getState',
  'isDebug',
  'debug',
  'error',
  'warning',
  'notice',
  'info',
  'setFailed',
  'startGroup',
  'endGroup',
  'group',
] as const;

// Each function keeps the toolkit's signature, so code type-checked against @actions/core runs on this module.
type Provided = (typeof provided)[number];
const _sameSignatures: Pick<typeof toolkit, Provided> = {
  getInput,
  getMultilineInput,
  getBooleanInput,
  setOutput,
  exportVariable,
  setSecret,
  addPath,
  saveState,
  getState,
  isDebug,
  debug,
  error,
  warning,
  notice,
  info,
  setFailed,
  startGroup,
  endGroup,
  group,
};
