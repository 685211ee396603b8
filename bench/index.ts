import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark, Figure } from './lib.js';

/**
 * Runs every bench/*.bench.ts (or those named as arguments) and prints its figures. Speeds are given as
 * ratios to a baseline measured in the same run, so the numbers compare across machines.
 */
const only = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

function format(figure: Figure): string {
  const value = Number.isInteger(figure.value) ? figure.value.toLocaleString('en-US') : figure.value.toFixed(1);
  const ratio = figure.ratio === undefined ? '' : `  (${figure.ratio.toFixed(2)}x ${figure.baseline})`;
  return `  ${figure.name.padEnd(70)} ${value.padStart(12)} ${figure.unit}${ratio}`;
}

for (const file of files) {
  console.log(`\n${file.replace('.bench.ts', '')}`);
  const benchmark = (await import(join(import.meta.dirname, file))) as { default: Benchmark };
  for (const figure of await benchmark.default()) console.log(format(figure));
}
