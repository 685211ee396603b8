import type { Finished } from '../lib/action.js';
import { formatDuration } from '../lib/duration.js';
import type { Expectations } from '../lib/probe.js';
import { cell, code, type StageSummary } from '../lib/summary.js';
import type { SmokeTestReport } from './outputs.js';
import { stopReason, type UrlReport } from './smoke.js';

const SHOWN_ATTEMPTS = 30;

function verdict(report: UrlReport): string {
  const last = report.results.at(-1);
  const tries = `${report.attempts} attempt${report.attempts === 1 ? '' : 's'} in ${formatDuration(report.elapsedMs)}`;
  if (report.passed) {
    return `✅ ${last?.status} · ${tries} · median ${report.latency.median} ms, p95 ${report.latency.p95} ms`;
  }
  const why =
    report.ended === 'timeout'
      ? 'timed out'
      : report.ended === 'not-retried'
        ? `not retried: ${stopReason(report.results.at(-1))}`
        : 'failed attempts used up';
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

/**
 * The job summary, pure: the outcome first, then one row per URL, then each URL's attempts (collapsed). Before
 * the probes ran (invalid input) there is nothing to show but the error, which runStage adds.
 */
export function summary({ report }: Finished<SmokeTestReport>): Omit<StageSummary, 'stage'> {
  const { inputs, urls: reports } = report;
  if (inputs === undefined || reports === undefined) return { outcome: 'failure', headline: '', facts: [] };
  const failed = reports.filter((url) => !url.passed);
  const needed = inputs.consecutiveSuccesses;
  return {
    outcome: failed.length ? 'failure' : 'success',
    headline: failed.length
      ? `${failed.length} of ${reports.length} URL${reports.length === 1 ? '' : 's'} did not pass: ${failed.map((r) => code(r.url)).join(', ')}.`
      : `${reports.length === 1 ? 'The URL' : `All ${reports.length} URLs`} passed${needed === 1 ? '' : ` ${needed} times in a row`}.`,
    facts: [
      ...reports.map((url): [string, string] => [code(url.url), verdict(url)]),
      ['Checks', describeChecks(inputs.expectations)],
    ],
    details: reports.map((url) => ({ title: `${url.url}: attempts`, body: attemptsTable(url) })),
  };
}
