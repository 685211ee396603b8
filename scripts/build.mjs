#!/usr/bin/env node
// Bundles each action with @vercel/ncc: src/<name>/index.ts -> actions/<name>/dist/index.js, and
// src/<name>/post.ts (when the action has a post step) -> actions/<name>/dist/post/index.js.
// `--check` rebuilds into a temporary folder and fails when the committed dist/ differs (check-dist).
// Names given as arguments limit the build to those actions.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const only = args.filter((arg) => !arg.startsWith('--'));
const actions = (existsSync(join(root, 'actions')) ? readdirSync(join(root, 'actions')) : []).filter(
  (name) => existsSync(join(root, 'actions', name, 'action.yml')) && (only.length === 0 || only.includes(name)),
);

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

async function bundle(entry, outDir) {
  const { code, assets } = await ncc(entry, {
    minify: false,
    sourceMap: false,
    license: 'licenses.txt',
    quiet: true,
    // Types are checked by `npm run typecheck`; the bundler only strips them, so one action's work in
    // progress cannot break another's build.
    transpileOnly: true,
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'index.js'), code);
  for (const [name, asset] of Object.entries(assets ?? {})) {
    mkdirSync(dirname(join(outDir, name)), { recursive: true });
    writeFileSync(join(outDir, name), asset.source);
  }
}

const scratch = check ? mkdtempSync(join(tmpdir(), 'check-dist-')) : undefined;
const stale = [];
for (const name of actions) {
  const dist = join(root, 'actions', name, 'dist');
  const out = scratch ? join(scratch, name) : dist;
  if (!scratch) rmSync(dist, { recursive: true, force: true });
  await bundle(join(root, 'src', name, 'index.ts'), out);
  if (existsSync(join(root, 'src', name, 'post.ts')))
    await bundle(join(root, 'src', name, 'post.ts'), join(out, 'post'));
  if (scratch) {
    const built = listFiles(out);
    const committed = listFiles(dist);
    for (const file of new Set([...built, ...committed])) {
      const a = existsSync(join(out, file)) ? readFileSync(join(out, file)) : undefined;
      const b = existsSync(join(dist, file)) ? readFileSync(join(dist, file)) : undefined;
      if (!a || !b || !a.equals(b)) stale.push(`actions/${name}/dist/${file}`);
    }
  }
  console.log(`${check ? 'checked' : 'built'} actions/${name}`);
}
if (scratch) rmSync(scratch, { recursive: true, force: true });
if (stale.length > 0) {
  console.error(`dist/ does not match the source. Run 'npm run build' and commit:\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
