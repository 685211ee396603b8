import * as core from '@actions/core';
import { runLegacyStage } from '../lib/action.js';
import { aws, ecsClient } from '../lib/aws.js';
import { bool } from '../lib/inputs.js';

/**
 * The post step, run only when the workflow run was cancelled (`post-if: cancelled()`): when the
 * cancellation came during the watch, the services are pointed back at what they ran before, so a
 * cancelled run does not leave a rollout half done.
 */
export async function cancelRollback(): Promise<void> {
  await runLegacyStage(async () => {
    const saved = core.getState('rollback');
    if (!saved) {
      core.info('No rollout was in progress when the run was cancelled: nothing to put back.');
      return;
    }
    const state = JSON.parse(saved) as {
      region?: string;
      cluster: string;
      services: { service: string; previous: string }[];
    };
    if (!bool('rollback-on-cancel', true)) {
      core.warning(
        `The run was cancelled during the rollout of ${state.services.map((s) => s.service).join(', ')}; rollback-on-cancel is false, so the rollout goes on.`,
      );
      return;
    }
    const { UpdateServiceCommand } = await import('@aws-sdk/client-ecs');
    const client = await ecsClient({ region: state.region, stage: 'deploy-ecs' });
    for (const { service, previous } of state.services) {
      await aws(`ecs:UpdateService (${service})`, () =>
        client.send(new UpdateServiceCommand({ cluster: state.cluster, service, taskDefinition: previous })),
      );
      core.warning(`The run was cancelled during the rollout: ${service} was pointed back at ${previous}.`);
    }
  });
}
