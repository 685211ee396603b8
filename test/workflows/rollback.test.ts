import { describe, expect, it } from 'vitest';
import { runs, type JobStatus } from './expressions.js';
import { workflow, type Step } from './workflows.js';

/**
 * The deploy job of each pipeline played step by step the way the runner decides (GitHub's expression engine
 * on each `if:`, `success() &&` added where no status function is written, a failed step failing the job, a
 * cancel cancelling the rest): given what the deploy and smoke steps did, which steps ran. An unproven version
 * is put back whenever the deploy step said it changed production (`changed: 'true'`, written as soon as it is
 * true) and the deploy or the proof did not succeed: the smoke test failed, the deploy step failed or was
 * cancelled after the change, or the run was cancelled later.
 */

interface Result {
  outcome: 'success' | 'failure';
  outputs?: Record<string, string>;
}

interface Scenario {
  'dry-run'?: boolean;
  /** Inputs the caller gives, over the defaults. */
  inputs?: Record<string, unknown>;
  /** What a step did when it ran, by step id; any other step succeeds with no outputs. */
  results: Record<string, Result>;
  /**
   * The run is cancelled while this step runs: it ends cancelled, with the outputs it wrote before the cancel
   * (its entry in results, if any; none otherwise).
   */
  cancelDuring?: string;
}

/** The called workflow's inputs at their defaults (a caller that gives only what is required). */
function defaults(file: string): Record<string, unknown> {
  const call = (workflow(file).on as { workflow_call: { inputs: Record<string, { type: string; default?: unknown }> } })
    .workflow_call;
  return Object.fromEntries(
    Object.entries(call.inputs).map(([name, input]) => [
      name,
      input.default ?? (input.type === 'boolean' ? false : ''),
    ]),
  );
}

const stepName = (step: Step, index: number) => step.id ?? (step.name as string | undefined) ?? `steps[${index}]`;

