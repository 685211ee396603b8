/**
 * One syntax for every time input of every action: a number with a unit (`500ms`, `30s`, `5m`, `1h`), or
 * several (`1m30s`, Go's and Terraform's form); a space may stand between a number and its unit (`1 h`). A bare number is in the unit the input's name or description
 * gives (seconds, or minutes for `*-minutes` inputs kept from the actions users migrate from).
 */

export type BareUnit = 's' | 'm';

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const piece = /(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)\s*/y;

/** Milliseconds, or undefined when `raw` is not a duration. Pure. */
export function parseDuration(raw: string, bare: BareUnit): number | undefined {
  const text = raw.trim();
  if (/^(\d+(\.\d+)?|\.\d+)$/.test(text)) return Number(text) * (unitMs[bare] ?? 1000);
  if (text === '') return undefined;
  let total = 0;
  piece.lastIndex = 0;
  while (piece.lastIndex < text.length) {
    const match = piece.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * (unitMs[match[2] ?? ''] ?? 0);
  }
  return total;
}

/** How the syntax is described in an error: the same words for every input. */
export function durationSyntax(bare: BareUnit): string {
  return `a duration such as 500ms, 30s, 5m or 1m30s (a bare number is ${bare === 'm' ? 'minutes' : 'seconds'})`;
}

/** Formats a duration for logs and summaries: 850 ms, 12.3 s, 4 min 05 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** The duration in Go's notation (`90s`, `0s`), for tools such as Terraform that take it on the command line. */
export function goDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}
