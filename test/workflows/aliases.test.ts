import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { root } from './workflows.js';

/**
 * Users write `uses: org/deploy-actions/deploy-ecs@v1`: GitHub reads <name>/action.yml at the repository root,
 * which the build writes from actions/<name>/action.yml with main/post pointing back into actions/<name>/.
 */
const names = readdirSync(join(root, 'actions')).filter((name) =>
  existsSync(join(root, 'actions', name, 'action.yml')),
);

interface ActionYml {
  runs: Record<string, string>;
  [key: string]: unknown;
}

const read = (file: string) => parse(readFileSync(file, 'utf8')) as ActionYml;

describe.each(names)('org/deploy-actions/%s@v1', (name) => {
  const aliasFile = join(root, name, 'action.yml');
  const actionFile = join(root, 'actions', name, 'action.yml');

  it('exists at the repository root', () => {
    expect(existsSync(aliasFile), `${name}/action.yml is missing: run npm run build`).toBe(true);
  });

  it('declares the same inputs, outputs and runtime as actions/' + name, () => {
    const { runs: aliasRuns, ...alias } = read(aliasFile);
    const { runs, ...action } = read(actionFile);
    expect(alias).toEqual(action);
    expect(Object.keys(aliasRuns).sort()).toEqual(Object.keys(runs).sort());
    expect(aliasRuns.using).toBe(runs.using);
    expect(aliasRuns['post-if']).toBe(runs['post-if']);
  });

  it('runs the very bundles of actions/' + name, () => {
    const { runs: aliasRuns } = read(aliasFile);
    const { runs } = read(actionFile);
    for (const key of ['main', 'post'].filter((k) => runs[k] !== undefined)) {
      const target = resolve(dirname(aliasFile), aliasRuns[key]!);
      expect(target).toBe(resolve(dirname(actionFile), runs[key]!));
      expect(existsSync(target), `${key}: ${aliasRuns[key]} does not exist`).toBe(true);
    }
  });
});
