import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ownWorkflow, root, workflow, type Job } from './workflows.js';

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
