import { runStage, type Stage } from '../lib/action.js';
import { gateAnswer, isTeardown, readAnswerInputs, readInputs, readTeardownInputs } from './inputs.js';
import { deployOutputs, teardownOutputs, type OutputName } from './outputs.js';
import { emptyReport, type DeployReport } from './report.js';
import { deploySummary, teardownSummary } from './summary.js';
import type { TeardownReport } from './teardown.js';

/**
 * deploy-ecs: render and register the task definition, run the one-off task, update or create the
 * services, watch each rollout and fail as soon as ECS shows it cannot succeed. With `mode: teardown`, it
 * deletes the services instead (a pull request's preview); with `mode: continue` or `rollback`, it answers a
 * deployment paused at the test-traffic gate.
 */
export async function run(): Promise<void> {
  if (isTeardown()) await runStage(teardownStage);
  else if (gateAnswer()) await runStage(answerStage);
  else await runStage(deployStage);
}

export const deployStage: Stage<DeployReport, OutputName> = {
  name: 'deploy-ecs',
  start: emptyReport,
  async run(report) {
    const inputs = readInputs();
    report.cluster = inputs.cluster;
    // Inputs first (a mistyped one fails in the time of a bare node start), then the file is read and rendered
    // (zod, yaml) before the AWS SDK is even loaded, so a broken file fails before the SDK is paid for.
    const { readTaskDefinitionFile, render } = await import('./taskdef.js');
    const file =
      inputs.source.kind === 'file'
        ? render(await readTaskDefinitionFile(inputs.source.path, inputs.render.keepEmpty), inputs.render).definition
        : undefined;
    const { deploy } = await import('./deploy.js');
    await deploy(inputs, file, report);
  },
  outputs: deployOutputs,
  summary: deploySummary,
};

export const answerStage: Stage<DeployReport, OutputName> = {
  name: 'deploy-ecs gate',
  start: emptyReport,
  async run(report) {
    const inputs = readAnswerInputs(gateAnswer() ?? 'continue');
    report.cluster = inputs.cluster;
    const { answer } = await import('./answer.js');
    await answer(inputs, report);
  },
  outputs: deployOutputs,
  summary: deploySummary,
};

export const teardownStage: Stage<TeardownReport, OutputName> = {
  name: 'deploy-ecs teardown',
  start: () => ({ results: [] }),
  async run(report) {
    const inputs = readTeardownInputs();
    report.cluster = inputs.cluster;
    const { teardown } = await import('./teardown.js');
    await teardown(inputs, report);
  },
  outputs: teardownOutputs,
  summary: teardownSummary,
};
