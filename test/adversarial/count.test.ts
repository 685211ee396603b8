import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindOf, kinds, type Kind } from './kinds.js';

/** Issue 13's floor: at least this many cases of each kind across all actions. */
const floor: Record<Kind, number> = { [kinds.badInput]: 100, [kinds.leak]: 40, [kinds.fault]: 20 };

/** Counts the adversarial cases by kind, from `vitest list` over test/adversarial (collected, not run). */
export function countCases(root = process.cwd()): Record<Kind, number> {
  const out = execFileSync(
    process.execPath,
    [join(root, 'node_modules/vitest/vitest.mjs'), 'list', 'test/adversarial', '--json'],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, DEPLOY_ACTIONS_COUNTING: '1' },
    },
  );
  const listed = JSON.parse(out.slice(out.indexOf('['))) as { name: string }[];
  const counts = { [kinds.badInput]: 0, [kinds.leak]: 0, [kinds.fault]: 0 } as Record<Kind, number>;
  for (const { name } of listed) {
    const kind = kindOf(name.split(' > ').at(-1) ?? name);
    if (kind) counts[kind]++;
  }
  return counts;
}

describe('the adversarial suite', () => {
  it('holds at least 100 bad inputs, 40 leak cases and 20 faults across all actions', () => {
    const counts = countCases();
    console.log(
      `adversarial suite: ${counts[kinds.badInput]} bad inputs, ${counts[kinds.leak]} leak cases, ${counts[kinds.fault]} faults`,
    );
    for (const kind of Object.values(kinds)) expect(counts[kind], kind).toBeGreaterThanOrEqual(floor[kind]);
  }, 120_000);
});
