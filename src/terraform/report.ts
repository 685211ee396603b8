import * as core from '@actions/core';
import { formatDuration } from '../lib/duration.js';
import { code, escapeHtml, renderSummary, type Outcome, type StageSummary } from '../lib/summary.js';
import type { Installed } from './install.js';
import type { TerraformInputs } from './inputs.js';
import type { PlanResult, RootOutput } from './phases.js';
import { redact, type Secrets } from './plan.js';

/** What one run of the stage did, for the job summary, the pull request comment and the outputs. */
export interface Report {
  inputs: TerraformInputs;
  /** The working directory as the user wrote it, relative to the workspace. */
  root: string;
  installed?: Installed;
  plan?: PlanResult;
  applied?: boolean;
  outputs?: Record<string, RootOutput>;
  validated?: string;
  error?: string;
  /** What to do about the error. */
  hint?: string;
  startedAt: number;
}

/** GitHub refuses comments over 65,536 characters; the summary allows 1 MiB, more than any reader wants. */
export const commentPlanLimit = 40_000;
export const summaryPlanLimit = 200_000;

export function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n\n… cut here: ${(text.length - limit).toLocaleString('en-US')} more characters. The whole plan is in this step's log.`;
}

function counts(plan: PlanResult): string {
  return `${plan.summary.add} to add, ${plan.summary.change} to change, ${plan.summary.destroy} to destroy`;
}

function headline(report: Report): string {
  const where = `${code(report.root)}${report.inputs.workspace ? ` (workspace ${code(report.inputs.workspace)})` : ''}`;
  if (report.error) return `${report.inputs.command} of ${where} failed: ${escapeHtml(report.error)}`;
  const { plan } = report;
  if (report.validated !== undefined) return `The configuration in ${where} is valid.`;
  if (report.applied && plan) return `Applied the reviewed plan to ${where}: ${counts(plan)}.`;
  if (plan && !plan.hasChanges) return `No changes: the infrastructure in ${where} matches the configuration.`;
  if (plan) return `Plan for ${where}: ${counts(plan)}.`;
  return `Read the outputs of ${where}.`;
}

function outcome(report: Report): Outcome {
  if (report.error) return 'failure';
  if (report.plan && !report.plan.hasChanges) return 'unchanged';
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

/** The report as Markdown, with every secret redacted; `planLimit` bounds the plan text it quotes. */
export function renderReport(report: Report, planLimit: number, secrets: Secrets): string {
  const { plan, installed, inputs } = report;
  const summary: StageSummary = {
    stage: 'terraform',
    outcome: outcome(report),
    // The counts per resource type stay in view; only the long texts are collapsed.
    headline: plan?.hasChanges ? `${headline(report)}\n\n${typesTable(plan)}` : headline(report),
    facts: [
      ['What to do', report.hint && escapeHtml(report.hint)],
      ['Command', code(inputs.command)],
      ['Working directory', code(report.root)],
      ['Workspace', inputs.workspace && code(inputs.workspace)],
      [inputs.binary === 'tofu' ? 'OpenTofu' : 'Terraform', installed && `${installed.version} (${installed.source})`],
      ['Changes', plan && (plan.hasChanges ? counts(plan) : 'none')],
      ['Outputs changed', plan && plan.summary.outputs.length > 0 ? plan.summary.outputs.join(', ') : undefined],
      ['Plan hash', plan && code(plan.hash.slice(0, 16))],
      ['Duration', formatDuration(Date.now() - report.startedAt)],
    ],
    details: [],
  };
  if (plan) summary.details!.push({ title: 'Plan', body: cut(plan.text.trim(), planLimit), preformatted: true });
  if (report.outputs && Object.keys(report.outputs).length > 0) {
    summary.details!.push({ title: 'Outputs', body: outputsTable(report.outputs) });
  }
  let markdown = renderSummary(summary);
  if (plan) markdown += `\n<!-- plan-hash: ${plan.hash} -->\n`;
  const escaped = (values: Iterable<string>) => [...values].flatMap((secret) => [secret, escapeHtml(secret)]);
  return redact(markdown, { given: escaped(secrets.given), found: escaped(secrets.found) });
}

/** The plan hash a pull request comment recorded, for apply to compare against. */
export function hashFromComment(body: string): string | undefined {
  return /<!-- plan-hash: ([0-9a-f]{64}) -->/.exec(body)?.[1];
}

const builtIn = new Set(['outputs', 'has-changes', 'to-add', 'to-change', 'to-destroy', 'plan-file', 'plan-hash']);
builtIn.add('failure-reason').add('terraform-version').add('comment-url').add('workspace-created');

/** `outputs` as one JSON object of values, and one action output per root output. */
export function setRootOutputs(outputs: Record<string, RootOutput>): void {
  core.setOutput('outputs', JSON.stringify(Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.value]))));
  for (const [name, output] of Object.entries(outputs)) {
    if (builtIn.has(name)) {
      core.warning(`Root output '${name}' has the name of one of this action's own outputs: read it from 'outputs'.`);
      continue;
    }
    core.setOutput(name, typeof output.value === 'string' ? output.value : JSON.stringify(output.value));
  }
}

export function setPlanOutputs(plan: PlanResult): void {
  core.setOutput('has-changes', String(plan.hasChanges));
  core.setOutput('to-add', String(plan.summary.add));
  core.setOutput('to-change', String(plan.summary.change));
  core.setOutput('to-destroy', String(plan.summary.destroy));
  core.setOutput('plan-file', plan.planFile);
  core.setOutput('plan-hash', plan.hash);
}
