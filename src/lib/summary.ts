import { appendFileSync } from 'node:fs';
import { scrub } from './secrets.js';

export type Outcome = 'success' | 'failure' | 'unchanged' | 'cancelled';

const badge: Record<Outcome, string> = {
  success: '✅ Succeeded',
  failure: '❌ Failed',
  unchanged: '➖ Nothing to change',
  cancelled: '⏹️ Cancelled',
};

export interface StageSummary {
  stage: string;
  outcome: Outcome;
  /** One sentence under the outcome: what happened, or why it failed. */
  headline: string;
  /** Label/value rows of the main table; values are Markdown. Empty values are left out. */
  facts: [string, string | undefined][];
  /** Collapsed sections (events, diagnostics, plan text), each a block of preformatted text or Markdown. */
  details?: { title: string; body: string; preformatted?: boolean }[];
  /** Markdown of the stage's own after the table and details (a plan, a comparison table). */
  markdown?: string;
}

/** Escapes text for a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renders a stage's summary as Markdown; pure, so tests and the demo can read it without a runner. */
export function renderSummary(summary: StageSummary): string {
  const lines = [`### ${summary.stage}: ${badge[summary.outcome]}`, '', summary.headline, ''];
  const rows = summary.facts.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
  if (rows.length > 0) {
    lines.push('| | |', '|---|---|', ...rows.map(([label, value]) => `| ${label} | ${cell(value)} |`), '');
  }
  for (const section of summary.details ?? []) {
    const body = section.preformatted ? `<pre>${escapeHtml(section.body)}</pre>` : `\n${section.body}\n`;
    lines.push(`<details><summary>${escapeHtml(section.title)}</summary>`, '', body, '', '</details>', '');
  }
  if (summary.markdown) lines.push(summary.markdown, '');
  return lines.join('\n');
}

/**
 * Appends the summary to the job summary file when the runner provides one. Written directly rather than
 * through core.summary, whose file path is read once per process and so cannot follow the environment.
 */
export function writeSummary(summary: StageSummary): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, `${scrub(renderSummary(summary))}\n`);
}
