#!/usr/bin/env node
// Writes each action's inputs and outputs tables into its README from action.yml, between the markers
// <!-- inputs:start --> / <!-- inputs:end --> and <!-- outputs:start --> / <!-- outputs:end -->.
// `--check` fails when a README is out of date (CI runs it).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

const cell = (text) =>
  String(text ?? '')
    .trim()
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');

function table(kind, entries) {
  if (!entries || Object.keys(entries).length === 0) return `_This action has no ${kind}._`;
  if (kind === 'inputs') {
    const rows = Object.entries(entries).map(
      ([name, spec]) =>
        `| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${spec.default === undefined ? '' : `\`${cell(spec.default)}\``} | ${cell(spec.description)} |`,
    );
    return ['| input | required | default | description |', '|---|---|---|---|', ...rows].join('\n');
  }
  const rows = Object.entries(entries).map(([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`);
  return ['| output | description |', '|---|---|', ...rows].join('\n');
}

function fill(readme, kind, content) {
  const pattern = new RegExp(`(<!-- ${kind}:start -->)[\\s\\S]*?(<!-- ${kind}:end -->)`);
  if (!pattern.test(readme)) throw new Error(`missing <!-- ${kind}:start --> / <!-- ${kind}:end --> markers`);
  return readme.replace(pattern, `$1\n${content}\n$2`);
}

const stale = [];
for (const name of existsSync(join(root, 'actions')) ? readdirSync(join(root, 'actions')) : []) {
  const metadata = join(root, 'actions', name, 'action.yml');
  const readmePath = join(root, 'actions', name, 'README.md');
  if (!existsSync(metadata)) continue;
  if (!existsSync(readmePath)) {
    stale.push(`actions/${name}/README.md (missing)`);
    continue;
  }
  const action = parse(readFileSync(metadata, 'utf8'));
  const before = readFileSync(readmePath, 'utf8');
  let after;
  try {
    after = fill(fill(before, 'inputs', table('inputs', action.inputs)), 'outputs', table('outputs', action.outputs));
  } catch (error) {
    stale.push(`actions/${name}/README.md: ${error.message}`);
    continue;
  }
  if (after === before) continue;
  if (check) stale.push(`actions/${name}/README.md`);
  else writeFileSync(readmePath, after);
}
if (stale.length > 0) {
  console.error(`Action READMEs out of date with action.yml. Run 'npm run docs' and commit:\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
console.log(check ? 'action READMEs are up to date' : 'action READMEs written');
