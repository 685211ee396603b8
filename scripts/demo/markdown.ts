/**
 * Shows a job summary (GitHub Markdown with a little HTML) the way a terminal can: bold headings,
 * aligned tables, <details> sections opened and indented, tags stripped.
 */

/** Terminal styles, only when stdout is a terminal (a test reading the output sees plain text). */
export const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
export const dim = (text: string) => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text);

function inline(text: string): string {
  return text
    .replace(/<br>/g, ', ')
    .replace(/<\/?(code|pre|summary|details|b|strong)>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\*\*(.+?)\*\*/g, (_, t: string) => bold(t))
    .replace(/\\\|/g, '|');
}

function table(rows: string[][]): string[] {
  const body = rows.filter((row) => !row.every((cell) => /^-*$/.test(cell)));
  const widths = body[0]?.map((_, i) => Math.max(...body.map((row) => (row[i] ?? '').length))) ?? [];
  return body
    .filter((row) => row.some((cell) => cell !== ''))
    .map(
      (row) =>
        '  ' +
        row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
    );
}

export function terminalMarkdown(markdown: string): string {
  const out: string[] = [];
  let rows: string[][] = [];
  let inPre = false;
  for (const raw of markdown.split('\n')) {
    if (raw.startsWith('|')) {
      rows.push(
        raw
          .slice(1, raw.endsWith('|') ? -1 : undefined)
          .split(/(?<!\\)\|/)
          .map((cell) => inline(cell.trim())),
      );
      continue;
    }
    if (rows.length) out.push(...table(rows));
    rows = [];
    if (raw.includes('<pre>')) inPre = true;
    const summary = /<summary>(.*)<\/summary>/.exec(raw);
    if (summary) out.push(dim(`  ▸ ${inline(summary[1] ?? '')}`));
    else if (raw.startsWith('#')) out.push(bold(inline(raw.replace(/^#+\s*/, ''))));
    else if (!/^\s*<\/?details>\s*$/.test(raw) && raw.trim() !== '')
      out.push(inPre ? dim(`    ${inline(raw)}`) : inline(raw));
    if (raw.includes('</pre>')) inPre = false;
  }
  if (rows.length) out.push(...table(rows));
  return out.join('\n');
}
