import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { example, exampleFiles, ownWorkflow, root, workflow, type Job } from './workflows.js';

/**
 * The callers shown in README.md and docs/pipelines.md are what users copy: each call of a reusable workflow of
 * this repository passes every input it requires and only inputs it declares.
 */

function calls(file: string): { job: string; call: Job; called: string }[] {
  const text = readFileSync(join(root, file), 'utf8');
  const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((block) => {
    const jobs = (parse(block) as { jobs?: Record<string, Job> } | null)?.jobs ?? {};
    return Object.entries(jobs).flatMap(([job, call]) => {
      const called = call.uses && ownWorkflow(call.uses);
      return called ? [{ job, call, called }] : [];
    });
  });
}

describe.each(['README.md', 'docs/pipelines.md'])('the pipeline callers in %s', (file) => {
  const found = calls(file);

  it('are found', () => {
    expect(found.length).toBeGreaterThan(0);
  });

  it('pass every input the pipeline requires, and only inputs it declares', () => {
    for (const { job, call, called } of found) {
      const inputs = (workflow(called).on as { workflow_call: { inputs: Record<string, { required?: boolean }> } })
        .workflow_call.inputs;
      const given = Object.keys(call.with ?? {});
      for (const input of given) expect(Object.keys(inputs), `${file} jobs.${job} -> ${called}`).toContain(input);
      for (const [input, spec] of Object.entries(inputs))
        if (spec.required) expect(given, `${file} jobs.${job} -> ${called} needs ${input}`).toContain(input);
    }
  });
});

describe('docs/pipelines.md against the pipelines and the examples', () => {
  const docs = readFileSync(join(root, 'docs', 'pipelines.md'), 'utf8');
  /** From a heading to the next heading of its level or above. */
  const section = (heading: string) => {
    const start = docs.indexOf(heading);
    expect(start, `docs/pipelines.md has no "${heading}"`).toBeGreaterThan(-1);
    const level = /^#+/.exec(heading)![0].length;
    return docs.slice(start).split(new RegExp(`\\n#{1,${level}} `))[0]!;
  };
  const pipelines = ['ecs-pipeline.yml', 'azure-pipeline.yml'];
  const declared = (kind: 'inputs' | 'secrets') =>
    new Set(
      pipelines.flatMap((file) =>
        Object.keys((workflow(file).on as { workflow_call: Record<string, object> }).workflow_call[kind] ?? {}),
      ),
    );

  it('names every input of the ECS and Azure pipelines in its table, and only those', () => {
    const table = section('### Inputs, secrets, outputs')
      .split('\n\n')
      .find((p) => p.startsWith('| input'))!;
    const named = new Set(
      table
        .split('\n')
        .slice(2)
        .flatMap((row) => [...row.split('|')[1]!.matchAll(/`([\w-]+)`/g)].map((m) => m[1]!)),
    );
    expect([...named].sort()).toEqual([...declared('inputs')].sort());
  });

  it('names every secret of the pipelines', () => {
    const text = section('### Inputs, secrets, outputs');
    const paragraph = /Secrets \(all optional[^]*?\n\n/.exec(text)?.[0] ?? '';
    for (const secret of declared('secrets')) expect(paragraph, secret).toContain(`\`${secret}\``);
  });

  it.each(pipelines)('states the rollback condition %s uses, word for word', (file) => {
    const condition = /```\n(always\(\)[^`]*)```/.exec(section('## Rolling back on failure and on cancel'))![1]!;
    const rollback = workflow(file).jobs.deploy!.steps!.find((s) => s.id === 'rollback')!;
    // The gate's two steps are the ECS pipeline's only (the docs say so under the condition).
    const gate =
      / && steps\.gate-rollback\.outputs\.rolled-back != 'true' && steps\.continue\.outputs\.rolled-back != 'true'/;
    const stated = condition.replace(/\s+/g, ' ').trim();
    expect(gate.test(stated)).toBe(true);
    expect(String(rollback.if)).toBe(`\${{ ${file === 'ecs-pipeline.yml' ? stated : stated.replace(gate, '')} }}`);
  });

  it('has a section for every example, naming its folder, and the exact subjects its identities must trust', () => {
    const shapes = section('## Shapes: callers for every kind of system');
    const documented = [...shapes.matchAll(/^### .*\(`examples\/([\w-]+)`\)$/gm)].map((m) => m[1]!);
    expect(documented.sort()).toEqual([...new Set(exampleFiles.map((f) => f.split('/')[0]!))].sort());
    for (const shape of documented) {
      const text = shapes.slice(shapes.indexOf(`(\`examples/${shape}\`)`)).split(/\n### /)[0]!;
      const file = exampleFiles.find((f) => f.startsWith(`${shape}/`))!;
      const environments = Object.values(example(file).jobs)
        .filter((job) => job.uses && ownWorkflow(job.uses))
        .map((job) => String(job.with!.environment));
      expect(text, shape).toContain('`repo:ORG/REPO:ref:refs/heads/main`');
      for (const environment of environments)
        expect(text, shape).toContain(`\`repo:ORG/REPO:environment:${environment}\``);
    }
  });
});
