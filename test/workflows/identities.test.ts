import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { render, type Contexts } from './expressions.js';
import { ownAction, ownWorkflow, root, workflow, workflowFiles, type Job, type Step } from './workflows.js';

/**
 * Which cloud identity every job of every workflow holds, against the OIDC subject that job presents (its
 * trigger, or its `environment:`), and against the trust docs/pipelines.md tells users to give that identity.
 * A job holding an identity documented for another subject is a job that either cannot log in, or, worse, one
 * whose identity was widened to trust it: a preview with a production role, a build with the deploy role.
 */

const trustHeading = '## Identities and trust';

/** docs/pipelines.md's trust table: identity (`vars.NAME` or `inputs.name`) -> the one subject it trusts. */
function documentedTrust(): Map<string, string> {
  const docs = readFileSync(join(root, 'docs', 'pipelines.md'), 'utf8');
  const start = docs.indexOf(trustHeading);
  expect(start, `docs/pipelines.md has no "${trustHeading}" section`).toBeGreaterThan(-1);
  const section = docs.slice(start + trustHeading.length).split(/\n## /)[0]!;
  const trust = new Map<string, string>();
  for (const row of section.split('\n').filter((l) => /^\| `/.test(l))) {
    const [name] = /`([\w-]+)`/.exec(row)!.slice(1);
    const subjects = [...row.matchAll(/`(repo:ORG\/REPO:[^`]+)`/g)].map((m) => m[1]!);
    expect(subjects, `docs/pipelines.md trust row ${name}: one subject`).toHaveLength(1);
    trust.set(/^[A-Z0-9_]+$/.test(name!) ? `vars.${name}` : `inputs.${name}`, subjects[0]!);
  }
  return trust;
}

/** The identity values a job's steps log in with: a role to assume or an Entra client ID. */
function identityValues(job: Job): { where: string; value: unknown }[] {
  const found: { where: string; value: unknown }[] = [];
  const envIdentity = (env: Record<string, unknown> | undefined, where: string) => {
    for (const name of ['ARM_CLIENT_ID', 'AZURE_CLIENT_ID'])
      if (env?.[name] !== undefined) found.push({ where: `${where} env ${name}`, value: env[name] });
  };
  envIdentity(job.env as Record<string, unknown> | undefined, 'job');
  (job.steps ?? []).forEach((step: Step, index) => {
    const where = `steps[${index}]${step.id ? ` (${step.id})` : ''}`;
    const uses = step.uses ?? '';
    if (/^aws-actions\/configure-aws-credentials@/.test(uses))
      found.push({ where: `${where} role-to-assume`, value: step.with?.['role-to-assume'] });
    if (/^azure\/login@/.test(uses) || (ownAction(uses) && step.with?.['client-id'] !== undefined))
      found.push({ where: `${where} client-id`, value: step.with?.['client-id'] });
    envIdentity(step.env, where);
  });
  return found;
}

interface Use {
  file: string;
  job: string;
  where: string;
  /** What the identity resolved to in this situation: vars.NAME or inputs.name. */
  identity: string;
  /** The subject the job presents, without the repo:ORG/REPO: prefix. */
  subject: string;
  situation: string;
}

/** The subject of a job without an environment, by the event that runs the workflow. */
function subjectOf(event: string, on: Record<string, unknown>): string {
  if (event === 'pull_request') return 'pull_request';
  if (event === 'workflow_dispatch' || event === 'schedule' || event === 'workflow_call') return 'ref:refs/heads/main';
  if (event === 'push') {
    const branches = (on.push as { branches?: string[] } | null)?.branches;
    return branches?.length === 1 && branches[0] === 'main' ? 'ref:refs/heads/main' : 'ref:<any pushed ref>';
  }
  return `<${event}>`;
}

type Inputs = Record<string, string | boolean | number>;

/** A reusable workflow's inputs as a call gives them: what the caller passes, the defaults for the rest. */
function calledInputs(file: string, given: Inputs): Inputs {
  const call = (
    workflow(file).on as { workflow_call: { inputs?: Record<string, { type: string; default?: unknown }> } }
  ).workflow_call;
  const inputs: Inputs = {};
  for (const [name, input] of Object.entries(call.inputs ?? {}))
    inputs[name] = (input.default as string | undefined) ?? (input.type === 'boolean' ? false : '');
  return { ...inputs, ...given };
}

/** Every identity every job holds, in one situation (the event, the inputs), through called workflows. */
function uses(file: string, event: string, inputs: Inputs | undefined, situation: string, subject?: string): Use[] {
  const wf = workflow(file);
  const found: Use[] = [];
  const base = subject ?? subjectOf(event, wf.on);
  for (const [id, job] of Object.entries(wf.jobs)) {
    const contexts: Contexts = { inputs };
    if (job.uses) {
      const called = ownWorkflow(job.uses);
      if (!called) continue;
      const given = Object.fromEntries(Object.entries(job.with ?? {}).map(([k, v]) => [k, render(v, contexts)]));
      found.push(...uses(called, event, calledInputs(called, given), `${situation}, ${file} jobs.${id}`, base));
      continue;
    }
    const environment = typeof job.environment === 'object' ? job.environment.name : job.environment;
    const jobSubject = environment ? `environment:${render(environment, contexts)}` : base;
    for (const { where, value } of identityValues(job))
      found.push({ file, job: id, where, identity: render(value, contexts), subject: jobSubject, situation });
  }
  return found;
}

/** A workflow's situations: each trigger, and each combination of its dispatch choices. */
function situations(file: string): Use[] {
  const wf = workflow(file);
  const on = wf.on as Record<string, { inputs?: Record<string, { type: string; options?: string[] }> } | null>;
  const found: Use[] = [];
  for (const event of Object.keys(on)) {
    if (event === 'workflow_call') {
      // As a caller runs it: the required inputs as given (markers), the optional ones at their defaults.
      const declared = on.workflow_call?.inputs ?? {};
      const inputs = calledInputs(file, { environment: '<environment>' });
      for (const [name, input] of Object.entries(declared))
        if ((input as { required?: boolean }).required && name !== 'environment') inputs[name] = `inputs.${name}`;
      found.push(...uses(file, event, inputs, 'called'));
      continue;
    }
    let combinations: Inputs[] = [{}];
    for (const [name, input] of Object.entries(on[event]?.inputs ?? {}))
      if (input.type === 'choice')
        combinations = combinations.flatMap((c) => input.options!.map((option) => ({ ...c, [name]: option })));
    for (const inputs of combinations)
      found.push(...uses(file, event, inputs, `on ${event} ${JSON.stringify(inputs)}`.replace(' {}', '')));
  }
  return found;
}

const trust = documentedTrust();
const all = workflowFiles.flatMap(situations);

describe('the cloud identities of the workflows', () => {
  it('are found where the workflows log in (previews, release, both pipelines)', () => {
    const files = new Set(all.map((u) => u.file));
    for (const file of ['preview.yml', 'ecs-pipeline.yml', 'azure-pipeline.yml']) expect(files).toContain(file);
    expect(new Set(all.map((u) => u.situation))).toContain(
      'on workflow_dispatch {"environment":"production","platform":"ecs"}, release.yml jobs.ecs',
    );
  });

  describe.each(workflowFiles)('%s', (file) => {
    it("never runs on pull_request_target or workflow_run (a fork's code with this repository's tokens)", () => {
      expect(Object.keys(workflow(file).on)).not.toContain('pull_request_target');
      expect(Object.keys(workflow(file).on)).not.toContain('workflow_run');
    });

    it('each job holds one documented identity, trusted for exactly the subject the job presents', () => {
      for (const use of all.filter((u) => u.file === file)) {
        const at = `${use.file} jobs.${use.job} ${use.where} (${use.situation})`;
        expect(use.identity, `${at}: one identity, a variable or an input`).toMatch(/^(vars|inputs)\.[\w-]+$/);
        expect([...trust.keys()], `${at}: ${use.identity} is not in docs/pipelines.md "${trustHeading}"`).toContain(
          use.identity,
        );
        expect(trust.get(use.identity), `${at}: ${use.identity} presents ${use.subject}`).toBe(
          `repo:ORG/REPO:${use.subject}`,
        );
      }
    });
  });

  it('are all documented, and the docs list none that no workflow uses', () => {
    expect([...new Set(all.map((u) => u.identity))].sort()).toEqual([...trust.keys()].sort());
  });

  it('are never one identity for two subjects: build, each environment and previews each have their own', () => {
    const subjects = new Map<string, Set<string>>();
    for (const use of all) subjects.set(use.identity, (subjects.get(use.identity) ?? new Set()).add(use.subject));
    for (const [identity, seen] of subjects) expect([...seen], identity).toHaveLength(1);
    const release = all.filter((u) => u.situation.includes('release.yml') && u.job === 'deploy');
    const byEnvironment = (env: string) =>
      new Set(release.filter((u) => u.subject === `environment:${env}`).map((u) => u.identity));
    expect(byEnvironment('staging').size).toBe(2); // one for ECS, one for Azure
    for (const identity of byEnvironment('staging')) expect(byEnvironment('production')).not.toContain(identity);
  });

  it('give previews only the pull request subject, and production jobs never a preview identity', () => {
    const previews = all.filter((u) => u.file === 'preview.yml');
    expect(previews.length).toBeGreaterThan(0);
    for (const use of previews) expect(use.subject).toBe('pull_request');
    for (const use of all.filter((u) => u.file !== 'preview.yml')) expect(use.identity).not.toMatch(/PREVIEW/);
  });
});

describe('the images previews build', () => {
  it('go to a repository of their own that releases never read', () => {
    const preview = workflow('preview.yml');
    const pushes = Object.values(preview.jobs).flatMap((job) =>
      (job.steps ?? []).filter((s) => ownAction(s.uses ?? '') === 'build-push'),
    );
    expect(pushes.map((s) => s.with!.image)).toEqual(['${{ vars.PREVIEW_IMAGE }}']);
    expect(readFileSync(join(root, '.github', 'workflows', 'preview.yml'), 'utf8')).not.toMatch(/\bvars\.IMAGE\b/);
    for (const file of workflowFiles.filter((f) => f !== 'preview.yml'))
      expect(readFileSync(join(root, '.github', 'workflows', file), 'utf8'), file).not.toContain('PREVIEW_IMAGE');
  });
});

describe('docs/pipelines.md', () => {
  const docs = readFileSync(join(root, 'docs', 'pipelines.md'), 'utf8');

  it.each([
    ['release.yml', '## Manual release'],
    ['preview.yml', '## Pull request previews'],
  ])('names exactly the repository variables %s reads', (file, heading) => {
    const section = docs.slice(docs.indexOf(heading)).split(/\n## /)[0]!;
    const paragraph = /Repository variables it reads:([\s\S]*?)(\n\n|$)/.exec(section)?.[1] ?? '';
    const documented = new Set([...paragraph.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
    const text = readFileSync(join(root, '.github', 'workflows', file), 'utf8');
    const read = new Set([...text.matchAll(/\bvars\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));
    expect([...documented].sort()).toEqual([...read].sort());
  });
});

describe("release.yml's validate job, run by bash", () => {
  const step = workflow('release.yml').jobs.validate!.steps![0]!;
  const identities = {
    AWS_BUILD_ROLE_ARN: 'arn:aws:iam::123456789012:role/web-build',
    AWS_STAGING_ROLE_ARN: 'arn:aws:iam::123456789012:role/web-deploy-staging',
    AWS_PRODUCTION_ROLE_ARN: 'arn:aws:iam::123456789012:role/web-deploy-production',
    AZURE_BUILD_CLIENT_ID: '00000000-0000-0000-0000-000000000000',
    AZURE_STAGING_CLIENT_ID: '00000000-0000-0000-0000-000000000000',
    AZURE_PRODUCTION_CLIENT_ID: '00000000-0000-0000-0000-000000000000',
  };

  function validate(env: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'release-validate-'));
    const run = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', step.run!], {
      env: {
        PATH: process.env.PATH,
        GITHUB_STEP_SUMMARY: join(dir, 'summary'),
        IMAGE: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web',
        VERSION: '1.4.2',
        DRY_RUN: 'false',
        ...env,
      },
      encoding: 'utf8',
    });
    rmSync(dir, { recursive: true, force: true });
    return run;
  }

  it.each([
    ['ecs', 'production', 'AWS_PRODUCTION_ROLE_ARN'],
    ['ecs', 'staging', 'AWS_BUILD_ROLE_ARN'],
    ['azure', 'production', 'AZURE_PRODUCTION_CLIENT_ID'],
    ['azure', 'staging', 'AZURE_BUILD_CLIENT_ID'],
  ])('refuses a %s release to %s without %s, never falling back to another identity', (platform, target, unset) => {
    const run = validate({ ...identities, [unset]: '', PLATFORM: platform, TARGET: target });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`::error::the repository variable ${unset} is not set`);
  });

  it('passes when the build identity and the chosen environment identity are set, whatever the other one', () => {
    const run = validate({ ...identities, AWS_STAGING_ROLE_ARN: '', PLATFORM: 'ecs', TARGET: 'production' });
    expect(run.stdout).toBe('');
    expect(run.status).toBe(0);
  });
});
