import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readContainerAppInputs, readTarget } from '../../src/deploy-azure/containerapp-inputs.js';
import { readInputs as readRollbackInputs } from '../../src/rollback/inputs.js';
import { readInputs as readSmokeInputs } from '../../src/smoke-test/inputs.js';
import { gateAnswer, readAnswerInputs, readInputs as readDeployEcsInputs } from '../../src/deploy-ecs/inputs.js';
import { render } from './expressions.js';
import { lint } from './linter.js';
import {
  actionSpec,
  cloudLogins,
  conditions,
  expressions,
  needsList,
  ownAction,
  ownWorkflow,
  references,
  root,
  workflow,
  workflowDir,
  workflowFiles,
  type Job,
  type Workflow,
} from './workflows.js';

/**
 * The workflows checked as a reviewer would: they lint clean, every job has only the permissions it needs,
 * deploys are serialised per environment, and every name a job refers to (needs, inputs, secrets, outputs,
 * action inputs) exists, so no typo reaches a user's run.
 */

const pipelines = ['ecs-pipeline.yml', 'azure-pipeline.yml'];

/** A job logs in to a cloud: a login action, or one of ours given an Entra client ID (it uses the job's OIDC token). */
function logsInToCloud(job: Job): boolean {
  if (job.uses) {
    const called = ownWorkflow(job.uses);
    return called ? Object.values(workflow(called).jobs).some(logsInToCloud) : false;
  }
  return (job.steps ?? []).some(
    (step) =>
      (step.uses !== undefined && cloudLogins.some((login) => login.test(step.uses!))) ||
      (step.uses !== undefined && ownAction(step.uses) !== undefined && step.with?.['client-id'] !== undefined),
  );
}

function declaredInputs(wf: Workflow): Record<string, { type?: string; required?: boolean }> {
  const on = wf.on as Record<string, { inputs?: Record<string, { type?: string; required?: boolean }> } | null>;
  return { ...(on.workflow_call?.inputs ?? {}), ...(on.workflow_dispatch?.inputs ?? {}) };
}

