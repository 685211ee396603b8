import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as toolkit from '@actions/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: a plain .mjs script shared with the benchmark and the demo
import { node24 } from '../../scripts/node24.mjs';
import * as light from '../../src/lib/workflow-commands.js';
import { INVALID_INPUTS } from '../../bench/lib.js';
import {
  actionNames,
  actionRuns,
  distFiles,
  readStep,
  repoRoot,
  runnerFiles,
  stepEnvironment,
} from '../helpers/runner.js';

/**
 * What the runner downloads and starts, action by action: one bundle per action whose chunks are there once, that
 * main and post share, with one licenses file and no package the action never loads; an entry that refuses a
 * mistyped input before it loads anything heavy; and, in place of @actions/core, src/lib/workflow-commands.ts,
 * which must print what the toolkit prints.
 */

/** The packages an action bundles that cost the most, by the names licenses.txt gives them. */
const HEAVY_PACKAGES = [
  '@aws-sdk/client-codedeploy',
  '@aws-sdk/client-ecr',
  '@aws-sdk/client-ecs',
  '@aws-sdk/client-elastic-load-balancing-v2',
  '@azure/arm-appcontainers',
  '@azure/arm-appservice',
  '@azure/identity',
  '@actions/github',
  '@actions/tool-cache',
  'undici',
  'yaml',
  'zod',
];

/** Of HEAVY_PACKAGES, those each action loads on some path (DESIGN.md's table, and what each stage calls). */
const LOADS: Record<string, string[]> = {
  'build-push': ['@aws-sdk/client-ecr'],
  'deploy-azure': ['@azure/arm-appcontainers', '@azure/arm-appservice', '@azure/identity'],
  'deploy-ecs': [
    '@aws-sdk/client-codedeploy',
    '@aws-sdk/client-ecs',
    '@aws-sdk/client-elastic-load-balancing-v2',
    'yaml',
    'zod',
  ],
  gitops: ['@actions/github', 'undici', 'yaml'],
  preview: ['@actions/github', 'undici'],
  rollback: ['@aws-sdk/client-ecs', '@azure/arm-appcontainers', '@azure/arm-appservice', '@azure/identity', 'yaml'],
  'smoke-test': [],
  terraform: ['@actions/github', '@actions/tool-cache', 'undici'],
};

/** Files other than chunks that a package's code opens by path, so ncc copies them (and why they may stay). */
const ASSETS: Record<string, string[]> = {
  // @azure/identity's `open` dependency, for the interactive browser login: copied by ncc, never run by us.
  'deploy-azure': ['xdg-open'],
  rollback: ['xdg-open'],
};

/**
 * Built-ins still loaded before the inputs are checked, because a module outside the lean-bundles task's files
 * imports them at its top (tls loads crypto). Each goes when that module loads them at first use: the diffs are in
 * the lean-bundles report (numbered). Delete an entry once its diff is in, and the test holds the action to the rule.
 */
const PENDING_BUILTINS: Record<string, string[]> = {};

/**
 * Of HEAVY_PACKAGES, those bundled today though the action never loads them, because src/lib/aws.ts makes the ECS
 * and the ECR client in one module. Goes with diff 5 of the lean-bundles report; delete the entries with it.
 */
const PENDING_PACKAGES: Record<string, string[]> = {};

/** What the post launcher written by scripts/build.mjs must do: run the main bundle, told it is the post step. */
const LAUNCHER =
  /^\/\/ .*\nglobalThis\[Symbol\.for\('deploy-actions\.post-step'\)\] = true;\nawait import\('\.\.\/index\.js'\);\n$/;

interface DistShape {
  /** action.yml's runs.post, when the action has a post step. */
  post?: string;
  assets?: string[];
  /** Of HEAVY_PACKAGES, those the action may bundle. */
  loads?: string[];
}

