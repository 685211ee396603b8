#!/usr/bin/env node
// The README's test command on a bare machine: runs the tests that need a machine tool (Docker, busybox,
// shellcheck, terraform, azure-cli, docker-registry, git-http-backend) with those tools hidden, and checks
// that they pass and that every skipped test is in a file that said, in one line, which tool it missed.
//
// Hidden how: PATH is a folder of links to every command on the real PATH but those tools, GIT_EXEC_PATH one
// of git's helpers but git-http-backend, and DEPLOY_ACTIONS_TEST_HIDE_TOOLS (read by test/helpers/prereq.ts
// only, never by shipped code) hides what a test finds by its path (/bin/busybox). CI is unset, since under
// CI=true a missing tool is a failure by design.
//
// Cheap by default: only the test files that name such a tool or import a helper that does (a few of the
// suite); --all runs every test file. Usage: node scripts/bare-machine.mjs [--all]. Exit 0 when it holds.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, symlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Commands hidden from PATH. */
const COMMANDS = ['docker', 'dockerd', 'busybox', 'shellcheck', 'terraform', 'tofu', 'az', 'docker-registry'];
/** Names test/helpers/prereq.ts gives the tools it checks, hidden through its switch. */
const PREREQUISITES = ['Docker engine', 'busybox', 'shellcheck', 'terraform', 'docker-registry'];
/** The tools a skip may name: those hidden, and git, whose http-backend is hidden (GIT_EXEC_PATH). */
const MAY_MISS = [...PREREQUISITES, ...COMMANDS, 'git', 'azure-cli'];

/** Whether a skip names a hidden tool: by its name, or a name then words about it ('az (Azure CLI)'). */
const namesHidden = (tool, hidden) => hidden.some((name) => tool === name || tool.startsWith(`${name} `));
/** What a module that needs one of them contains: the prerequisite helper, or a start of the tool itself. */
const NEEDS_TOOL =
  /helpers\/prereq\.js|git-http-backend|\/bin\/busybox|(?:exec|spawn)\w*\(\s*['"](?:docker|terraform|tofu|shellcheck|az|busybox|docker-registry)['"]/;

/** A folder of links to every command of `dirs` but the hidden ones, first found first, as PATH resolves. */
function shadow(dirs, hidden) {
  const shadowDir = mkdtempSync(join(tmpdir(), 'bare-path-'));
  const seen = new Set();
  for (const dir of dirs) {
    if (!dir || !existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (seen.has(name) || hidden.includes(name)) continue;
      seen.add(name);
      symlinkSync(join(dir, name), join(shadowDir, name));
    }
  }
  return shadowDir;
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Test files that need a tool: directly, or through a local module they import (followed to any depth). */
function testFilesNeedingTools() {
  const sources = walk(join(root, 'test')).filter((file) => file.endsWith('.ts'));
  const text = new Map(sources.map((file) => [file, readFileSync(file, 'utf8')]));
  const imports = (file) =>
    [...(text.get(file) ?? '').matchAll(/from '(\.{1,2}\/[^']+)'/g)]
      .map(([, spec]) => resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
      .filter((target) => text.has(target));
  const needs = new Map();
  const check = (file, stack = new Set()) => {
    if (needs.has(file)) return needs.get(file);
    if (stack.has(file)) return false;
    stack.add(file);
    const result = NEEDS_TOOL.test(text.get(file) ?? '') || imports(file).some((target) => check(target, stack));
    needs.set(file, result);
    return result;
  };
  return sources.filter((file) => file.endsWith('.test.ts') && check(file)).map((file) => relative(root, file));
}

function gitExecPath() {
  try {
    return execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function environment() {
  const env = { ...process.env };
  delete env.CI;
  env.PATH = shadow((process.env.PATH ?? '').split(delimiter), COMMANDS);
  const gitHelpers = gitExecPath();
  if (gitHelpers && statSync(gitHelpers).isDirectory()) env.GIT_EXEC_PATH = shadow([gitHelpers], ['git-http-backend']);
  env.DEPLOY_ACTIONS_TEST_HIDE_TOOLS = PREREQUISITES.join(',');
  return env;
}

function runVitest(files, env, report) {
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const args = [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...files];
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const tee = (stream) => (chunk) => {
      log += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    child.on('close', (code) => resolveRun({ code: code ?? 1, log }));
  });
}

/** The `skipping: <tool> is not available (...)` lines, by the test file vitest printed them under. */
function skipLinesByFile(log) {
  const byFile = new Map();
  let file;
  for (const line of log.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '').split('\n')) {
    const header = /^std(?:out|err) \| (\S+\.test\.ts)/.exec(line);
    if (header) file = header[1];
    const skip = /^skipping: (.+?) is not available/.exec(line);
    if (skip && file) byFile.set(file, [...(byFile.get(file) ?? []), skip[1]]);
  }
  return byFile;
}

function check({ code, log }, report, hidden) {
  const problems = [];
  if (code !== 0) problems.push(`vitest exited ${code}: a test failed without the tools instead of skipping`);
  const results = JSON.parse(readFileSync(report, 'utf8'));
  const skipLines = skipLinesByFile(log);
  let skipped = 0;
  for (const file of results.testResults) {
    const name = relative(root, file.name);
    const skips = file.assertionResults.filter((test) => ['skipped', 'pending', 'todo'].includes(test.status));
    skipped += skips.length;
    const said = skipLines.get(name) ?? [];
    if (skips.length && said.length === 0) {
      problems.push(`${name}: ${skips.length} test(s) skipped without a 'skipping: <tool> ...' line naming the tool`);
    }
    for (const tool of said)
      if (!namesHidden(tool, hidden)) problems.push(`${name}: skipped for '${tool}', not hidden`);
  }
  return { problems, skipped, files: results.testResults.length, tests: results.numTotalTests };
}

const all = process.argv.includes('--all');
const files = all ? [] : testFilesNeedingTools();
const report = join(mkdtempSync(join(tmpdir(), 'bare-report-')), 'vitest.json');
console.log(
  `bare machine: hiding ${COMMANDS.join(', ')}, git-http-backend; running ${all ? 'every test file' : files.join(' ')}`,
);
const outcome = check(await runVitest(files, environment(), report), report, MAY_MISS);
if (outcome.problems.length) {
  console.error(`\nbare machine: FAILED\n- ${outcome.problems.join('\n- ')}`);
  process.exit(1);
}
console.log(
  `\nbare machine: OK, ${outcome.tests} tests in ${outcome.files} files, ${outcome.skipped} skipped, each in a file that named the missing tool`,
);
