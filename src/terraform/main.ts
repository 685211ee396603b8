import { relative } from 'node:path';
import { runLegacyStage } from '../lib/action.js';
import { DeployError } from '../lib/errors.js';
import { readInputs } from './inputs.js';
import { commentFailure, writeJobSummary } from './publish.js';
import type { Report } from './report.js';

/**
 * The Terraform stage: install a checksum-verified Terraform, init, then plan (summary and PR comment),
 * apply exactly the reviewed plan, read the outputs, or validate. The phases are loaded once the inputs
 * are valid, so a mistyped input fails without paying for the tool cache and HTTP clients.
 */
export async function run(): Promise<void> {
  await runLegacyStage(async () => {
    const inputs = readInputs();
    const root = relative(process.env.GITHUB_WORKSPACE ?? process.cwd(), inputs.workingDirectory) || '.';
    const report: Report = { inputs, root, startedAt: Date.now() };
    try {
      const { stage } = await import('./stage.js');
      await stage(inputs, report);
    } catch (error) {
      report.error = error instanceof Error ? error.message : String(error);
      report.hint = error instanceof DeployError ? error.hint : undefined;
      await writeJobSummary(report);
      await commentFailure(report);
      throw error;
    }
    await writeJobSummary(report);
  });
}
