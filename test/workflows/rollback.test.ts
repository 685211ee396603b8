import { describe, expect, it } from 'vitest';
import { runs, type JobStatus } from './expressions.js';
import { workflow, type Step } from './workflows.js';

/**
 * The deploy job of each pipeline played step by step the way the runner decides (GitHub's expression engine
 * on each `if:`, `success() &&` added where no status function is written, a failed step failing the job, a
 * cancel cancelling the rest): given what the deploy and smoke steps did, which steps ran. An unproven version
 * is put back whether the smoke test failed, the deploy step failed after it changed the service, or the run
 * was cancelled.
 */

interface Result {
  outcome: 'success' | 'failure';
  outputs?: Record<string, string>;
}

interface Scenario {
  'dry-run'?: boolean;
  /** What a step did when it ran, by step id; any other step succeeds with no outputs. */
  results: Record<string, Result>;
  /** The run is cancelled while this step runs: it ends cancelled, writing no outputs. */
  cancelDuring?: string;
}

const stepName = (step: Step, index: number) => step.id ?? (step.name as string | undefined) ?? `steps[${index}]`;

/** The ids (or names) of the steps that ran, in order. */
function play(file: string, scenario: Scenario): string[] {
  const steps = workflow(file).jobs.deploy!.steps!;
  const status: JobStatus = { failed: false, cancelled: false };
  const done: Record<string, { outcome: string; conclusion: string; outputs: Record<string, string> }> = {};
  const ran: string[] = [];
  const ids = steps.map((s) => s.id).filter((id): id is string => id !== undefined);
  const inputs = { 'dry-run': scenario['dry-run'] ?? false, 'terraform-directory': '', 'version-field': 'version' };
  const skipped = { outcome: 'skipped', conclusion: 'skipped', outputs: {} };
  steps.forEach((step, index) => {
    const context = Object.fromEntries(ids.map((id) => [id, done[id] ?? skipped]));
    if (!runs(step.if, { inputs, steps: context }, status)) return;
    const name = stepName(step, index);
    ran.push(name);
    if (scenario.cancelDuring === name) {
      status.cancelled = true;
      if (step.id) done[step.id] = { outcome: 'cancelled', conclusion: 'cancelled', outputs: {} };
      return;
    }
    const result = scenario.results[name] ?? { outcome: 'success' };
    if (step.id) done[step.id] = { outcome: result.outcome, conclusion: result.outcome, outputs: result.outputs ?? {} };
    if (result.outcome === 'failure') status.failed = true;
  });
  return ran;
}

const previousTaskDefinition = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:41';
const newTaskDefinition = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:42';

const pipelines = {
  'ecs-pipeline.yml': {
    /** deploy-ecs's outputs once it has read the service and registered the new revision. */
    changed: {
      'previous-task-definition-arn': previousTaskDefinition,
      'task-definition-arn': newTaskDefinition,
      'rolled-back': 'false',
    },
    /** Refused before any cloud request: nothing known, nothing changed. */
    nothingKnown: { 'task-definition-arn': '', 'previous-task-definition-arn': '', 'rolled-back': 'false' },
    fail: 'Fail the run after a rollback',
  },
  'azure-pipeline.yml': {
    changed: { 'previous-image': 'contoso.azurecr.io/web:1.4.1', image: 'contoso.azurecr.io/web:1.4.2' },
    nothingKnown: { swapped: 'false' },
    fail: 'Fail the run after a swap back',
  },
} as const;

describe.each(Object.entries(pipelines))('the deploy job of %s', (file, outputs) => {
  const smokeFailed: Result = { outcome: 'success', outputs: { passed: 'false', 'failure-reason': 'status' } };
  const smokePassed: Result = { outcome: 'success', outputs: { passed: 'true' } };

  it('given the smoke test did not pass, rolls back and fails the run', () => {
    const ran = play(file, {
      results: { deploy: { outcome: 'success', outputs: outputs.changed }, smoke: smokeFailed },
    });
    expect(ran).toContain('rollback');
    expect(ran).toContain(outputs.fail);
  });

  it('given the smoke test passed, leaves the new version (and on ECS marks it known-good)', () => {
    const ran = play(file, {
      results: { deploy: { outcome: 'success', outputs: outputs.changed }, smoke: smokePassed },
    });
    expect(ran).not.toContain('rollback');
    expect(ran).not.toContain(outputs.fail);
    if (file === 'ecs-pipeline.yml') expect(ran).toContain('mark-good');
  });

  it('given the deploy step failed after it changed the target, rolls back though the job has failed', () => {
    const ran = play(file, { results: { deploy: { outcome: 'failure', outputs: outputs.changed } } });
    expect(ran).not.toContain('smoke');
    expect(ran).toContain('rollback');
  });

  it('given the deploy step failed before it knew anything, has nothing to put back', () => {
    const ran = play(file, { results: { deploy: { outcome: 'failure', outputs: outputs.nothingKnown } } });
    expect(ran).not.toContain('rollback');
  });

  it.each(['url', 'smoke'])('given the run is cancelled during the %s step, rolls back', (step) => {
    const ran = play(file, {
      results: { deploy: { outcome: 'success', outputs: outputs.changed } },
      cancelDuring: step,
    });
    expect(ran).toContain('rollback');
    expect(ran).not.toContain(outputs.fail);
    expect(ran).not.toContain('mark-good');
  });

  it('given the run is cancelled during the deploy step (no outputs written), leaves it to the action', () => {
    // deploy-ecs's post step (rollback-on-cancel) points the service back; deploy-azure has none (docs say so).
    const ran = play(file, { results: {}, cancelDuring: 'deploy' });
    expect(ran).not.toContain('rollback');
  });

  it('given a dry run, runs nothing after the plan whatever happens', () => {
    const ran = play(file, {
      'dry-run': true,
      results: { deploy: { outcome: 'success', outputs: outputs.changed }, smoke: smokeFailed },
    });
    expect(ran).not.toContain('deploy');
    expect(ran).not.toContain('rollback');
  });
});

describe('the deploy job of ecs-pipeline.yml, after deploy-ecs rolled back by itself', () => {
  it('does not roll back twice', () => {
    const rolledBack = {
      'previous-task-definition-arn': previousTaskDefinition,
      'task-definition-arn': newTaskDefinition,
      'rolled-back': 'true',
    };
    const ran = play('ecs-pipeline.yml', { results: { deploy: { outcome: 'failure', outputs: rolledBack } } });
    expect(ran).toContain('deploy');
    expect(ran).not.toContain('rollback');
  });
});
