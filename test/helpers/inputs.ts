import { afterEach, beforeEach, vi } from 'vitest';
import { inputVariable } from './runner.js';

/**
 * `read()` (a stage's readInputs) with exactly these INPUT_* variables set, as the runner sets them: every
 * other INPUT_* variable of the test process is unset first. The stubs are undone by `vi.unstubAllEnvs()`.
 */
export function withInputs<T>(inputs: Record<string, string>, read: () => T): T {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(inputVariable(name), value);
  return read();
}

/** Undoes environment stubs and spies after each test of the calling file or describe block. */
export function restoreAfterEach(): void {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
}

/**
 * Hooks for tests that call readInputs() directly: it prints ::add-mask:: commands, so stdout is silenced
 * (a test that reads them spies on stdout itself), and stubs and spies are undone after each test.
 */
export function quietInputs(): void {
  beforeEach(() => void vi.spyOn(process.stdout, 'write').mockImplementation(() => true));
  restoreAfterEach();
}