describe('every workflow', () => {
  it('is found', () => {
    expect(workflowFiles).toEqual(
      expect.arrayContaining([
        'ci.yml',
        'ecs-pipeline.yml',
        'azure-pipeline.yml',
        'preview.yml',
        'release.yml',
        'release-tag.yml',
      ]),
    );
  });

  it("lints clean: actionlint, shellcheck, GitHub's workflow parser and the repo's rules", () => {
    const findings = lint(workflowFiles.map((f) => `${workflowDir}/${f}`));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  describe.each(workflowFiles)('%s', (file) => {
    const wf = workflow(file);
    const jobs = Object.entries(wf.jobs);

    it('grants nothing at the top and declares each job its own permissions', () => {
      expect(wf.permissions).toEqual({});
      for (const [id, job] of jobs) expect(job.permissions, `${file} jobs.${id}`).toBeTypeOf('object');
    });

    it('asks for id-token: write exactly on the jobs that log in to a cloud', () => {
      for (const [id, job] of jobs) {
        const permissions = job.permissions as Record<string, string>;
        expect(permissions['id-token'] === 'write', `${file} jobs.${id}`).toBe(logsInToCloud(job));
      }
    });

    it('writes repository contents only in the job that tags a release', () => {
      for (const [id, job] of jobs) {
        const permissions = job.permissions as Record<string, string>;
        const allowed = file === 'release-tag.yml' && id === 'tag';
        expect(permissions.contents === 'write', `${file} jobs.${id}`).toBe(allowed);
        expect(Object.values(permissions)).not.toContain('write-all');
      }
    });

    it('pins every third-party action by a full commit SHA with its version in a comment', () => {
      for (const [, job] of jobs)
        for (const step of job.steps ?? []) {
          if (!step.uses || ownAction(step.uses)) continue;
          expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        }
    });

    it('puts no expression inside a run: script', () => {
      for (const [id, job] of jobs)
        for (const step of job.steps ?? []) if (step.run) expect(step.run, `${file} jobs.${id}`).not.toContain('${{');
    });

    it('refers only to jobs, inputs, secrets, outputs and steps that exist', () => {
      const inputs = declaredInputs(wf);
      const on = wf.on as Record<string, { secrets?: Record<string, unknown> } | null>;
      const secrets = Object.keys(on.workflow_call?.secrets ?? {});
      for (const [id, job] of jobs) {
        for (const need of needsList(job)) expect(Object.keys(wf.jobs), `${file} jobs.${id} needs`).toContain(need);
        const text = [...expressions(job), ...conditions(job)].join('\n');
        for (const [name] of references(text, /\binputs\.([\w-]+)/g))
          expect(Object.keys(inputs), `${file} jobs.${id}: inputs.${name}`).toContain(name);
        for (const [name] of references(text, /\bsecrets\.([\w-]+)/g))
          expect([...secrets, 'GITHUB_TOKEN'], `${file} jobs.${id}: secrets.${name}`).toContain(name);
        for (const [need, output] of references(text, /\bneeds\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          expect(needsList(job), `${file} jobs.${id}: needs.${need}`).toContain(need);
          expect(
            Object.keys(wf.jobs[need!]?.outputs ?? {}),
            `${file} jobs.${id}: needs.${need}.outputs.${output}`,
          ).toContain(output);
        }
        const stepIds = (job.steps ?? []).map((s) => s.id).filter(Boolean);
        for (const [step] of references(text, /\bsteps\.([\w-]+)\./g))
          expect(stepIds, `${file} jobs.${id}: steps.${step}`).toContain(step);
      }
    });

    it('passes every action of this repository only inputs it has, and every input it requires', () => {
      for (const [id, job] of jobs)
        for (const step of job.steps ?? []) {
          const name = step.uses && ownAction(step.uses);
          if (!name) continue;
          const spec = actionSpec(name);
          expect(spec, `${file} jobs.${id}: ${step.uses} (no actions/${name}/action.yml)`).toBeDefined();
          for (const input of Object.keys(step.with ?? {}))
            expect(Object.keys(spec!.inputs), `${file} jobs.${id}: ${name} input '${input}'`).toContain(input);
          for (const [input, def] of Object.entries(spec!.inputs))
            if (def.required && def.default === undefined)
              expect(Object.keys(step.with ?? {}), `${file} jobs.${id}: ${name} needs '${input}'`).toContain(input);
        }
    });

    it('reads only outputs that the actions of this repository declare', () => {
      for (const [id, job] of jobs)
        for (const [step2, output] of references(
          expressions(job).join('\n'),
          /\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g,
        )) {
          const producer = job.steps?.find((s) => s.id === step2);
          const producerAction = producer?.uses && ownAction(producer.uses);
          if (!producerAction || producerAction === 'terraform') continue; // terraform: one output per root output too
          expect(
            Object.keys(actionSpec(producerAction)?.outputs ?? {}),
            `${file} jobs.${id}: steps.${step2}.outputs.${output}`,
          ).toContain(output);
        }
    });

    it('calls reusable workflows with inputs and secrets they declare, and all they require', () => {
      for (const [id, job] of jobs) {
        const called = job.uses && ownWorkflow(job.uses);
        if (!called) continue;
        const target = workflow(called);
        const call = (
          target.on as {
            workflow_call: { inputs: Record<string, { required?: boolean }>; secrets?: Record<string, unknown> };
          }
        ).workflow_call;
        for (const input of Object.keys(job.with ?? {}))
          expect(Object.keys(call.inputs), `${file} jobs.${id} -> ${called}: '${input}'`).toContain(input);
        for (const [input, def] of Object.entries(call.inputs))
          if (def.required)
            expect(Object.keys(job.with ?? {}), `${file} jobs.${id} -> ${called}: '${input}'`).toContain(input);
        if (job.secrets && job.secrets !== 'inherit')
          for (const secret of Object.keys(job.secrets)) expect(Object.keys(call.secrets ?? {})).toContain(secret);
      }
    });
  });
});

describe('the Azure actions', () => {
  it('deploy-azure has the delete-slot mode the preview teardown uses', () => {
    expect(actionSpec('deploy-azure')!.inputs).toHaveProperty('mode');
    expect(String((actionSpec('deploy-azure')!.inputs.mode as { description?: string }).description)).toContain(
      'delete-slot',
    );
  });
  it('rollback swaps back on Azure with the inputs the Azure pipeline passes', () => {
    expect(Object.keys(actionSpec('rollback')!.inputs)).toEqual(
      expect.arrayContaining(['app-name', 'resource-group-name', 'slot-name', 'previous-image', 'client-id']),
    );
  });
});

describe.each(pipelines)('the reusable pipeline %s', (file) => {
  const wf = workflow(file);
  const call = (
    wf.on as {
      workflow_call: {
        inputs: Record<string, { type: string; required?: boolean }>;
        outputs: Record<string, { value: string }>;
        secrets: Record<string, { required?: boolean }>;
      };
    }
  ).workflow_call;

  it('is only called (workflow_call), with typed inputs', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    for (const [name, input] of Object.entries(call.inputs))
      expect(['string', 'number', 'boolean'], `input ${name}`).toContain(input.type);
    expect(Object.keys(call.inputs)).toEqual(
      expect.arrayContaining([
        'environment',
        'image',
        'version',
        'health-url',
        'terraform-directory',
        'dry-run',
        'smoke-timeout-seconds',
      ]),
    );
    expect(call.inputs['dry-run']!.type).toBe('boolean');
  });

  it('takes secrets only for what OIDC cannot do, none of them required', () => {
    expect(Object.keys(call.secrets).sort()).toEqual([
      'registry-password',
      'terraform-secret-variables',
      'webhook-url',
    ]);
    for (const secret of Object.values(call.secrets)) expect(secret.required).toBe(false);
  });

  it('outputs the image, its digest, the URL, the deployed revision and whether it rolled back, from real job outputs', () => {
    expect(Object.keys(call.outputs).sort()).toEqual(
      [
        'deployed-revision',
        'digest',
        'image',
        'rolled-back',
        'url',
        ...(file === 'azure-pipeline.yml' ? ['revision'] : []),
      ].sort(),
    );
    for (const [name, output] of Object.entries(call.outputs)) {
      const [, job, value] = /^\$\{\{ jobs\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(output.value) ?? [];
      expect(Object.keys(wf.jobs[job!]?.outputs ?? {}), `output ${name}`).toContain(value);
    }
  });

  it('builds once (a verification gate builds first without pushing) and deploys that image by digest', () => {
    const build = wf.jobs.build!;
    const pushes = build.steps!.filter((s) => ownAction(s.uses ?? '') === 'build-push');
    expect(pushes.map((s) => s.id)).toEqual(['candidate', 'image']);
    expect(pushes[0]!.with!.push).toBe(false);
    expect(pushes[0]!.if).toContain("inputs.verify-command != ''");
    expect(build.outputs!.image).toBe('${{ steps.image.outputs.image }}');
    // The steps that deploy (not the gate's continue and rollback, which take the deployment the first started).
    const deploySteps = wf.jobs.deploy!.steps!.filter(
      (s) => ['deploy-ecs', 'deploy-azure'].includes(ownAction(s.uses ?? '') ?? '') && s.with?.mode === undefined,
    );
    expect(deploySteps).toHaveLength(1);
    expect(Object.values(deploySteps[0]!.with!)).toContain('${{ needs.build.outputs.image }}');
    // build-push's image output is registry/repository@sha256:..., never a tag.
    expect(
      String(
        actionSpec('build-push')!.outputs.image &&
          (actionSpec('build-push')!.outputs.image as { description: string }).description,
      ),
    ).toMatch(/@sha256/);
  });

  it('deploys in the environment, one run at a time per environment and target, never cancelling one that runs', () => {
    const deploy = wf.jobs.deploy!;
    expect(deploy.environment).toBe('${{ inputs.environment }}');
    expect(deploy.concurrency).toEqual({
      group: "deploy-${{ inputs.environment }}${{ inputs.target != '' && format('-{0}', inputs.target) || '' }}",
      'cancel-in-progress': false,
    });
    const group = (target: string) =>
      render((deploy.concurrency as { group: string }).group, { inputs: { environment: 'production', target } });
    expect(group('')).toBe('deploy-production');
    expect(group('eu-west-1')).toBe('deploy-production-eu-west-1');
  });

  it('smoke tests without failing the step, rolls back when it did not pass, and fails the run after', () => {
    const steps = wf.jobs.deploy!.steps!;
    const smoke = steps.find((s) => s.id === 'smoke')!;
    expect(smoke.with!['fail-on-error']).toBe(false);
    // It proves health-url, else the URL the deploy step found (+ health-path), decided by the step before.
    const url = steps[steps.indexOf(smoke) - 1]!;
    expect(url.id).toBe('url');
    expect(smoke.with!.url).toBe('${{ steps.url.outputs.url }}');
    expect(url.env!.HEALTH_URL).toBe('${{ inputs.health-url }}');
    expect(String(url.env!.DEPLOYED_URL)).toMatch(
      /^\$\{\{ (steps\.continue\.outputs\.service-url \|\| steps\.deploy\.outputs\.service-url|steps\.deploy\.outputs\.webapp-url \|\| steps\.deploy\.outputs\.app-url) \|\| inputs\.terraform-output-url != '' && steps\.tf-outputs\.outputs\[inputs\.terraform-output-url\] \|\| '' \}\}$/,
    );
    expect(wf.jobs.deploy!.outputs!.url).toContain('steps.url.outputs.url');
    const rollback = steps.find((s) => s.id === 'rollback')!;
    expect(ownAction(rollback.uses!)).toBe('rollback');
    // Whenever the deploy changed production and the deploy or the smoke test did not succeed, even in a failed or
    // cancelled job (rollback.test.ts plays the cases).
    expect(rollback.if).toContain("steps.deploy.outputs.changed == 'true' && ");
    expect(rollback.if).toContain("(steps.deploy.outcome != 'success' || steps.smoke.outputs.passed != 'true')");
    expect(rollback.if).toMatch(/^\$\{\{ always\(\) && /);
    // The run fails after it when the smoke test ran and did not prove the new version.
    const failing = steps.find((s) => /^Fail the run after/.test(String(s.name)))!;
    expect(failing.if).toContain("steps.smoke.outcome == 'success' && steps.smoke.outputs.passed != 'true'");
    expect(failing.run).toContain('exit 1');
    expect(steps.indexOf(smoke)).toBeLessThan(steps.indexOf(rollback));
  });

  it.each([
    [
      'health-url wins',
      'https://web.example.com/ready',
      'https://lb.example.com',
      '/health',
      'https://web.example.com/ready',
    ],
    ['else the deployed URL + health-path', '', 'https://lb.example.com', '/health', 'https://lb.example.com/health'],
    ['neither: fails with the reason', '', '', '/health', undefined],
  ])('chooses the URL to prove: %s (the step run by bash)', (_, healthUrl, deployedUrl, healthPath, expected) => {
    const step = wf.jobs.deploy!.steps!.find((s) => s.id === 'url')!;
    const dir = mkdtempSync(join(tmpdir(), 'url-step-'));
    const output = join(dir, 'output');
    writeFileSync(output, '');
    const run = spawnSync('bash', ['-e', '-c', step.run!], {
      env: {
        PATH: process.env.PATH,
        GITHUB_OUTPUT: output,
        HEALTH_URL: healthUrl,
        DEPLOYED_URL: deployedUrl,
        HEALTH_PATH: healthPath,
      },
      encoding: 'utf8',
    });
    const written = readFileSync(output, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    if (expected === undefined) {
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/^::error::Nothing to prove: no health-url was given and .*Set health-url\./);
      expect(written).toBe('');
    } else {
      expect(run.status).toBe(0);
      expect(written).toBe(`url=${expected}\n`);
    }
  });

  it('stops after the plan on a dry run: nothing after it runs without !inputs.dry-run', () => {
    const steps = wf.jobs.deploy!.steps!;
    const plan = steps.findIndex((s) => s.id === 'plan');
    for (const step of steps.slice(plan + 1)) expect(String(step.if)).toContain('!inputs.dry-run');
  });
});

describe('the ECS pipeline', () => {
  it('marks the revision known-good only after the smoke test passed', () => {
    const steps = workflow('ecs-pipeline.yml').jobs.deploy!.steps!;
    const mark = steps.find((s) => s.id === 'mark-good')!;
    expect(mark.with).toMatchObject({
      mode: 'mark-good',
      'task-definition': '${{ steps.deploy.outputs.task-definition-arn }}',
    });
    expect(mark.if).toContain("steps.smoke.outputs.passed == 'true'");
  });
});

describe('ecs-pipeline.yml with gate: test-traffic', () => {
  const wf = workflow('ecs-pipeline.yml');
  const call = (wf.on as { workflow_call: { inputs: Record<string, { type: string; default?: unknown }> } })
    .workflow_call;
  const steps = wf.jobs.deploy!.steps!;
  const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${'a'.repeat(64)}`;
  const serviceDeployment =
    'arn:aws:ecs:us-east-1:123456789012:service-deployment/production/web/AbCdEfGh-0123456789ab';
  const testUrl = 'http://web-123.us-east-1.elb.amazonaws.com:8080';
  /** The step's `with:` as the runner renders it for a caller of a canary with the gate. */
  function rendered(id: string, given: Record<string, unknown> = {}): Record<string, string> {
    const inputs = {
      ...Object.fromEntries(Object.entries(call.inputs).map(([name, input]) => [name, input.default ?? ''])),
      environment: 'production',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web',
      version: '1.4.2',
      'aws-region': 'us-east-1',
      cluster: 'production',
      service: 'web',
      // A task definition file that exists, for deploy-ecs's input reader.
      'task-definition': 'examples/hello-service/task-definition.json',
      'container-name': 'web',
      strategy: 'CANARY',
      'canary-percent': '10',
      'canary-bake-time': '5m',
      gate: 'test-traffic',
      ...given,
    };
    const contexts = {
      inputs,
      github: { sha: 'b'.repeat(40) },
      secrets: { 'registry-password': '', 'webhook-url': '' },
      needs: { build: { outputs: { image } } },
      steps: {
        images: { outputs: { images: '' } },
        deploy: {
          outcome: 'success',
          outputs: {
            gate: 'paused',
            'test-url': testUrl,
            'service-deployment-arn': serviceDeployment,
            changed: 'true',
          },
        },
        url: { outputs: { url: 'https://web.example.com/health' } },
      },
    };
    const step = steps.find((s) => s.id === id)!;
    return Object.fromEntries(Object.entries(step.with!).map(([name, value]) => [name, render(value, contexts)]));
  }
  /** The runner's INPUT_* variables for the step: its rendered `with:`, the action's defaults for the rest. */
  function asRunner(id: string, inputs: Record<string, unknown> = {}): void {
    const action = actionSpec(ownAction(steps.find((s) => s.id === id)!.uses!)!)!;
    const given = rendered(id, inputs);
    for (const [name, input] of Object.entries(action.inputs)) {
      const value = given[name] ?? input.default;
      if (value !== undefined) vi.stubEnv(`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, String(value));
    }
    vi.stubEnv('GITHUB_WORKSPACE', root);
  }
  afterEach(() => vi.unstubAllEnvs());

  it('takes strategy and gate (none by default) and the strategy knobs, and passes them to deploy-ecs', () => {
    expect(call.inputs.gate).toMatchObject({ type: 'string', default: 'none' });
    expect(call.inputs.strategy).toMatchObject({ type: 'string', default: '' });
    const deploy = rendered('deploy');
    expect(deploy).toMatchObject({ strategy: 'CANARY', 'canary-percent': '10', 'canary-bake-time': '5m' });
    expect(deploy.gate).toBe('test-traffic');
    // Without the caller saying so, no strategy is set and no gate is asked for: the service's own.
    const plain = rendered('deploy', { strategy: '', gate: 'none', 'canary-percent': '', 'canary-bake-time': '' });
    expect(plain).toMatchObject({ strategy: '', gate: 'none', 'bake-time': '', 'canary-percent': '', alarms: '' });
  });

  it("is taken by deploy-ecs's own input reader as a canary behind the gate, and without them as the service's own strategy and no gate", () => {
    asRunner('deploy');
    expect(readDeployEcsInputs()).toMatchObject({
      strategy: { strategy: 'CANARY', canary: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 } },
      gate: { kind: 'test-traffic' },
    });
    vi.unstubAllEnvs();
    asRunner('deploy', { strategy: '', gate: 'none', 'canary-percent': '', 'canary-bake-time': '' });
    const plain = readDeployEcsInputs();
    expect(plain.strategy.strategy).toBeUndefined();
    expect(plain.strategy.canary).toEqual({});
    expect(plain.gate.kind).toBe('none');
  });

  it("proves the new revision at the test listener (deploy-ecs's test-url + health-path) with the production smoke test's checks, read by smoke-test's own input reader", () => {
    asRunner('gate-smoke');
    const gate = readSmokeInputs();
    vi.unstubAllEnvs();
    asRunner('smoke');
    const production = readSmokeInputs();
    expect(gate.urls).toEqual([`${testUrl}/health`]);
    expect(production.urls).toEqual(['https://web.example.com/health']);
    // The same checks (they hold functions, so compared as what they say).
    expect(JSON.stringify(gate.expectations)).toBe(JSON.stringify(production.expectations));
    expect(gate.expectations.json).toEqual([expect.objectContaining({ path: 'version' })]);
    expect(gate.failOnError).toBe(false);
    expect(gate.timeoutMs).toBe(production.timeoutMs);
  });

  it("proves production after the shift at health-url, else the continue step's service-url (the gated deploy step ends before there is one)", () => {
    const url = steps.find((s) => s.id === 'url')!;
    const deployed = (continueUrl: string) =>
      render(url.env!.DEPLOYED_URL, {
        inputs: { 'terraform-output-url': '' },
        steps: {
          deploy: { outputs: { 'service-url': '' } },
          continue: { outputs: { 'service-url': continueUrl } },
        },
      });
    expect(deployed('http://web-123.us-east-1.elb.amazonaws.com')).toBe('http://web-123.us-east-1.elb.amazonaws.com');
    expect(deployed('')).toBe('');
    expect(url.env!.HEALTH_URL).toBe('${{ inputs.health-url }}');
  });

  it('continues or rolls back the deployment deploy-ecs paused, by its service-deployment-arn', () => {
    for (const [id, mode] of [
      ['continue', 'continue'],
      ['gate-rollback', 'rollback'],
    ] as const)
      expect(rendered(id)).toMatchObject({
        mode,
        cluster: 'production',
        service: 'web',
        'service-deployment-arn': serviceDeployment,
        'aws-region': 'us-east-1',
      });
    // deploy-ecs's own reader of mode: continue / rollback takes them as an answer to that deployment of web.
    for (const [id, mode] of [
      ['continue', 'continue'],
      ['gate-rollback', 'rollback'],
    ] as const) {
      asRunner(id);
      expect(gateAnswer()).toBe(mode);
      expect(readAnswerInputs(mode)).toMatchObject({
        mode,
        cluster: 'production',
        service: 'web',
        serviceDeploymentArn: serviceDeployment,
      });
      vi.unstubAllEnvs();
    }
    const order = ['deploy', 'gate-smoke', 'continue', 'gate-rollback', 'url', 'smoke', 'rollback'];
    expect(steps.map((s) => s.id).filter((id) => order.includes(id!))).toEqual(order);
  });
});

describe('azure-pipeline.yml with platform: containerapp', () => {
  const wf = workflow('azure-pipeline.yml');
  const call = (wf.on as { workflow_call: { inputs: Record<string, { type: string; default?: unknown }> } })
    .workflow_call;
  const steps = wf.jobs.deploy!.steps!;
  const image = `contoso.azurecr.io/web@sha256:${'a'.repeat(64)}`;
  const deployOutputs = {
    changed: 'true',
    'rolled-back': 'false',
    revision: 'web--v142',
    'previous-revision': 'web--v141',
    'previous-image': 'contoso.azurecr.io/web:1.4.1',
    'app-url': 'https://web.example.westeurope.azurecontainerapps.io',
  };
  /** The step's `with:` as the runner renders it for a caller giving the required inputs and `platform`. */
  function rendered(id: string, platform: string, more: Record<string, string> = {}): Record<string, string> {
    const inputs = {
      ...Object.fromEntries(Object.entries(call.inputs).map(([name, input]) => [name, input.default ?? ''])),
      environment: 'production',
      image: 'contoso.azurecr.io/web',
      'app-name': 'web',
      'resource-group': 'rg-web',
      'client-id': '00000000-0000-0000-0000-000000000000',
      'tenant-id': '00000000-0000-0000-0000-000000000000',
      'subscription-id': '00000000-0000-0000-0000-000000000000',
      platform,
      ...more,
    };
    const contexts = {
      inputs,
      github: { sha: 'b'.repeat(40) },
      secrets: { 'registry-password': '', 'webhook-url': '' },
      needs: { build: { outputs: { image } } },
      steps: { deploy: { outcome: 'failure', outputs: deployOutputs }, smoke: { outputs: { passed: 'false' } } },
    };
    const step = steps.find((s) => s.id === id)!;
    return Object.fromEntries(Object.entries(step.with!).map(([name, value]) => [name, render(value, contexts)]));
  }

  /** The runner's INPUT_* variables for the step: its rendered `with:`, the action's defaults for the rest. */
  function asRunner(id: string, platform: string, more: Record<string, string> = {}): void {
    const action = actionSpec(ownAction(steps.find((s) => s.id === id)!.uses!)!)!;
    const given = rendered(id, platform, more);
    for (const [name, input] of Object.entries(action.inputs)) {
      const value = given[name] ?? input.default;
      if (value !== undefined) vi.stubEnv(`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, String(value));
    }
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', 'http://127.0.0.1:9/token');
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'request-token');
  }
  afterEach(() => vi.unstubAllEnvs());

  it("is taken by deploy-azure's and rollback's own input readers as a container app deploy and rollback", () => {
    asRunner('deploy', 'containerapp');
    expect(readTarget()).toBe('containerapp');
    expect(readContainerAppInputs()).toMatchObject({ app: 'web', resourceGroup: 'rg-web', image });
    vi.unstubAllEnvs();
    asRunner('rollback', 'containerapp');
    expect(readRollbackInputs()).toMatchObject({ target: 'containerapp', app: 'web', previousRevision: 'web--v141' });
    vi.unstubAllEnvs();
    asRunner('rollback', 'appservice');
    expect(readRollbackInputs()).toMatchObject({ target: 'azure' });
  });

  it('takes platform, appservice by default', () => {
    expect(call.inputs.platform).toMatchObject({ type: 'string', default: 'appservice' });
  });

  it('passes target containerapp to deploy-azure and none of the App Service inputs deploy-azure refuses there', () => {
    const deploy = rendered('deploy', 'containerapp');
    expect(deploy).toMatchObject({
      target: 'containerapp',
      'app-name': 'web',
      'resource-group-name': 'rg-web',
      images: image,
    });
    // deploy-azure refuses these with target: containerapp unless empty or at their defaults (containerapp-inputs.ts).
    expect(deploy['slot-name']).toBe('');
    expect(deploy.swap).toBe('false');
    expect(deploy['managed-identity-pull']).toBe('false');
    expect(deploy['app-settings']).toBe('');
  });

  it('passes traffic and traffic-pause to a container app deploy only, read by deploy-azure as canary steps', () => {
    expect(rendered('deploy', 'containerapp')).toMatchObject({ traffic: '100', 'traffic-pause': '60' });
    expect(rendered('deploy', 'appservice')).toMatchObject({ traffic: '', 'traffic-pause': '' });
    asRunner('deploy', 'containerapp', { traffic: '10,50,100', 'traffic-pause': '5m' });
    expect(readContainerAppInputs()).toMatchObject({ steps: [10, 50, 100], pauseMs: 300_000 });
  });

  it('leaves the App Service deploy as it was by default', () => {
    const deploy = rendered('deploy', 'appservice');
    expect(deploy).toMatchObject({
      target: 'appservice',
      'slot-name': 'staging',
      swap: 'true',
      'managed-identity-pull': 'true',
    });
  });

  it("rolls a container app back with target containerapp to the deploy step's previous-revision", () => {
    expect(rendered('rollback', 'containerapp')).toMatchObject({
      target: 'containerapp',
      'app-name': 'web',
      'resource-group-name': 'rg-web',
      'previous-revision': 'web--v141',
      'previous-image': '',
      'slot-name': '',
    });
    expect(rendered('rollback', 'appservice')).toMatchObject({
      target: 'azure',
      'previous-image': 'contoso.azurecr.io/web:1.4.1',
      'previous-revision': '',
      'slot-name': 'staging',
    });
  });

  it("proves the container app's app-url + health-path when no health-url is given", () => {
    const url = steps.find((s) => s.id === 'url')!;
    const env = render(url.env!.DEPLOYED_URL, {
      inputs: { 'terraform-output-url': '' },
      steps: { deploy: { outputs: { 'webapp-url': '', 'app-url': deployOutputs['app-url'] } } },
    });
    expect(env).toBe(deployOutputs['app-url']);
  });

  it('reports rolled-back when deploy-azure put a container app back itself and rollback found it already current', () => {
    const value = wf.jobs.deploy!.outputs!['rolled-back']!;
    const rolledBack = (platform: string, outcome: string) =>
      render(value, {
        inputs: { platform },
        steps: { deploy: { outputs: { ...deployOutputs, 'rolled-back': '' } }, rollback: { outputs: { outcome } } },
      });
    expect(rolledBack('containerapp', 'already-current')).toBe('true');
    expect(rolledBack('containerapp', 'rolled-back')).toBe('true');
    expect(rolledBack('appservice', 'already-current')).toBe('false');
    expect(rolledBack('containerapp', '')).toBe('false');
  });

  it('outputs the revision that takes the traffic: the new one once proven, else the previous one', () => {
    const value = wf.jobs.deploy!.outputs!.revision!;
    const revision = (platform: string, passed: string) =>
      render(value, {
        inputs: { platform },
        steps: { deploy: { outputs: deployOutputs }, smoke: { outputs: { passed } } },
      });
    expect(revision('containerapp', 'true')).toBe('web--v142');
    expect(revision('containerapp', 'false')).toBe('web--v141');
    expect(revision('appservice', 'true')).toBe('');
  });
});

describe('the manual release', () => {
  const wf = workflow('release.yml');
  const dispatch = (wf.on as { workflow_dispatch: { inputs: Record<string, { type: string; options?: string[] }> } })
    .workflow_dispatch;

  it('asks for a version, a chosen environment and a dry run, and says what goes where', () => {
    expect(dispatch.inputs.environment).toMatchObject({ type: 'choice', options: ['staging', 'production'] });
    expect(dispatch.inputs['dry-run']!.type).toBe('boolean');
    expect(dispatch.inputs.version!.type).toBe('string');
    expect(wf['run-name']).toMatch(/inputs\.version.*inputs\.environment/s);
  });

  it('validates the version before either pipeline runs, and deploys the existing image, not a new build', () => {
    for (const id of ['ecs', 'azure']) {
      const job = wf.jobs[id]!;
      expect(needsList(job)).toEqual(['validate']);
      expect(job.with).toMatchObject({
        build: false,
        version: '${{ inputs.version }}',
        'dry-run': '${{ inputs.dry-run }}',
      });
      expect(ownWorkflow(job.uses!)).toBe(`${id}-pipeline.yml`);
    }
    expect(wf.jobs.validate!.steps![0]!.env).toMatchObject({ VERSION: '${{ inputs.version }}' });
  });
});

describe('the pull request preview', () => {
  const wf = workflow('preview.yml');
  const sameRepository = 'github.event.pull_request.head.repo.full_name == github.repository';

  it('runs on opened, synchronize, reopened and closed, in one concurrency group per pull request', () => {
    expect((wf.on as { pull_request: { types: string[] } }).pull_request.types).toEqual([
      'opened',
      'synchronize',
      'reopened',
      'closed',
    ]);
    expect(wf.concurrency).toEqual({
      group: 'preview-pr-${{ github.event.pull_request.number }}',
      'cancel-in-progress': false,
    });
  });

  it('gives a fork pull request nothing but the notice: no permissions, no cloud, no deployment', () => {
    const fork = wf.jobs.fork!;
    expect(fork.if).toContain('github.event.pull_request.head.repo.full_name != github.repository');
    expect(fork.permissions).toEqual({});
    expect(fork.steps!.map((s) => ownAction(s.uses ?? ''))).toEqual(['preview']);
    expect(wf.jobs.build!.if).toContain(sameRepository);
    expect(wf.jobs.teardown!.if).toContain(sameRepository);
    expect(needsList(wf.jobs.deploy!)).toEqual(['build']);
  });

  it('runs nothing where previews are not configured (no PREVIEW_IMAGE variable), as in this repository', () => {
    for (const id of ['fork', 'build', 'teardown']) expect(wf.jobs[id]!.if).toMatch(/^vars\.PREVIEW_IMAGE != '' && /);
  });

  it('deploys <service>-pr-<number> or slot pr-<number>, and reports the deployment before and after', () => {
    const steps = wf.jobs.deploy!.steps!;
    const previews = steps.filter((s) => ownAction(s.uses ?? '') === 'preview');
    expect(previews.map((s) => s.with!.state)).toEqual([
      'in_progress',
      "${{ job.status == 'success' && 'success' || 'failure' }}",
    ]);
    expect(previews[1]!.if).toBe('always()');
    expect(steps.find((s) => s.id === 'ecs')!.with).toMatchObject({
      service: '${{ vars.ECS_SERVICE }}-pr-${{ github.event.pull_request.number }}',
      'create-service': true,
    });
    expect(steps.find((s) => s.id === 'azure')!.with).toMatchObject({
      'slot-name': 'pr-${{ github.event.pull_request.number }}',
      'create-slot': true,
    });
  });

  it('tears everything down on close, then marks the deployment inactive', () => {
    const teardown = wf.jobs.teardown!;
    expect(teardown.if).toContain("github.event.action == 'closed'");
    const steps = teardown.steps!;
    expect(steps.find((s) => ownAction(s.uses ?? '') === 'deploy-ecs')!.with!.mode).toBe('teardown');
    expect(steps.find((s) => ownAction(s.uses ?? '') === 'deploy-azure')!.with!.mode).toBe('delete-slot');
    expect(steps.find((s) => ownAction(s.uses ?? '') === 'terraform')!.with!.command).toBe('destroy');
    expect(steps.at(-1)!.with).toEqual({ state: 'inactive' });
    expect(teardown.permissions).toMatchObject({ deployments: 'write', 'pull-requests': 'write' });
  });
});
