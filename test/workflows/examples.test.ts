import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { render } from './expressions.js';
import { lint } from './linter.js';
import {
  example,
  exampleFiles,
  examplesDir,
  expressions,
  ownWorkflow,
  workflow,
  workflowCall,
  type Job,
} from './workflows.js';

/**
 * The example callers under examples/<shape>/ (issue 20's shapes) walked against the reusable workflows they
 * call, as a reviewer would before a user copies one: they lint clean with the suite's own tools, give every
 * input the called workflow requires and only inputs it declares, pass only secrets it declares, grant each
 * call at least the permissions the called jobs ask for, keep the build identity apart from each environment's
 * deploy identity, and name files that exist in the example.
 */

const shapes = [
  'ecs-multi-container',
  'terraform-deployer',
  'app-service',
  'container-apps',
  'verification-gate',
  'waves',
  'promotion',
  'gitops',
];

/** The cloud identity inputs a reusable workflow logs in with; the GitOps pipeline has none (tokens only). */
const IDENTITY_INPUTS = ['build-role-to-assume', 'build-client-id', 'role-to-assume', 'client-id'];
const logsIn = (called: string) => IDENTITY_INPUTS.some((input) => input in workflowCall(called).inputs);

/** Where an example's workflow sits: examples/<shape>/.github/workflows/<file>. */
const shapeOf = (file: string) => file.split('/')[0]!;
const shapeRoot = (file: string) => join(examplesDir, shapeOf(file));

interface Call {
  file: string;
  job: string;
  call: Job;
  called: string;
}

const calls: Call[] = exampleFiles.flatMap((file) =>
  Object.entries(example(file).jobs).flatMap(([job, call]) => {
    const called = call.uses && ownWorkflow(call.uses);
    return called ? [{ file, job, call, called }] : [];
  }),
);

const level = (grant: string | undefined) => ({ write: 2, read: 1 })[grant as 'write' | 'read'] ?? 0;

/** What the called workflow's jobs ask for, scope by scope (the most any job asks). */
function permissionsNeeded(called: string): Record<string, string> {
  const needed: Record<string, string> = {};
  for (const job of Object.values(workflow(called).jobs))
    for (const [scope, grant] of Object.entries((job.permissions ?? {}) as Record<string, string>))
      if (level(grant) > level(needed[scope])) needed[scope] = grant;
  return needed;
}

/** A call's `with:` rendered for one situation: matrix values and dispatch inputs as given. */
function rendered(call: Job, contexts: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(call.with ?? {}).map(([k, v]) => [k, render(v, contexts)]));
}

/** The matrix rows of a call (its targets' default for a dispatch input), or one row without a matrix. */
function situations(file: string, call: Job): Record<string, unknown>[] {
  const wf = example(file);
  const dispatch = (wf.on as { workflow_dispatch?: { inputs?: Record<string, { default?: unknown }> } })
    .workflow_dispatch;
  const inputs = Object.fromEntries(
    Object.entries(dispatch?.inputs ?? {}).map(([name, input]) => [name, input.default ?? `<${name}>`]),
  );
  const matrix = (call.strategy as { matrix?: Record<string, unknown> } | undefined)?.matrix;
  if (!matrix) return [{ inputs }];
  const [[key, value]] = Object.entries(matrix) as [[string, unknown]];
  const rows = JSON.parse(render(String(value).replace(/^\$\{\{ fromJSON\((.*)\) \}\}$/, '${{ $1 }}'), { inputs }));
  return (rows as unknown[]).map((row) => ({ inputs, matrix: { [key]: row } }));
}

