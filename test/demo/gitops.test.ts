import { describe, expect, it } from 'vitest';
import { git } from '../helpers/prereq.js';
import { demo, finalTable } from './helpers.js';

/** `npm run demo -- --target gitops`: the GitOps chapter, against real Git and a local Argo CD. */
describe('npm run demo -- --target gitops', () => {
  it.skipIf(!git().available)(
    'releases a good image synced and proven, detects a broken one Degraded, reverts it and proves the good one again',
    async () => {
      const { stdout } = await demo('--target', 'gitops');
      const table = finalTable(stdout);
      expect(table).toMatch(/v2 +gitops +✔ success/);
      expect(table).toMatch(/crash +gitops +✘ failure/);
      expect(table).toMatch(/crash +smoke-test +✔ success/);
      expect(stdout).toMatch(
        /Roll back hello: revert "Release hello: web registry\.example\/hello:v2 → registry\.example\/hello:crash"/,
      );
    },
    120_000,
  );
});
