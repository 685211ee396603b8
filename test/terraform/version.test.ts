import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintToRange, parseSpec, satisfies, versionFromDirectory } from '../../src/terraform/version.js';

describe('Terraform version constraints', () => {
  it('translates ~> the way Terraform reads it', () => {
    expect(constraintToRange('~> 1.5')).toBe('>=1.5.0 <2.0.0');
    expect(constraintToRange('~> 1.5.3')).toBe('>=1.5.3 <1.6.0');
    expect(constraintToRange('>= 1.3, < 2.0')).toBe('>=1.3 <2.0');
    expect(satisfies('1.9.8', parseSpec('~> 1.5', 'x'))).toBe(true);
    expect(satisfies('2.0.0', parseSpec('~> 1.5', 'x'))).toBe(false);
    expect(satisfies('1.6.0', parseSpec('~> 1.5.3', 'x'))).toBe(false);
  });

  it('tells exact versions, ranges and latest apart, and names the source of a bad one', () => {
    expect(parseSpec('1.11.4', 'x')).toEqual({ kind: 'exact', version: '1.11.4' });
    expect(parseSpec('v1.11.4', 'x')).toEqual({ kind: 'exact', version: '1.11.4' });
    expect(parseSpec('latest', 'x')).toEqual({ kind: 'latest' });
    expect(parseSpec('^1.10', 'x').kind).toBe('range');
    expect(() => parseSpec('one point two', '.terraform-version')).toThrow(/\.terraform-version 'one point two'/);
  });

  it('reads .terraform-version first, then required_version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-version-'));
    expect(versionFromDirectory(dir)).toBeUndefined();
    writeFileSync(join(dir, 'versions.tf'), 'terraform {\n  required_version = "~> 1.9"\n}\n');
    expect(versionFromDirectory(dir)).toEqual({ kind: 'range', range: '>=1.9.0 <2.0.0' });
    writeFileSync(join(dir, '.terraform-version'), '1.11.4\n');
    expect(versionFromDirectory(dir)).toEqual({ kind: 'exact', version: '1.11.4' });
  });
});