/** The ids (or names) of the steps that ran, in order. */
function play(file: string, scenario: Scenario): string[] {
  const steps = workflow(file).jobs.deploy!.steps!;
  const status: JobStatus = { failed: false, cancelled: false };
  const done: Record<string, { outcome: string; conclusion: string; outputs: Record<string, string> }> = {};
  const ran: string[] = [];
  const ids = steps.map((s) => s.id).filter((id): id is string => id !== undefined);
  const inputs = { ...defaults(file), ...scenario.inputs, 'dry-run': scenario['dry-run'] ?? false };
  const skipped = { outcome: 'skipped', conclusion: 'skipped', outputs: {} };
  steps.forEach((step, index) => {
    const context = Object.fromEntries(ids.map((id) => [id, done[id] ?? skipped]));
    if (!runs(step.if, { inputs, steps: context }, status)) return;
    const name = stepName(step, index);
    ran.push(name);
    if (scenario.cancelDuring === name) {
      status.cancelled = true;
      const written = scenario.results[name]?.outputs ?? {};
      if (step.id) done[step.id] = { outcome: 'cancelled', conclusion: 'cancelled', outputs: written };
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
      changed: 'true',
    },
    /** Refused before any cloud request: nothing known, nothing changed. */
    nothingKnown: {
      'task-definition-arn': '',
      'previous-task-definition-arn': '',
      'rolled-back': 'false',
      changed: 'false',
    },
    /** Read the service and registered a revision, then failed before UpdateService: production untouched. */
    knownNotChanged: {
      'previous-task-definition-arn': previousTaskDefinition,
      'task-definition-arn': newTaskDefinition,
      'rolled-back': 'false',
      changed: 'false',
    },
    fail: 'Fail the run after a rollback',
  },
  'azure-pipeline.yml': {
    changed: {
      'previous-image': 'contoso.azurecr.io/web:1.4.1',
      image: 'contoso.azurecr.io/web:1.4.2',
      changed: 'true',
    },
    nothingKnown: { swapped: 'false', changed: 'false' },
    /** Read production's image, then the slot change failed: production untouched. */
    knownNotChanged: { 'previous-image': 'contoso.azurecr.io/web:1.4.1', swapped: 'false', changed: 'false' },
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

  it('given the deploy step failed before it changed production, has nothing to put back though it knew what ran', () => {
    const ran = play(file, { results: { deploy: { outcome: 'failure', outputs: outputs.knownNotChanged } } });
    expect(ran).not.toContain('rollback');
  });

  it('given the run is cancelled during the deploy step after it changed production, rolls back', () => {
    const ran = play(file, {
      results: { deploy: { outcome: 'success', outputs: outputs.changed } },
      cancelDuring: 'deploy',
    });
    expect(ran).toContain('rollback');
    expect(ran).not.toContain('smoke');
    expect(ran).not.toContain(outputs.fail);
  });

  it('given the run is cancelled during the deploy step before any change (no outputs written), has nothing to put back', () => {
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

describe.each(Object.entries(pipelines))(
  'the deploy job of %s, after the deploy step rolled back by itself',
  (file, outputs) => {
    it('does not roll back twice', () => {
      const rolledBack = { ...outputs.changed, 'rolled-back': 'true' };
      const ran = play(file, { results: { deploy: { outcome: 'failure', outputs: rolledBack } } });
      expect(ran).toContain('deploy');
      expect(ran).not.toContain('rollback');
    });
  },
);

describe('the deploy job of ecs-pipeline.yml with Terraform as the deployer', () => {
  const inputs = { 'terraform-directory': 'infra', 'terraform-image-variable': 'image', 'terraform-output-url': 'url' };
  const before = {
    outcome: 'success',
    outputs: { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:1' },
  } as const;
  const planned = { outcome: 'success', outputs: { 'has-changes': 'true' } } as const;
  const smokeFailed: Result = { outcome: 'success', outputs: { passed: 'false', 'failure-reason': 'unhealthy' } };

  it('applies the image through Terraform, never deploy-ecs, and marks nothing known-good', () => {
    const ran = play('ecs-pipeline.yml', {
      inputs,
      results: { before, plan: planned, smoke: { outcome: 'success', outputs: { passed: 'true' } } },
    });
    expect(ran).toEqual(expect.arrayContaining(['before', 'plan', 'apply', 'tf-outputs', 'url', 'smoke', 'report']));
    expect(ran).not.toContain('deploy');
    expect(ran).not.toContain('images');
    expect(ran).not.toContain('tf-rollback');
    expect(ran).not.toContain('mark-good');
  });

  it.each([
    ['the smoke test did not pass', { before, plan: planned, smoke: smokeFailed }, undefined],
    ['the apply failed', { before, plan: planned, apply: { outcome: 'failure' } as Result }, undefined],
    ['the run was cancelled during the apply', { before, plan: planned }, 'apply'],
    ['the run was cancelled during the smoke test', { before, plan: planned }, 'smoke'],
  ])('applies the previous image back when %s', (_, results, cancelDuring) => {
    const ran = play('ecs-pipeline.yml', { inputs, results, cancelDuring });
    expect(ran).toContain('tf-rollback');
    expect(ran).not.toContain('rollback');
  });

  it('has nothing to apply back on a first deploy (no image output yet), nor when the plan changed nothing', () => {
    const first = play('ecs-pipeline.yml', {
      inputs,
      results: { before: { outcome: 'success', outputs: {} }, plan: planned, smoke: smokeFailed },
    });
    expect(first).not.toContain('tf-rollback');
    expect(first).toContain('Fail the run after a rollback');
    const unchanged = play('ecs-pipeline.yml', {
      inputs,
      results: { before, plan: { outcome: 'success', outputs: { 'has-changes': 'false' } }, smoke: smokeFailed },
    });
    expect(unchanged).not.toContain('apply');
    expect(unchanged).not.toContain('tf-rollback');
    expect(unchanged).toContain('Fail the run after a rollback');
  });
});

describe('the deploy job of azure-pipeline.yml with platform: containerapp', () => {
  const inputs = { platform: 'containerapp' };
  /** deploy-azure's containerapp outputs once it made and proved a new revision and moved the traffic. */
  const newRevision = {
    revision: 'web--v142',
    'previous-revision': 'web--v141',
    'app-url': 'https://web.example.westeurope.azurecontainerapps.io',
    changed: 'true',
    'rolled-back': 'false',
  };
  const smokeFailed: Result = { outcome: 'success', outputs: { passed: 'false', 'failure-reason': 'status' } };
  const fail = 'Fail the run after a swap back';

  it.each([
    [
      'the smoke test of app-url did not pass',
      { deploy: { outcome: 'success', outputs: newRevision }, smoke: smokeFailed },
      undefined,
    ],
    [
      'the deploy step failed after it made the revision',
      { deploy: { outcome: 'failure', outputs: newRevision } },
      undefined,
    ],
    ['the run was cancelled during the smoke test', { deploy: { outcome: 'success', outputs: newRevision } }, 'smoke'],
  ] as [string, Record<string, Result>, string | undefined][])(
    'puts the traffic back on previous-revision when %s',
    (_, results, cancelDuring) => {
      const ran = play('azure-pipeline.yml', { inputs, results, cancelDuring });
      expect(ran).toContain('rollback');
    },
  );

  it('leaves the new revision when the smoke test passed', () => {
    const ran = play('azure-pipeline.yml', {
      inputs,
      results: {
        deploy: { outcome: 'success', outputs: newRevision },
        smoke: { outcome: 'success', outputs: { passed: 'true' } },
      },
    });
    expect(ran).toContain('smoke');
    expect(ran).not.toContain('rollback');
    expect(ran).not.toContain(fail);
  });

  it('has nothing to put back when the app already ran this template (changed false), and still fails the run', () => {
    const ran = play('azure-pipeline.yml', {
      inputs,
      results: { deploy: { outcome: 'success', outputs: { ...newRevision, changed: 'false' } }, smoke: smokeFailed },
    });
    expect(ran).not.toContain('rollback');
    expect(ran).toContain(fail);
  });

  it('does not roll back twice when deploy-azure put the traffic back by itself (rolled-back)', () => {
    const ran = play('azure-pipeline.yml', {
      inputs,
      results: { deploy: { outcome: 'failure', outputs: { ...newRevision, 'rolled-back': 'true' } } },
    });
    expect(ran).toContain('deploy');
    expect(ran).not.toContain('rollback');
  });
});

describe('the deploy job of ecs-pipeline.yml with gate: test-traffic', () => {
  const inputs = {
    strategy: 'CANARY',
    'canary-percent': '10',
    gate: 'test-traffic',
    'health-url': 'https://web.example.com/health',
  };
  const serviceDeployment =
    'arn:aws:ecs:us-east-1:123456789012:service-deployment/production/web/AbCdEfGh-0123456789ab';
  /** deploy-ecs ended at the gate: the deployment waits, the new revision takes the test traffic only. */
  const paused: Result = {
    outcome: 'success',
    outputs: {
      ...pipelines['ecs-pipeline.yml'].changed,
      gate: 'paused',
      'test-url': 'http://web-123.us-east-1.elb.amazonaws.com:8080',
      'service-deployment-arn': serviceDeployment,
    },
  };
  const passed: Result = { outcome: 'success', outputs: { passed: 'true' } };
  const failed: Result = { outcome: 'success', outputs: { passed: 'false', 'failure-reason': 'status' } };
  const continued: Result = { outcome: 'success', outputs: { gate: 'continued', 'rolled-back': 'false' } };
  const rolledBack: Result = { outcome: 'success', outputs: { gate: 'rolled-back', 'rolled-back': 'true' } };
  const gateFail = 'Fail the run after the gate rolled back';
  const before = (ran: string[], first: string, second: string) =>
    expect(ran.indexOf(first), `${first} before ${second} in ${ran.join(', ')}`).toBeLessThan(ran.indexOf(second));

  it("given no health-url: runs the gate all the same, production proven at the continue step's service-url", () => {
    const withUrl: Result = {
      ...continued,
      outputs: { ...continued.outputs, 'service-url': 'http://web-123.elb.example' },
    };
    const ran = play('ecs-pipeline.yml', {
      inputs: { ...inputs, 'health-url': '' },
      results: { deploy: paused, 'gate-smoke': passed, continue: withUrl, smoke: passed },
    });
    const order = ['deploy', 'gate-smoke', 'continue', 'url', 'smoke', 'mark-good'];
    expect(ran.filter((step) => order.includes(step))).toEqual(order);
    const url = workflow('ecs-pipeline.yml').jobs.deploy!.steps!.find((s) => s.id === 'url')!;
    expect(String(url.env!.DEPLOYED_URL)).toMatch(/^\$\{\{ steps\.continue\.outputs\.service-url \|\| /);
  });

  it('given the test-traffic smoke test passed: continues, proves production after the shift, marks good', () => {
    const ran = play('ecs-pipeline.yml', {
      inputs,
      results: { deploy: paused, 'gate-smoke': passed, continue: continued, smoke: passed },
    });
    const order = ['deploy', 'gate-smoke', 'continue', 'url', 'smoke', 'mark-good', 'report'];
    expect(ran.filter((step) => order.includes(step))).toEqual(order);
    expect(ran).not.toContain('gate-rollback');
    expect(ran).not.toContain('rollback');
    expect(ran).not.toContain(gateFail);
    expect(ran).not.toContain('Fail the run after a rollback');
  });

  // deploy-ecs mode: rollback fails its step once ECS says ROLLBACK_SUCCESSFUL (it reports the rollback as a failure
  // with its reason); either way the pipeline must do the same.
  it.each([
    ['failing the step as deploy-ecs does', { ...rolledBack, outcome: 'failure' } as Result],
    ['passing', rolledBack],
  ])(
    'given the test-traffic smoke test failed and the gate rollback ends %s: rolls the deployment back, never shifts or probes production, fails the run',
    (_, gateRollback) => {
      const ran = play('ecs-pipeline.yml', {
        inputs,
        results: { deploy: paused, 'gate-smoke': failed, 'gate-rollback': gateRollback },
      });
      const order = ['deploy', 'gate-smoke', 'gate-rollback', gateFail, 'report'];
      expect(ran.filter((step) => order.includes(step))).toEqual(order);
      for (const step of ['continue', 'url', 'smoke', 'rollback', 'mark-good']) expect(ran).not.toContain(step);
    },
  );

  it('given the gate rollback itself failed: the rollback step puts the previous revision back', () => {
    const ran = play('ecs-pipeline.yml', {
      inputs,
      results: {
        deploy: paused,
        'gate-smoke': failed,
        'gate-rollback': { outcome: 'failure', outputs: { 'rolled-back': 'false' } },
      },
    });
    before(ran, 'gate-rollback', 'rollback');
    expect(ran).toContain(gateFail);
    expect(ran).not.toContain('continue');
  });

  it('given the run is cancelled at the gate (during the test-traffic smoke test): rolls the deployment back', () => {
    const ran = play('ecs-pipeline.yml', { inputs, results: { deploy: paused }, cancelDuring: 'gate-smoke' });
    before(ran, 'gate-smoke', 'gate-rollback');
    expect(ran).not.toContain('continue');
    expect(ran).not.toContain(gateFail);
  });

  it('given production fails its smoke test after the traffic shift: the rollback step as without a gate', () => {
    const ran = play('ecs-pipeline.yml', {
      inputs,
      results: { deploy: paused, 'gate-smoke': passed, continue: continued, smoke: failed },
    });
    before(ran, 'continue', 'smoke');
    before(ran, 'smoke', 'rollback');
    expect(ran).toContain('Fail the run after a rollback');
    expect(ran).not.toContain('gate-rollback');
    expect(ran).not.toContain('mark-good');
  });

  it('given ECS rolled back during the traffic shift (an alarm): no second rollback, no production smoke test', () => {
    const ran = play('ecs-pipeline.yml', {
      inputs,
      results: {
        deploy: paused,
        'gate-smoke': passed,
        continue: { outcome: 'failure', outputs: { gate: 'continued', 'rolled-back': 'true' } },
      },
    });
    expect(ran).toContain('continue');
    for (const step of ['smoke', 'rollback', 'gate-rollback', 'mark-good']) expect(ran).not.toContain(step);
  });

  it('given the continue step failed without a rollback: the rollback step puts the previous revision back', () => {
    const ran = play('ecs-pipeline.yml', {
      inputs,
      results: {
        deploy: paused,
        'gate-smoke': passed,
        continue: { outcome: 'failure', outputs: { 'rolled-back': 'false' } },
      },
    });
    before(ran, 'continue', 'rollback');
    expect(ran).not.toContain('smoke');
  });

  it('given no gate (deploy-ecs watched the deployment to its end), runs the steps it ran before the gate existed', () => {
    const ran = play('ecs-pipeline.yml', {
      inputs: { strategy: 'CANARY' },
      results: {
        deploy: { outcome: 'success', outputs: { ...pipelines['ecs-pipeline.yml'].changed, gate: 'none' } },
        smoke: passed,
      },
    });
    expect(ran).toEqual(expect.arrayContaining(['deploy', 'url', 'smoke', 'mark-good', 'report']));
    for (const step of ['gate-smoke', 'continue', 'gate-rollback', 'rollback']) expect(ran).not.toContain(step);
  });
});
