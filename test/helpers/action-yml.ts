import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './runner.js';

interface ActionYml {
  inputs?: Record<string, { required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
}

export function actionYml(action: string): ActionYml {
  return parse(readFileSync(join(repoRoot, 'actions', action, 'action.yml'), 'utf8')) as ActionYml;
}

/**
 * The outputs a stage's pure `outputs(report)` must name: every output of its action.yml except
 * `failure-reason`, which runStage sets itself. Sorted, for comparing with `Object.keys`.
 */
export function stageOutputNames(action: string): string[] {
  return Object.keys(actionYml(action).outputs ?? {})
    .filter((name) => name !== 'failure-reason')
    .sort();
}