describe('the examples', () => {
  it('hold a caller workflow for every shape', () => {
    expect([...new Set(exampleFiles.map(shapeOf))].sort()).toEqual([...shapes].sort());
    for (const shape of shapes)
      expect(
        calls.map((c) => shapeOf(c.file)),
        shape,
      ).toContain(shape);
  });

  it("lint clean: actionlint, shellcheck, GitHub's workflow parser and the repo's rules", () => {
    const findings = lint(exampleFiles.map((f) => join(examplesDir, f)));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('use only the example account and tenant ids', () => {
    for (const file of exampleFiles) {
      const text = readFileSync(join(examplesDir, file), 'utf8');
      for (const [account] of text.matchAll(/(?<![\d-])\d{12}(?!\d)/g)) expect(account, file).toBe('123456789012');
      for (const [guid] of text.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g))
        expect(guid, file).toMatch(/^00000000-0000-0000-0000-0000000000\d\d$/);
    }
  });
});

describe.each(exampleFiles)('examples/%s', (file) => {
  const wf = example(file);
  const own = calls.filter((c) => c.file === file);

  it('grants nothing at the top and each job only what it asks for', () => {
    expect(wf.permissions).toEqual({});
    for (const [id, job] of Object.entries(wf.jobs)) expect(job.permissions, `jobs.${id}`).toBeTypeOf('object');
  });

  it('calls the reusable workflows with inputs they declare and every input they require', () => {
    for (const { job, call, called } of own) {
      const declared = workflowCall(called).inputs;
      for (const input of Object.keys(call.with ?? {}))
        expect(Object.keys(declared), `jobs.${job} -> ${called}: '${input}'`).toContain(input);
      for (const [input, def] of Object.entries(declared))
        if (def.required)
          expect(Object.keys(call.with ?? {}), `jobs.${job} -> ${called} needs '${input}'`).toContain(input);
    }
  });

  it('passes only secrets the workflow declares, by name from its own secrets, never inherit', () => {
    for (const { job, call, called } of own) {
      expect(call.secrets, `jobs.${job}`).not.toBe('inherit');
      const declared = Object.keys(workflowCall(called).secrets ?? {});
      for (const [name, value] of Object.entries((call.secrets ?? {}) as Record<string, unknown>)) {
        expect(declared, `jobs.${job} -> ${called}: secret '${name}'`).toContain(name);
        expect(value, `jobs.${job}: secret '${name}' from a secret, never written out`).toMatch(
          /^\$\{\{ secrets\.[A-Z][A-Z0-9_]* \}\}$/,
        );
      }
    }
  });

  it('grants each call at least what the called jobs ask for, and nothing it does not need', () => {
    for (const { job, call, called } of own) {
      const needed = permissionsNeeded(called);
      const granted = (call.permissions ?? {}) as Record<string, string>;
      for (const [scope, grant] of Object.entries(needed))
        expect(level(granted[scope]), `jobs.${job} -> ${called}: ${scope}: ${grant}`).toBeGreaterThanOrEqual(
          level(grant),
        );
      for (const scope of Object.keys(granted)) expect(Object.keys(needed), `jobs.${job}: ${scope}`).toContain(scope);
    }
  });

  it('keeps the build identity apart from every deploy identity, and one deploy identity per environment', () => {
    const environments = new Map<string, Set<string>>();
    const builds = new Set<string>();
    for (const { job, call } of own.filter((c) => logsIn(c.called)))
      for (const situation of situations(file, call)) {
        const given = rendered(call, situation);
        const build = given['build-role-to-assume'] ?? given['build-client-id'];
        const deploy = given['role-to-assume'] ?? given['client-id'];
        expect(build, `jobs.${job}: a build identity`).toBeTruthy();
        expect(deploy, `jobs.${job}: a deploy identity`).toBeTruthy();
        expect(deploy, `jobs.${job}: the deploy identity is not the build one`).not.toBe(build);
        builds.add(build!);
        environments.set(deploy!, (environments.get(deploy!) ?? new Set()).add(given.environment!));
      }
    for (const [identity, seen] of environments) {
      expect([...seen], `${identity}: one environment`).toHaveLength(1);
      expect(builds, `${identity} is also a build identity`).not.toContain(identity);
    }
  });

  it('names files that exist in the example (task definition, Terraform root) and has a README', () => {
    const root = shapeRoot(file);
    for (const { job, call } of own) {
      const given = call.with ?? {};
      const taskDefinition = given['task-definition'] as string | undefined;
      if (taskDefinition) expect(existsSync(join(root, taskDefinition)), `jobs.${job}: ${taskDefinition}`).toBe(true);
      const terraform = given['terraform-directory'] as string | undefined;
      if (terraform)
        expect(
          readdirSync(join(root, terraform)).some((f) => f.endsWith('.tf')),
          `jobs.${job}: ${terraform}/*.tf`,
        ).toBe(true);
    }
    expect(existsSync(join(root, 'README.md')), `${shapeOf(file)}/README.md`).toBe(true);
    expect(dirname(file)).toBe(`${shapeOf(file)}/.github/workflows`);
  });

  it('gives JSON inputs that parse: containers, migration-command, targets', () => {
    for (const { job, call } of own)
      for (const situation of situations(file, call)) {
        const given = rendered(call, situation);
        for (const name of ['containers', 'migration-command'])
          if (given[name]) expect(() => JSON.parse(given[name]!), `jobs.${job}: ${name}`).not.toThrow();
        // Every matrix value a call reads exists in every row (a missing key would render as an empty string).
        for (const [, key] of expressions(call.with)
          .join('\n')
          .matchAll(/\bmatrix\.target\.([\w-]+)/g))
          expect((situation.matrix as { target: Record<string, unknown> }).target, `jobs.${job}`).toHaveProperty(key!);
      }
  });
});

/** docs/pipelines.md's trust table: identity input of a pipeline -> the one subject it trusts. */
function documentedTrust(): Map<string, string> {
  const docs = readFileSync(join(examplesDir, '..', 'docs', 'pipelines.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## Identities and trust')).split(/\n## /)[0]!;
  const trust = new Map<string, string>();
  for (const row of section.split('\n').filter((l) => /^\| `[a-z]/.test(l)))
    trust.set(/`([\w-]+)`/.exec(row)![1]!, /`repo:ORG\/REPO:([^`]+)`/.exec(row)![1]!);
  return trust;
}

/** The subject a job without an environment presents, by the caller's trigger. */
function triggerSubject(file: string): string {
  const on = example(file).on as Record<string, { branches?: string[] } | null>;
  if (on.push) return on.push.branches?.join() === 'main' ? 'ref:refs/heads/main' : 'ref:<any pushed ref>';
  if ('workflow_dispatch' in on) return 'ref:refs/heads/main'; // run from main, as the docs say
  return `<${Object.keys(on).join()}>`;
}

describe('the identities the examples hand to the pipelines', () => {
  const trust = documentedTrust();

  it.each(exampleFiles)(
    'examples/%s: each called job logs in as an identity trusted for the subject it presents',
    (file) => {
      let checked = 0;
      for (const { job, call, called } of calls.filter((c) => c.file === file))
        for (const [id, calledJob] of Object.entries(workflow(called).jobs))
          for (const step of calledJob.steps ?? []) {
            const identity = step.with?.['role-to-assume'] ?? step.with?.['client-id'];
            const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(String(identity ?? ''))?.[1];
            if (!input) continue;
            const environment = calledJob.environment ? String(call.with!.environment) : undefined;
            const subject = environment ? `environment:${environment}` : triggerSubject(file);
            const documented = trust.get(input)?.replace('<environment>', environment ?? '<environment>');
            expect(documented, `jobs.${job} -> ${called} jobs.${id}: ${input}`).toBe(subject);
            expect(call.with, `jobs.${job} gives ${input}`).toHaveProperty(input);
            checked++;
          }
      const clouds = calls.filter((c) => c.file === file && logsIn(c.called));
      expect(checked).toBeGreaterThanOrEqual(clouds.length);
      if (clouds.length) expect(checked).toBeGreaterThan(0);
    },
  );
});

describe('the shapes', () => {
  const callIn = (shape: string) => calls.filter((c) => shapeOf(c.file) === shape);
  const readJson = (shape: string, path: string) =>
    JSON.parse(readFileSync(join(examplesDir, shape, path), 'utf8')) as {
      containerDefinitions: { name: string; secrets?: { valueFrom: string }[]; environment?: unknown[] }[];
    };

  it('multi-container: an API and a worker from one image, each with its own env and secrets, migration first, created when missing', () => {
    const [{ call }] = callIn('ecs-multi-container') as [Call];
    const given = call.with!;
    const task = readJson('ecs-multi-container', String(given['task-definition']));
    const names = task.containerDefinitions.map((c) => c.name);
    expect(names).toEqual([given['container-name'], ...(JSON.parse(String(given.containers)) as string[])]);
    for (const container of task.containerDefinitions) {
      expect(container.environment?.length, container.name).toBeGreaterThan(0);
      const sources = (container.secrets ?? []).map((s) => s.valueFrom.split(':')[2]);
      expect(sources, container.name).toEqual(expect.arrayContaining(['secretsmanager', 'ssm']));
    }
    expect(JSON.parse(String(given['migration-command']))).toBeInstanceOf(Array);
    expect(given['create-service']).toBe(true);
    expect(String(given['health-url'])).toMatch(/\/healthz$/);
  });

  it('terraform-deployer: the image through a variable, the URL from an output, a remote backend by inputs', () => {
    const [{ call }] = callIn('terraform-deployer') as [Call];
    const given = call.with!;
    const tf = readFileSync(
      join(examplesDir, 'terraform-deployer', String(given['terraform-directory']), 'main.tf'),
      'utf8',
    );
    expect(tf).toContain(`variable "${String(given['terraform-image-variable'])}"`);
    expect(tf).toContain(`output "${String(given['terraform-image-variable'])}"`);
    expect(tf).toContain(`output "${String(given['terraform-output-url'])}"`);
    expect(tf).toMatch(/backend "s3" \{\}/);
    expect(String(given['terraform-backend-config'])).toMatch(/^bucket=/m);
    expect(given).not.toHaveProperty('task-definition');
  });

  it('app-service: one environment in place without slots, one through a slot, app settings as Key Vault references', () => {
    const slots = callIn('app-service').map((c) => c.call.with!['slot-name']);
    expect(slots).toEqual(['production', 'staging']);
    for (const { call } of callIn('app-service'))
      expect(String(call.with!['app-settings'])).toMatch(
        /=@Microsoft\.KeyVault\(SecretUri=https:\/\/[\w-]+\.vault\.azure\.net\//,
      );
    expect(callIn('app-service')[1]!.call.with!.digest).toBe('${{ needs.staging.outputs.digest }}');
  });

  it('container-apps: revisions of a container app, a canary in production of the digest staging proved', () => {
    const [staging, production] = callIn('container-apps') as [Call, Call];
    for (const { call } of [staging, production]) {
      expect(call.with).toMatchObject({ platform: 'containerapp', 'health-path': '/healthz' });
      // App Service's inputs have no meaning for a container app (deploy-azure refuses app-settings there).
      for (const input of ['slot-name', 'app-settings']) expect(call.with).not.toHaveProperty(input);
    }
    expect(staging.call.with!.traffic).toBe('100');
    expect(production.call.with).toMatchObject({ traffic: '10,50,100', 'traffic-pause': '5m' });
    expect(production.call.with!.digest).toBe('${{ needs.staging.outputs.digest }}');
    // The deploy step's timeout covers the canary's pauses (two of them before 100%).
    expect(Number(production.call.with!['deploy-timeout-seconds'])).toBeGreaterThan(2 * 5 * 60);
  });

  it("verification-gate: the caller's tests first, then a command run in the built image", () => {
    const [{ call }] = callIn('verification-gate') as [Call];
    expect(call.needs).toBe('test');
    expect(String(call.with!['verify-command'])).toContain('"$IMAGE"');
  });

  it('waves: a JSON list as a matrix, max-parallel at a time, halting on the first failure, one target each', () => {
    const [{ call }] = callIn('waves') as [Call];
    expect(call.strategy).toMatchObject({ 'fail-fast': true, 'max-parallel': '${{ inputs.max-parallel }}' });
    expect(call.with!.target).toBe('${{ matrix.target.name }}');
    expect(call.with!.build).toBe(false);
  });

  it('gitops: staging pushed, production through a pull request with the digest staging proved; the files exist', () => {
    const [staging, production] = callIn('gitops') as [Call, Call];
    expect(staging.call.with!.delivery ?? 'push').toBe('push');
    expect(production.call.with).toMatchObject({
      delivery: 'pull-request',
      digest: '${{ needs.staging.outputs.digest }}',
    });
    expect(production.call.needs).toBe('staging');
    for (const { call } of [staging, production]) {
      const file = join(examplesDir, 'gitops', 'config-repository', String(call.with!.files));
      expect(readFileSync(file, 'utf8')).toContain(`- name: ${String(call.with!.container)}\n`);
      const application = join(
        examplesDir,
        'gitops',
        'config-repository',
        'argocd',
        `${String(call.with!.application)}.application.yaml`,
      );
      expect(readFileSync(application, 'utf8')).toContain(`path: ${dirname(String(call.with!.files))}\n`);
      expect(call.secrets).toEqual({
        CONFIG_TOKEN: '${{ secrets.CONFIG_TOKEN }}',
        ARGOCD_TOKEN: '${{ secrets.ARGOCD_TOKEN }}',
      });
    }
  });

  it('promotion: by hand, the digest the previous environment proved, nothing built', () => {
    const [{ call, file }] = callIn('promotion') as [Call];
    expect(Object.keys(example(file).on)).toEqual(['workflow_dispatch']);
    expect(call.with!.digest).toBe('${{ inputs.digest }}');
  });
});