/** Every way a dist/ can hold more than the runner needs, as one line each; empty when it is lean. */
function distProblems(dist: string, shape: DistShape): string[] {
  const files = readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dist, join(entry.parentPath, entry.name)))
    .sort();
  const problems: string[] = [];
  const chunks = files.filter((file) => /^\d+\.index\.js$/.test(file));
  const expected = new Set(['index.js', 'package.json', 'licenses.txt', ...chunks, ...(shape.assets ?? [])]);
  if (shape.post) expected.add(shape.post.replace(/^dist\//, ''));
  for (const file of files) if (!expected.has(file)) problems.push(`unexpected file ${file}`);
  for (const file of files.filter((f) => /licen[cs]e/i.test(f) && f !== 'licenses.txt'))
    problems.push(`second licenses file ${file}`);

  const byHash = new Map<string, string>();
  for (const file of files) {
    const hash = createHash('sha256')
      .update(readFileSync(join(dist, file)))
      .digest('hex');
    const twin = byHash.get(hash);
    if (twin) problems.push(`duplicate: ${file} is byte for byte ${twin}`);
    else byHash.set(hash, file);
  }

  const code = files
    .filter((file) => file.endsWith('.js'))
    .map((file) => [file, readFileSync(join(dist, file), 'utf8')]);
  for (const chunk of chunks) {
    const id = chunk.split('.')[0];
    const loaders = code.filter(([file, text]) => file !== chunk && new RegExp(`\\.e\\(${id}\\)`).test(text ?? ''));
    if (loaders.length === 0) problems.push(`chunk ${chunk} is loaded by no other file of dist/`);
  }

  if (shape.post) {
    const launcher = readFileSync(join(dist, shape.post.replace(/^dist\//, '')), 'utf8');
    if (!LAUNCHER.test(launcher)) problems.push(`${shape.post} is not the launcher of the main bundle`);
  }

  const licenses = files.includes('licenses.txt') ? readFileSync(join(dist, 'licenses.txt'), 'utf8') : '';
  for (const name of HEAVY_PACKAGES) {
    if (new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`, 'm').test(licenses) && !(shape.loads ?? []).includes(name))
      problems.push(`bundles ${name}, which this action never loads`);
  }
  return problems;
}

describe('distProblems: the checks can fail', () => {
  const fake = () => {
    const dist = mkdtempSync(join(tmpdir(), 'dist-'));
    writeFileSync(join(dist, 'index.js'), 'await t.e(12).then(() => 1);');
    writeFileSync(join(dist, '12.index.js'), 'export const id=12;');
    writeFileSync(join(dist, 'package.json'), '{"type":"module"}\n');
    writeFileSync(join(dist, 'licenses.txt'), 'zod\nMIT\n...\n');
    return dist;
  };

  it('passes a lean dist/', () => {
    expect(distProblems(fake(), { loads: ['zod'] })).toEqual([]);
  });

  it('finds chunks copied into a post step, a second licenses file and a chunk nothing loads', () => {
    const dist = fake();
    mkdirSync(join(dist, 'post'));
    writeFileSync(join(dist, 'post', '12.index.js'), 'export const id=12;');
    writeFileSync(join(dist, 'post', 'licenses.txt'), 'zod\nMIT\n...\n');
    writeFileSync(join(dist, '99.index.js'), 'export const id=99;');
    expect(distProblems(dist, { loads: ['zod'] })).toEqual([
      'unexpected file post/12.index.js',
      'unexpected file post/licenses.txt',
      'second licenses file post/licenses.txt',
      'duplicate: post/12.index.js is byte for byte 12.index.js',
      'duplicate: post/licenses.txt is byte for byte licenses.txt',
      'chunk 99.index.js is loaded by no other file of dist/',
    ]);
  });

  it('finds a package the action never loads, and a post step that is not the launcher', () => {
    const dist = fake();
    mkdirSync(join(dist, 'post'));
    writeFileSync(join(dist, 'post', 'index.js'), 'await import("./12.index.js");\n');
    expect(distProblems(dist, { post: 'dist/post/index.js' })).toEqual([
      'dist/post/index.js is not the launcher of the main bundle',
      'bundles zod, which this action never loads',
    ]);
  });
});

describe.each(actionNames())('actions/%s/dist', (action) => {
  const runs = actionRuns(action);

  it('is one lean bundle: no duplicate or unloadable chunk, one licenses file, no package it never loads', () => {
    expect(
      distProblems(join(repoRoot, 'actions', action, 'dist'), {
        post: runs.post,
        assets: ASSETS[action],
        loads: [...(LOADS[action] ?? []), ...(PENDING_PACKAGES[action] ?? [])],
      }),
    ).toEqual([]);
  });

  it('starts dist/index.js on node24, and its post step (if any) from the same bundle', () => {
    expect(runs).toMatchObject({ using: 'node24', main: 'dist/index.js' });
    const hasPost = distFiles(action).includes('post/index.js');
    expect(runs.post).toBe(hasPost ? 'dist/post/index.js' : undefined);
    if (runs.post) expect(runs.postIf).toBeDefined();
  });
});

/** Node built-in modules that take a large part of a bare Node start to load (https and tls most). */
const HEAVY_BUILTINS = ['http', 'https', 'http2', 'tls', 'child_process', 'crypto', 'zlib', 'dns', 'worker_threads'];

/** Records, for one step, the built-in modules and the files of dist/ it loaded. Node 24's module.registerHooks. */
const TRACER = `import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const before = new Set(process.moduleLoadList);
const files = [];
registerHooks({ load(url, context, next) { if (url.startsWith('file:')) files.push(new URL(url).pathname); return next(url, context); } });
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith('NativeModule ') && !m.includes('internal/')).map((m) => m.slice(13));
  writeFileSync(process.env.TRACE_FILE, JSON.stringify({ builtins, files }));
});
`;

describe.each(actionNames())('actions/%s refusing a mistyped input', (action) => {
  it('loads no heavy built-in and only its small entry before it exits with failure-reason invalid-input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-'));
    writeFileSync(join(dir, 'tracer.mjs'), TRACER);
    const files = runnerFiles();
    const env = { ...stepEnvironment(INVALID_INPUTS[action] ?? {}, files), TRACE_FILE: join(dir, 'trace.json') };
    const step = spawnSync(
      node24(),
      ['--import', join(dir, 'tracer.mjs'), join(repoRoot, 'actions', action, 'dist', 'index.js')],
      { env, encoding: 'utf8' },
    );
    expect(step.status, step.stdout + step.stderr).toBe(1);
    expect(readStep(files).outputs['failure-reason']).toBe('invalid-input');
    expect(step.stdout).toMatch(/^::error::Input '/m);

    const trace = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as { builtins: string[]; files: string[] };
    const heavy = trace.builtins.filter((name) => HEAVY_BUILTINS.includes(name.replace(/^node:/, '')));
    expect(heavy.map((name) => name.replace(/^node:/, '')).sort()).toEqual(PENDING_BUILTINS[action] ?? []);
    const dist = join(repoRoot, 'actions', action, 'dist');
    const loaded = trace.files.filter((file) => file.startsWith(dist));
    const bytes = loaded.reduce((sum, file) => sum + statSync(file).size, 0);
    // A budget, not a timing: what Node parses before it can refuse the input (every stage fits in a third of it).
    expect(bytes, loaded.join('\n')).toBeLessThan(200_000);
  });
});

describe('src/lib/workflow-commands.ts in place of @actions/core', () => {
  let dir: string;
  let printed: string[];
  const saved = { ...process.env };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'commands-'));
    printed = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
      printed.push(String(text));
      return true;
    });
    process.exitCode = undefined;
  });

  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
    process.exitCode = undefined;
  });

  /** Runs the same calls on one module with fresh runner files; returns what it printed and wrote. */
  const record = (core: typeof light, calls: (core: typeof light) => void, files = true) => {
    printed = [];
    const run = mkdtempSync(join(dir, 'run-'));
    for (const name of ['OUTPUT', 'STATE', 'ENV', 'PATH']) {
      const path = join(run, name);
      writeFileSync(path, '');
      if (files) process.env[`GITHUB_${name}`] = path;
      else delete process.env[`GITHUB_${name}`];
    }
    process.env.PATH = '/usr/bin';
    calls(core);
    const written = ['OUTPUT', 'STATE', 'ENV', 'PATH'].map((name) => readFileSync(join(run, name), 'utf8'));
    const sameDelimiters = (text: string) => text.replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_<uuid>');
    return {
      printed: printed.join(''),
      written: written.map(sameDelimiters),
      path: process.env.PATH,
      exitCode: process.exitCode,
    };
  };

  const calls = (core: typeof light) => {
    core.info('plain 100% text');
    core.debug('line one\nline two\r\n');
    core.notice('a notice', { title: 'T: a, b', file: 'src/a.ts', startLine: 3, endLine: 4, startColumn: 1 });
    core.warning(new Error('an error as a warning'));
    core.error('50% done,\nnot more');
    core.setSecret('s3cr%t');
    core.startGroup('Group: one');
    core.endGroup();
    core.setOutput('report', { passed: true, urls: ['a', 'b'] });
    core.setOutput('empty', undefined);
    core.setOutput('multi', 'first\nsecond');
    core.saveState('rollback', '{"services":[]}');
    core.exportVariable('DEPLOY_MODE', 42);
    core.addPath('/opt/tool/bin');
    core.setFailed('the stage failed');
  };

  it('prints the same workflow commands and writes the same environment files', () => {
    const real = record(toolkit as unknown as typeof light, calls);
    const ours = record(light, calls);
    expect(ours).toEqual(real);
    expect(real.printed).toContain('::notice title=T%3A a%2C b,file=src/a.ts,line=3,endLine=4,col=1::a notice');
    expect(real.written[0]).toContain(
      'report<<ghadelimiter_<uuid>\n{"passed":true,"urls":["a","b"]}\nghadelimiter_<uuid>',
    );
  });

  it('falls back to the stdout commands without environment files, as the toolkit does', () => {
    const real = record(toolkit as unknown as typeof light, calls, false);
    const ours = record(light, calls, false);
    expect(ours).toEqual(real);
    expect(real.printed).toContain('::set-output name=multi::first%0Asecond');
  });

  it('reads inputs as the toolkit does, with the same errors', async () => {
    process.env['INPUT_WAIT-FOR_MINUTES'] = '  5 ';
    process.env.INPUT_FLAG = 'True';
    process.env.INPUT_BAD = 'yes';
    process.env.INPUT_LINES = 'a\n\n b \n';
    for (const core of [toolkit as unknown as typeof light, light]) {
      expect(core.getInput('wait-for minutes')).toBe('5');
      expect(core.getInput('wait-for minutes', { trimWhitespace: false })).toBe('  5 ');
      expect(core.getBooleanInput('flag')).toBe(true);
      expect(core.getMultilineInput('lines')).toEqual(['a', 'b']);
      expect(() => core.getInput('missing', { required: true })).toThrow('Input required and not supplied: missing');
      expect(() => core.getBooleanInput('bad')).toThrow(
        /^Input does not meet YAML 1.2 "Core Schema" specification: bad\n/,
      );
      process.env.STATE_rollback = '{"a":1}';
      expect(core.getState('rollback')).toBe('{"a":1}');
      expect(await core.group('g', async () => 7)).toBe(7);
    }
  });

  it('provides every toolkit function the bundled code calls (ours and @actions/tool-cache)', () => {
    const sources = [
      ...tsFiles(join(repoRoot, 'src')),
      ...readdirSync(join(repoRoot, 'node_modules', '@actions', 'tool-cache', 'lib'))
        .filter((file) => file.endsWith('.js'))
        .map((file) => join(repoRoot, 'node_modules', '@actions', 'tool-cache', 'lib', file)),
    ];
    const used = new Set<string>();
    for (const file of sources) {
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
        .join('\n');
      if (!/from '@actions\/core'/.test(code)) continue;
      for (const [, name] of code.matchAll(/\bcore\.(\w+)/g)) used.add(name ?? '');
      for (const [, names] of code.matchAll(/import \{([^}]*)\} from '@actions\/core'/g))
        for (const name of (names ?? '').split(','))
          used.add(
            name
              .replace(/^\s*type\s+/, '')
              .split(' as ')[0]
              ?.trim() ?? '',
          );
    }
    const types = new Set(['InputOptions', 'AnnotationProperties', '']);
    const missing = [...used].filter(
      (name) => !types.has(name) && !(light.provided as readonly string[]).includes(name),
    );
    expect(missing).toEqual([]);
    expect(used.has('getInput') && used.has('setOutput')).toBe(true);
  });
});

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => statSync(file).isFile());
}
