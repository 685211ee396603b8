import { formatDuration } from '../lib/duration.js';
import type { Expectations } from '../lib/probe.js';
import { cell, code, type StageSummary } from '../lib/summary.js';
import type { UrlReport } from './smoke.js';

const SHOWN_ATTEMPTS = 30;

function verdict(report: UrlReport): string {
  const last = report.results.at(-1);
  const tries = `${report.attempts} attempt${report.attempts === 1 ? '' : 's'} in ${formatDuration(report.elapsedMs)}`;
  if (report.passed) {
    return `✅ ${last?.status} · ${tries} · median ${report.latency.median} ms, p95 ${report.latency.p95} ms`;
  }
  const why = report.ended === 'timeout' ? 'timed out' : 'attempts used up';
  return `❌ ${why} · ${tries} · last: ${last?.failures.join('; ') ?? 'no attempt'}`;
}

export function describeChecks(expectations: Expectations): string {
  return [
    `status ${expectations.status.text}`,
    expectations.body ? `body ${expectations.body.text}` : '',
    ...(expectations.json ?? []).map(({ path, expected }) =>
      expected ? `${path} = ${expected.text}` : `${path} present`,
    ),
    expectations.maxLatencyMs === undefined ? '' : `latency ≤ ${expectations.maxLatencyMs} ms`,
  ]
    .filter(Boolean)
    .join(', ');
}

/** The attempts of one URL as a table, the last ones when there were many. */
function attemptsTable(report: UrlReport): string {
  const first = Math.max(0, report.results.length - SHOWN_ATTEMPTS);
  const rows = report.results
    .slice(first)
    .map(
      (result, index) =>
        `| ${first + index + 1} | ${result.status ?? '—'} | ${Math.round(result.latencyMs)} ms | ${result.passed ? 'passed' : cell(result.failures.join('; '))} |`,
    );
  const cut = first > 0 ? `_The first ${first} attempts are left out._\n\n` : '';
  return `${cut}| # | status | latency | result |\n|---|---|---|---|\n${rows.join('\n')}`;
}

/** The job summary: the outcome first, then one row per URL, then each URL's attempts (collapsed). */
export function summarise(
  reports: UrlReport[],
  expectations: Expectations,
  consecutiveSuccesses: number,
  ms: number,
): StageSummary {
  const failed = reports.filter((report) => !report.passed);
  return {
    stage: 'smoke-test',
    outcome: failed.length ? 'failure' : 'success',
    headline: failed.length
      ? `${failed.length} of ${reports.length} URL${reports.length === 1 ? '' : 's'} did not pass: ${failed.map((r) => code(r.url)).join(', ')}.`
      : `${reports.length === 1 ? 'The URL' : `All ${reports.length} URLs`} passed ${consecutiveSuccesses} time${consecutiveSuccesses === 1 ? '' : 's'} in a row.`,
    facts: [
      ...reports.map((report): [string, string] => [code(report.url), verdict(report)]),
      ['Checks', describeChecks(expectations)],
      ['Duration', formatDuration(ms)],
    ],
    details: reports.map((report) => ({ title: `${report.url}: attempts`, body: attemptsTable(report) })),
  };
}
