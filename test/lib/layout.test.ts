import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/runner.js';

/** The layout rules of DESIGN.md, as `npm run lint` enforces them: proved to bite on code that breaks them. */
describe('lint: the layout rules', () => {
  const eslint = new ESLint({ cwd: repoRoot });
  const lint = async (filePath: string, code: string) =>
    (await eslint.lintText(code, { filePath: `${repoRoot}/${filePath}` }))[0]?.messages.map((m) => m.ruleId) ?? [];

  it('refuses a stage importing another stage', async () => {
    const code = "import { waitForSlot } from '../deploy-azure/wait.js';\nexport const x = waitForSlot;\n";
    expect(await lint('src/rollback/azure.ts', code)).toContain('no-restricted-imports');
  });

  it('refuses a type-only import from another stage too, and src/lib importing a stage', async () => {
    const typeOnly =
      "import type { SmokeTestInputs } from '../smoke-test/inputs.js';\nexport type X = SmokeTestInputs;\n";
    expect(await lint('src/deploy-ecs/x.ts', typeOnly)).toContain('no-restricted-imports');
    const fromLib = "import { run } from '../preview/main.js';\nexport const x = run;\n";
    expect(await lint('src/lib/x.ts', fromLib)).toContain('no-restricted-imports');
  });

  it('lets a stage import src/lib and its own modules', async () => {
    const code =
      "import { poll } from '../lib/poll.js';\nimport { run } from './main.js';\nexport const x = [poll, run];\n";
    expect(await lint('src/rollback/x.ts', code)).not.toContain('no-restricted-imports');
  });

  it('refuses a function over 60 lines in src/', async () => {
    const body = Array.from({ length: 61 }, (_, i) => `  total += ${i};`).join('\n');
    const code = `export function long(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
    expect(await lint('src/lib/x.ts', code)).toContain('max-lines-per-function');
    const short = 'export function short(): number {\n  return 1;\n}\n';
    expect(await lint('src/lib/x.ts', short)).not.toContain('max-lines-per-function');
  });
});
