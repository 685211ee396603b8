import { runStage } from '../lib/action.js';
import { readPullRequest } from './event.js';
import { readInputs } from './inputs.js';
import { outputs, summary, type PreviewReport } from './report.js';

/**
 * preview: the GitHub side of a pull request preview. A deployment to pr-<number> with a status that
 * carries the preview's URL, and one sticky comment on the pull request edited on every push; on close,
 * every deployment of the environment inactive and the comment saying so. Fork pull requests get nothing.
 * The GitHub client is loaded once the inputs are valid: a mistyped input fails at once.
 */
export async function run(): Promise<void> {
  await runStage({
    name: 'preview',
    start: (): PreviewReport => ({}),
    async run(report) {
      const inputs = readInputs();
      const pr = readPullRequest();
      const { publish } = await import('./publish.js');
      await publish(report, inputs, pr);
    },
    outputs,
    summary,
  });
}
