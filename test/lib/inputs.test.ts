import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeyValues, parseList, parseNumber, workspacePath } from '../../src/lib/inputs.js';
import { InputError } from '../../src/lib/errors.js';

describe('parseKeyValues', () => {
  it('keeps every = after the first in the value, so connection strings survive', () => {
    const pairs = parseKeyValues('environment-variables', 'DB=postgres://u:p@h/db?sslmode=require&x=1\nEMPTY=\n');
    expect(pairs.get('DB')).toBe('postgres://u:p@h/db?sslmode=require&x=1');
    expect(pairs.get('EMPTY')).toBe('');
  });

  it('skips blank lines and comments', () => {
    expect([...parseKeyValues('x', '\n# a comment\nA=1\n\n').keys()]).toEqual(['A']);
  });

  it('names the input and the line of a pair without a key', () => {
    expect(() => parseKeyValues('environment-variables', 'A=1\nnot a pair')).toThrowError(
      /'environment-variables' line 2 is not KEY=value: 'not a pair'/,
    );
    expect(() => parseKeyValues('x', '=value')).toThrowError(InputError);
  });
});

describe('parseList', () => {
  it('splits on newlines and commas and drops blanks', () => {
    expect(parseList('a\n b ,c\n\n# note\n')).toEqual(['a', 'b', 'c']);
  });

  it('keeps commas when asked to', () => {
    expect(parseList('echo a,b\nnext', { commas: false })).toEqual(['echo a,b', 'next']);
  });
});

describe('parseNumber', () => {
  it('accepts a number in range', () => {
    expect(parseNumber('desired-count', '3')).toBe(3);
    expect(parseNumber('poll-interval', '0.5', { integer: false, min: 0.1 })).toBe(0.5);
  });

  it.each([
    ['abc', /must be a whole number from 0/],
    ['-1', /got -1/],
    ['1.5', /whole number/],
    ['', /got ''/],
  ])('rejects %j with the input name and the expected range', (raw, message) => {
    expect(() => parseNumber('desired-count', raw)).toThrowError(message);
    expect(() => parseNumber('desired-count', raw)).toThrowError(/'desired-count'/);
  });
});

describe('workspacePath: file inputs stay inside the checkout', () => {
  const withEnv = (env: Record<string, string>, body: () => void) => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      body();
    } finally {
      process.env = saved;
    }
  };

  it('resolves a relative path against GITHUB_WORKSPACE, and accepts RUNNER_TEMP', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ws-'));
    const temp = mkdtempSync(join(tmpdir(), 'rt-'));
    withEnv({ GITHUB_WORKSPACE: workspace, RUNNER_TEMP: temp }, () => {
      expect(workspacePath('file', '.aws/task.json')).toBe(join(workspace, '.aws/task.json'));
      expect(workspacePath('file', join(temp, 'rendered.json'))).toBe(join(temp, 'rendered.json'));
    });
  });

  it('refuses a path that climbs out, an absolute path elsewhere, and a link that leads out', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ws-'));
    symlinkSync('/etc', join(workspace, 'etc-link'));
    withEnv({ GITHUB_WORKSPACE: workspace }, () => {
      delete process.env.RUNNER_TEMP;
      for (const raw of ['../secrets.json', '/etc/passwd', 'etc-link/passwd']) {
        expect(() => workspacePath('var-file', raw), raw).toThrow(/Input 'var-file' is .* outside the workspace/);
      }
      expect(workspacePath('var-file', '..hidden/file')).toBe(join(workspace, '..hidden/file'));
    });
  });
});

describe('one-line and multi-line inputs', () => {
  it('refuses a line break inside a one-line input, naming it, and keeps it in a text input', async () => {
    const { optional, text } = await import('../../src/lib/inputs.js');
    process.env.INPUT_CLUSTER = 'prod\n::error::forged';
    process.env.INPUT_BODY = '{\n  "a": 1\n}\n';
    try {
      expect(() => optional('cluster')).toThrow(/^Input 'cluster' must be one line/);
      expect(text('body')).toBe('{\n  "a": 1\n}');
      process.env.INPUT_CLUSTER = '  prod\n';
      expect(optional('cluster')).toBe('prod');
    } finally {
      delete process.env.INPUT_CLUSTER;
      delete process.env.INPUT_BODY;
    }
  });
});
