import * as core from '@actions/core';
import { describe, failureReason } from './errors.js';

/**
 * Runs a stage's body and turns any error into one failed step with a readable reason. The only place
 * that calls `core.setFailed`, so every stage reports failures the same way.
 */
export async function runStage(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    core.setOutput('failure-reason', failureReason(error));
    if (error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(describe(error));
  }
}
