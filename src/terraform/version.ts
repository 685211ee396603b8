import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as semver from 'semver';
import { InputError } from '../lib/errors.js';

/**
 * What version of Terraform a run wants: `latest`, one exact version, or a semver range. Users write
 * Terraform's own constraint syntax in `required_version` (`~> 1.5`, `>= 1.3, < 2.0`), so it is translated.
 */
export type VersionSpec = { kind: 'latest' } | { kind: 'exact'; version: string } | { kind: 'range'; range: string };

/** Translates one Terraform version constraint (`~> 1.5`, `>= 1.3, < 2.0`, `= 1.2.3`) to a semver range. */
export function constraintToRange(constraint: string): string {
  const parts = constraint
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+){0,2}(?:-[\w.]+)?)$/.exec(part);
      if (!match) throw new Error(`'${part}' is not a version constraint`);
      const [, operator = '=', version = ''] = match;
      if (operator !== '~>') return operator === '=' ? version : `${operator}${version}`;
      const segments = version.split('-')[0]!.split('.').map(Number);
      const [major = 0, minor = 0, patch = 0] = segments;
      // `~> 1.5` allows any 1.x from 1.5; `~> 1.5.3` only 1.5.x from 1.5.3 (the rightmost part may grow).
      return segments.length === 3
        ? `>=${major}.${minor}.${patch} <${major}.${minor + 1}.0`
        : `>=${major}.${minor}.0 <${major + 1}.0.0`;
    });
  // `!=` has no single-range form; leaving it out only widens the choice to the version it excludes.
  return parts.filter((part) => !part.startsWith('!=')).join(' ');
}

/** Parses the `terraform-version` input or a version found in the working directory. */
export function parseSpec(raw: string, source: string): VersionSpec {
  const text = raw.trim();
  if (text === 'latest') return { kind: 'latest' };
  const exact = semver.valid(semver.clean(text) ?? '');
  if (exact) return { kind: 'exact', version: exact };
  let range: string | null;
  try {
    range = semver.validRange(/~>|,|^=/.test(text) ? constraintToRange(text) : text);
  } catch {
    range = null;
  }
  if (!range) {
    throw new InputError(
      `${source} '${text}' is not a version, a range or 'latest'.`,
      'Examples: 1.11.4, ~1.11, >=1.9 <2, ~> 1.9 (Terraform syntax), latest.',
    );
  }
  return { kind: 'range', range };
}

/**
 * The version the working directory asks for: `.terraform-version` (tfenv, tofuenv's `.opentofu-version`)
 * first, then `required_version` in its `.tf` files. Undefined when it says nothing.
 */
export function versionFromDirectory(dir: string): VersionSpec | undefined {
  for (const file of ['.terraform-version', '.opentofu-version']) {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8').split('\n')[0]!.trim();
    } catch {
      continue;
    }
    if (text !== '' && text !== 'min-required') return parseSpec(text, file);
  }
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.tf'));
  } catch {
    return undefined;
  }
  for (const file of files.sort()) {
    const match = /required_version\s*=\s*"([^"]+)"/.exec(readFileSync(join(dir, file), 'utf8'));
    if (match) return parseSpec(match[1]!, `required_version in ${file}`);
  }
  return undefined;
}

export function satisfies(version: string, spec: VersionSpec): boolean {
  if (spec.kind === 'latest') return false;
  if (spec.kind === 'exact') return semver.eq(version, spec.version);
  return semver.satisfies(version, spec.range);
}

export function describeSpec(spec: VersionSpec): string {
  return spec.kind === 'latest' ? 'latest' : spec.kind === 'exact' ? spec.version : spec.range;
}
