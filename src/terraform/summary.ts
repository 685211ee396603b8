import type { Finished } from '../lib/action.js';
import { formatDuration } from '../lib/duration.js';
import { DeployError } from '../lib/errors.js';
import { code, escapeHtml, renderSummary, type Outcome, type StageSummary } from '../lib/summary.js';
import { outputText, type PlanResult, type RootOutput } from './phases.js';
import { redact, type Secrets } from './plan.js';
import { commentPlanLimit, cut, isRun, summaryPlanLimit, type Report, type Run } from './report.js';

/** The stage's summary: the job summary, and (rendered by the stage) the pull request comment. */

type Summary = Omit<StageSummary, 'stage'>;

/** The job summary. Before the inputs are read there is nothing to say but the error, which runStage adds. */
export function summary({ report, error }: Finished<Report>): Summary {
  if (!isRun(report)) return { outcome: 'failure', headline: '', facts: [] };
  return terraformSummary(report, error, summaryPlanLimit);
}

/** The pull request comment: the summary with its duration, and the plan cut shorter. */
export function renderComment(run: Run, error: unknown, durationMs: number): string {
  const drawn = terraformSummary(run, error, commentPlanLimit);
  const facts: StageSummary['facts'] = [...drawn.facts, ['Duration', formatDuration(durationMs)]];
  return renderSummary({ ...drawn, stage: 'terraform', facts });
}

/** What the run did (or how it failed), with every secret redacted; `planLimit` bounds the plan text. Pure. */
export function terraformSummary(run: Run, error: unknown, planLimit: number): Summary {
  const { plan, installed, inputs } = run;
  const failed = error !== undefined;
  const hint = error instanceof DeployError ? error.hint : undefined;
  const drawn: Summary = {
    outcome: outcome(run, failed),
    // The counts per resource type stay in view; only the long texts are collapsed.
    headline: plan?.hasChanges ? `${headline(run, error)}\n\n${typesTable(plan)}` : headline(run, error),
    facts: [
      ['What to do', hint && escapeHtml(hint)],
      ['Command', code(inputs.command)],
      ['Working directory', code(run.root)],
      ['Workspace', inputs.workspace && code(inputs.workspace)],
      [inputs.binary === 'tofu' ? 'OpenTofu' : 'Terraform', installed && `${installed.version} (${installed.source})`],
      ['Changes', plan && (plan.hasChanges ? counts(plan) : 'none')],
      ['Outputs changed', plan && plan.summary.outputs.length > 0 ? plan.summary.outputs.join(', ') : undefined],
      ['Plan hash', plan && code(plan.hash.slice(0, 16))],
    ],
    details: [
      ...(plan ? [{ title: 'Plan', body: cut(plan.text.trim(), planLimit), preformatted: true }] : []),
      ...(run.outputs && Object.keys(run.outputs).length > 0
        ? [{ title: 'Outputs', body: outputsTable(run.outputs) }]
        : []),
    ],
    markdown: plan && `<!-- plan-hash: ${plan.hash} -->`,
  };
  return redactSummary(drawn, secretsOf(run));
}

/** Everything that must not be written outside the (masked) log. */
export function secretsOf(run: Run): Secrets {
  const { inputs } = run;
  const outputs = Object.values(run.outputs ?? {})
    .filter((output) => output.sensitive)
    .map(outputText);
  return {
    given: [...inputs.secretVariables.values(), ...inputs.redact, ...(inputs.githubToken ? [inputs.githubToken] : [])],
    found: [...(run.plan?.sensitive ?? []), ...outputs],
  };
}

/** Each text of the summary with the secrets hidden, as they are and HTML-escaped (as code() writes them). */
function redactSummary(drawn: Summary, secrets: Secrets): Summary {
  const escaped = (values: Iterable<string>) => [...values].flatMap((secret) => [secret, escapeHtml(secret)]);
  const hidden = { given: escaped(secrets.given), found: escaped(secrets.found) };
  const hide = (text: string) => redact(text, hidden);
  return {
    ...drawn,
    headline: hide(drawn.headline),
    facts: drawn.facts.map(([label, value]) => [label, value && hide(value)]),
    details: drawn.details?.map((section) => ({ ...section, body: hide(section.body) })),
    markdown: drawn.markdown && hide(drawn.markdown),
  };
}

function counts(plan: PlanResult): string {
  return `${plan.summary.add} to add, ${plan.summary.change} to change, ${plan.summary.destroy} to destroy`;
}

function headline(run: Run, error: unknown): string {
  const { label, workspace } = run.inputs;
  const where = `${label ? `${escapeHtml(label)}: ` : ''}${code(run.root)}${workspace ? ` (workspace ${code(workspace)})` : ''}`;
  const { plan } = run;
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return `${run.inputs.command} of ${where} failed: ${escapeHtml(message)}`;
  }
  if (run.inputs.command === 'setup') {
    return `${run.inputs.binary === 'tofu' ? 'OpenTofu' : 'Terraform'} ${run.installed?.version} is on PATH for the steps after this one.`;
  }
  if (run.validated !== undefined) return `The configuration in ${where} is valid.`;
  if (run.applied && plan) return `Applied the reviewed plan to ${where}: ${counts(plan)}.`;
  if (plan && !plan.hasChanges) return `No changes: the infrastructure in ${where} matches the configuration.`;
  if (plan) return `Plan for ${where}: ${counts(plan)}.`;
  return `Read the outputs of ${where}.`;
}

function outcome(run: Run, failed: boolean): Outcome {
  if (failed) return 'failure';
  if (run.plan && !run.plan.hasChanges) return 'unchanged';
  return 'success';
}

function typesTable(plan: PlanResult): string {
  if (plan.summary.byType.length === 0) return 'No resource changes.';
  const rows = plan.summary.byType.map(([type, c]) => `| \`${type}\` | ${c.add} | ${c.change} | ${c.destroy} |`);
  return ['| resource type | add | change | destroy |', '|---|--:|--:|--:|', ...rows].join('\n');
}

function outputsTable(outputs: Record<string, RootOutput>): string {
  const rows = Object.entries(outputs).map(([name, output]) => {
    const value = output.sensitive
      ? '_(sensitive)_'
      : typeof output.value === 'string'
        ? output.value
        : JSON.stringify(output.value);
    return `| \`${name}\` | ${code(value).replace(/\|/g, '\\|')} |`;
  });
  return ['| output | value |', '|---|---|', ...rows].join('\n');
}
