import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../scripts/lint-workflows.js';

const script = join(import.meta.dirname, '..', '..', 'scripts', 'lint-workflows.ts');

/**
 * Runs the real lint script (actionlint, shellcheck, GitHub's parser) as `npm run lint:workflows` does,
 * in a child process: GitHub's parser imports its schemas in a way that Vitest's Node loader refuses.
 */
export function lint(files: string[]): Finding[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, '--json', ...files], {
    encoding: 'utf8',
    cwd: join(import.meta.dirname, '..', '..'),
  });
  return JSON.parse(out) as Finding[];
}

/** Lints YAML text written to a temporary file of the given name. */
export function lintText(name: string, content: string): Finding[] {
  const dir = mkdtempSync(join(tmpdir(), 'lint-workflows-'));
  const file = join(dir, name);
  writeFileSync(file, content);
  return lint([file]).map((f) => ({ ...f, file: name }));
}
