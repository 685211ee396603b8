import * as core from '@actions/core';
import { runLegacyStage } from '../lib/action.js';
import { writeSummary } from '../lib/summary.js';
import { readInputs, readMode, readTeardownInputs } from './inputs.js';
import { summarise } from './summary.js';
import { readTaskDefinitionFile, render } from './taskdef.js';

/**
 * deploy-ecs: render and register the task definition, run the one-off task, update or create the
 * services, watch each rollout and fail as soon as ECS shows it cannot succeed.
 */
export async function run(): Promise<void> {
  await runLegacyStage(async () => {
    const started = Date.now();
    if (readMode() === 'teardown') {
      const teardownInputs = readTeardownInputs();
      const { teardown, summariseTeardown } = await import('./teardown.js');
      const results = await teardown(teardownInputs);
      core.setOutput('services', JSON.stringify(results));
      writeSummary(summariseTeardown(teardownInputs, results, Date.now() - started));
      return;
    }
    const inputs = readInputs();
    // Read and rendered before the AWS SDK is even loaded: a broken file fails in the time of a bare node start.
    const file =
      inputs.source.kind === 'file'
        ? render(await readTaskDefinitionFile(inputs.source.path), inputs.render).definition
        : undefined;
    const { deploy } = await import('./deploy.js');
    const report = await deploy(inputs, file);

    const first = report.services[0];
    core.setOutput('task-definition-arn', report.taskDefinitionArn ?? '');
    core.setOutput('previous-task-definition-arn', first?.previous ?? '');
    core.setOutput('deployment-id', first?.deploymentId ?? '');
    core.setOutput('rollout-state', first?.rolloutState ?? '');
    core.setOutput('rolled-back', String(report.services.some((s) => s.rolledBackBy)));
    core.setOutput('service-url', report.serviceUrl?.url ?? '');
    core.setOutput(
      'services',
      JSON.stringify(
        report.services.map(({ service, previous, deploymentId, rolloutState, outcome, rolledBackBy }) => ({
          service,
          previous,
          deploymentId,
          rolloutState,
          outcome,
          rolledBackBy,
        })),
      ),
    );
    if (report.oneOff) core.setOutput('run-task-arn', report.oneOff.taskArn);
    writeSummary(summarise(report, Date.now() - started));
    if (report.error) throw report.error;
  });
}
