import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render, type Contexts } from '../workflows/expressions.js';
import { example, examplesDir, exampleFiles, ownWorkflow, type Job } from '../workflows/workflows.js';

/** An example caller's call of a reusable workflow, and a workspace holding the example's files. */
export function exampleCall(
  shape: string,
  job: string,
  contexts?: Contexts,
): { workflow: string; with: Record<string, unknown>; job: Job } {
  const file = exampleFiles.find((f) => f.startsWith(`${shape}/`))!;
  const call = example(file).jobs[job] as Job;
  // With contexts (the dispatch inputs, the matrix row), the caller's expressions rendered as the runner does;
  // a value that is not text (build: false) stays what it is.
  const given = Object.fromEntries(
    Object.entries(call.with ?? {}).map(([k, v]) => [k, contexts && typeof v === 'string' ? render(v, contexts) : v]),
  );
  return { workflow: ownWorkflow(call.uses!)!, with: given, job: call };
}

/** A workflow_dispatch input's default in an example. */
export function dispatchDefault(shape: string, input: string): unknown {
  const file = exampleFiles.find((f) => f.startsWith(`${shape}/`))!;
  const on = example(file).on as { workflow_dispatch: { inputs: Record<string, { default?: unknown }> } };
  return on.workflow_dispatch.inputs[input]!.default;
}

/** A fresh checkout of the caller's repository: a copy of examples/<shape>. */
export function exampleWorkspace(shape: string): string {
  const workspace = mkdtempSync(join(tmpdir(), `${shape}-`));
  cpSync(join(examplesDir, shape), workspace, { recursive: true });
  return workspace;
}

/** build-push's image output for a digest of the image repository the caller gives. */
export const built = (image: unknown, digest: string) => ({
  outputs: { image: `${String(image)}@${digest}`, digest },
});
