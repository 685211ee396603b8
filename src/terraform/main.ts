import { relative } from 'node:path';
import { runStage, type Stage } from '../lib/action.js';
import { readInputs } from './inputs.js';
import { outputs, type TerraformOutput } from './outputs.js';
import type { Report, Run } from './report.js';
import { summary } from './summary.js';

/**
 * The Terraform stage: install a checksum-verified Terraform, init, then plan (summary and PR comment),
 * apply exactly the reviewed plan, read the outputs, or validate. The phases are loaded once the inputs
 * are valid, so a mistyped input fails without paying for the tool cache and HTTP clients.
 */
export const terraformStage: Stage<Report, TerraformOutput> = {
  name: 'terraform',
  start: () => ({}),
  async run(report) {
    const started = withInputs(report);
    try {
      const { stage } = await import('./stage.js');
      await stage(started);
    } catch (error) {
      const { commentFailure } = await import('./publish.js');
      await commentFailure(started, error);
      throw error;
    }
  },
  outputs,
  summary,
};

export async function run(): Promise<void> {
  await runStage(terraformStage);
}

/** The report with the inputs read, and where the run started (for the comment's duration). */
function withInputs(report: Report): Run {
  const inputs = readInputs();
  const root = relative(process.env.GITHUB_WORKSPACE ?? process.cwd(), inputs.workingDirectory) || '.';
  return Object.assign(report, { inputs, root, startedAt: Date.now() });
}
