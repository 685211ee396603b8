import * as core from '@actions/core';
import { runLegacyStage } from '../lib/action.js';
import { describe } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { writeSummary } from '../lib/summary.js';
import { chooseTarget, readAzureInputs, readEcsInputs } from './inputs.js';
import type { RollbackResult } from './result.js';

/**
 * rollback: put the last good version back, after a failed smoke test or by hand. ECS: point the
 * service at a known-good revision and watch it roll out. Idempotent: what already runs the target is
 * left alone and the step succeeds.
 */
export async function run(): Promise<void> {
  const started = Date.now();
  await runLegacyStage(async () => {
    const target = chooseTarget();
    let result: RollbackResult;
    let reason: string | undefined;
    try {
      if (target === 'ecs') {
        const inputs = readEcsInputs();
        reason = inputs.reason;
        const { rollbackEcs } = await import('./ecs.js');
        result = await core.group(inputs.mode === 'mark-good' ? 'Mark known-good' : 'Roll back', () =>
          rollbackEcs(inputs),
        );
      } else {
        // ---- target: azure: swap back, or set previous-image, then wait until production serves it. ----
        const inputs = readAzureInputs();
        reason = inputs.reason;
        const { rollbackAzure } = await import('./azure.js');
        result = await core.group('Roll back', () => rollbackAzure(inputs));
      }
    } catch (error) {
      writeSummary({
        stage: 'rollback',
        outcome: 'failure',
        headline: describe(error),
        facts: [
          ['Why', reason],
          ['Duration', formatDuration(Date.now() - started)],
        ],
      });
      throw error;
    }
    core.setOutput('outcome', result.outcome);
    core.setOutput('rolled-back-to', result.to);
    core.setOutput('rolled-back-from', result.from);
    core.setOutput('rollout-state', result.rolloutState ?? '');
    core.info(result.headline);
    writeSummary({
      stage: 'rollback',
      outcome: result.outcome === 'already-current' ? 'unchanged' : 'success',
      headline: result.headline,
      facts: [
        ...result.facts,
        ['Why', reason],
        ['From', result.from],
        ['To', result.to],
        ['Duration', formatDuration(Date.now() - started)],
      ],
      details: result.events?.length
        ? [{ title: `Service events (${result.events.length})`, body: result.events.join('\n'), preformatted: true }]
        : [],
    });
  });
}
