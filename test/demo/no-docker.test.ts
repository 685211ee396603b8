import { describe, expect, it } from 'vitest';
import { demo, expectTheStory, finalTable, processesLeft } from './helpers.js';

/** Where Docker cannot be had, `npm run demo` still shows deploy, fail-fast, rollback and the test-traffic gate. */
describe('npm run demo --no-docker', () => {
  it('says so and runs the same flow with tasks as local processes of the sample service, then stops them', async () => {
    const { stdout } = await demo('--no-docker');
    expect(stdout).toContain('No Docker engine (--no-docker was given): tasks run as local Node processes');
    expect(finalTable(stdout)).toMatch(/1\.0\.0 +build-push +- skipped/);
    expectTheStory(stdout);
    expect(processesLeft(stdout)).toEqual([]);
  }, 340_000);
});
