import { runStage } from '../lib/action.js';
import { readInputs } from './inputs.js';
import { outputs, type GitOpsReport } from './outputs.js';
import { summary } from './summary.js';

/**
 * gitops: set the image in a config repository (or revert a release commit), push it, and wait until Argo CD
 * has synced that commit and the Application is Healthy. Without argocd-server the step ends after the push.
 * Git, YAML and the Argo CD client are loaded once the inputs are valid: a mistyped input fails at once.
 */
export async function run(): Promise<void> {
  await runStage({
    name: 'gitops',
    start: (): GitOpsReport => ({ requests: { git: 0, argo: 0 } }),
    async run(report) {
      report.inputs = readInputs();
      const { release } = await import('./release.js');
      await release(report, report.inputs);
    },
    outputs,
    summary,
  });
}
