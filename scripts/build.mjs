#!/usr/bin/env node
// Bundles each action with @vercel/ncc, minified: src/<name>/index.ts -> actions/<name>/dist/index.js (the entry:
// it checks the inputs, then loads the stage's heavy chunks, dist/<id>.index.js) and one dist/licenses.txt.
// An action with a post step (src/<name>/post.ts) gets dist/post/index.js, a two-line launcher of the same bundle
// (index.ts runs post.ts when isPostStep() in src/lib/step.ts says so): main and post share every chunk.
// In the bundles, `@actions/core` is src/lib/workflow-commands.ts (the toolkit's package loads undici and
// @actions/exec at import, about 1 MB to parse before a mistyped input could be refused), for our sources and the
// toolkit packages alike (@actions/tool-cache); the bundler reads it from a tsconfig `paths` entry of a copy of src/
// made for the build under .cache/build/. test/lib/bundles.test.ts checks it provides every function they call.
// `--check` rebuilds into a temporary folder and fails when the committed dist/ differs (check-dist).
// Names given as arguments limit the build to those actions.
// Each action is also published at the repository root, <name>/action.yml, a copy of actions/<name>/action.yml
// whose main/post point at ../actions/<name>/dist/, so users write `org/deploy-actions/<name>@v1`.
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  mkdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';
import { transform } from 'esbuild';

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

/** What our sources import as `@actions/core` inside the bundles. */
const CORE_IN_BUNDLES = 'src/lib/workflow-commands.ts';

/**
 * A copy of src/ with a tsconfig that maps `@actions/core` to CORE_IN_BUNDLES; ncc reads `paths` from the tsconfig
 * of its working directory and applies them to every import it resolves. Under .cache/ (ignored by git, the
 * linters and the test runner), removed after the build.
 */
function sourceCopy(name) {
  const copy = mkdtempSync(join(root, '.cache', 'build', `${name}-`));
  cpSync(join(root, 'src'), join(copy, 'src'), { recursive: true });
  const tsconfig = {
    extends: relative(copy, join(root, 'tsconfig.json')),
    compilerOptions: { baseUrl: '.', paths: { '@actions/core': [`./${CORE_IN_BUNDLES}`] } },
  };
  writeFileSync(join(copy, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  return copy;
}

async function bundle(name, outDir) {
  mkdirSync(join(root, '.cache', 'build'), { recursive: true });
  const copy = sourceCopy(name);
  const cwd = process.cwd();
  let result;
  try {
    // The bundler reads `paths` from the tsconfig of the working directory.
    process.chdir(copy);
    result = await ncc(join(copy, 'src', name, 'index.ts'), {
      // Minified below, every chunk (ncc minifies only index.js).
      minify: false,
      sourceMap: false,
      // Assets of packages (outside the copy) are kept, as when building from src/.
      filterAssetBase: root,
      license: 'licenses.txt',
      quiet: true,
      // Types are checked by `npm run typecheck`; the bundler only strips them, so one action's work in
      // progress cannot break another's build.
      transpileOnly: true,
    });
  } finally {
    process.chdir(cwd);
    rmSync(copy, { recursive: true, force: true });
  }
  const { code, assets } = result;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'index.js'), await minify(code));
  for (const [file, asset] of Object.entries(assets ?? {})) {
    mkdirSync(dirname(join(outDir, file)), { recursive: true });
    const chunk = /^\d+\.index\.js$/.test(file);
    writeFileSync(join(outDir, file), chunk ? await minify(asset.source.toString()) : asset.source);
  }
  if (existsSync(join(root, 'src', name, 'post.ts'))) {
    mkdirSync(join(outDir, 'post'), { recursive: true });
    writeFileSync(join(outDir, 'post', 'index.js'), POST_LAUNCHER);
  }
}

/**
 * Minified by esbuild, names kept (`keepNames`): error classes, `new.target.name` and stack frames read as in the
 * sources. About half the bytes a runner downloads and Node parses.
 */
async function minify(code) {
  const { code: minified } = await transform(code, { minify: true, keepNames: true, format: 'esm', target: 'node24' });
  return minified;
}

/** dist/post/index.js: the post step runs the main bundle, told it is the post step (src/lib/step.ts). */
const POST_LAUNCHER =
  '// The post step (action.yml runs.post): the bundle of the main step, which runs src/<action>/post.ts when told so.\n' +
  "globalThis[Symbol.for('deploy-actions.post-step')] = true;\n" +
  "await import('../index.js');\n";

/** The root alias of an action: its action.yml with main/post pointing into actions/<name>/. */
function alias(name, actionYml) {
  const header =
    `# Generated by 'npm run build' from actions/${name}/action.yml (edit that file): this copy lets workflows\n` +
    `# write 'uses: org/deploy-actions/${name}@v1'. Its code is actions/${name}/dist/.\n`;
  const moved = actionYml.replace(
    /^( {2}(?:main|post): )(['"]?)(dist\/[^'"\n]+)\2$/gm,
    (_, key, quote, path) => `${key}${quote}../actions/${name}/${path}${quote}`,
  );
  return header + moved;
}

const scratch = check ? mkdtempSync(join(tmpdir(), 'check-dist-')) : undefined;
const stale = [];
for (const name of actions) {
  const dist = join(root, 'actions', name, 'dist');
  // Bundled beside dist/ and swapped in whole, so a test or the demo running meanwhile never finds it half built.
  const out = scratch ? join(scratch, name) : mkdtempSync(join(root, 'actions', name, '.dist-'));
  await bundle(name, out);
  if (!scratch) {
    chmodSync(out, 0o755);
    const old = `${dist}.old-${process.pid}`;
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(out, dist);
    rmSync(old, { recursive: true, force: true });
  }
  const aliasFile = join(root, name, 'action.yml');
  const aliasText = alias(name, readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8'));
  if (scratch) {
    if (!existsSync(aliasFile) || readFileSync(aliasFile, 'utf8') !== aliasText) stale.push(`${name}/action.yml`);
  } else {
    mkdirSync(join(root, name), { recursive: true });
    writeFileSync(aliasFile, aliasText);
  }
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
  console.error(
    `dist/ or a root action.yml does not match the source. Run 'npm run build' and commit:\n  ${stale.join('\n  ')}`,
  );
  process.exit(1);
}
