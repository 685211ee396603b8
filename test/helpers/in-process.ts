import { runnerFiles, readStep, stepEnvironment, type StepResult } from './runner.js';

/**
 * Runs a stage's run() inside the test process with the same runner contract as a bundle run: inputs as
 * INPUT_* variables, runner files read back, and everything written to stdout captured as the log.
 * Test files run in their own workers, so the environment swap does not leak between files.
 */
export async function runInProcess(
  run: () => Promise<void>,
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {},
  state: Record<string, string> = {},
): Promise<Omit<StepResult, 'files'> & { failed: boolean }> {
  const files = runnerFiles();
  const saved = process.env;
  const savedExitCode = process.exitCode;
  process.env = stepEnvironment(inputs, files, env, state);
  let log = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    log += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
  const failed = process.exitCode === 1;
  process.exitCode = savedExitCode;
  return { exitCode: failed ? 1 : 0, failed, log, ...readStep(files) };
}
