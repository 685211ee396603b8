import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pinWorkflow } from '../../scripts/pin-release.mjs';
import { prerequisite } from '../helpers/prereq.js';
import { lint } from './linter.js';
import { root, workflow, workflowDir, workflowFiles, type Workflow } from './workflows.js';

/**
 * A caller pinning ecs-pipeline.yml@v1.2.3 runs exactly the actions of 1.2.3: the release job pins every
 * `uses:` of this repository in the workflows to the released commit (scripts/pin-release.mjs) and tags that.
 * Here: the script pins every reference and nothing else, idempotently; release-tag.yml runs it, only from main,
 * only after CI passed on the commit, and force-pushes nothing but the major tag (its steps run against a local
 * Git remote).
 */

const sha = '0123456789abcdef0123456789abcdef01234567';
const otherSha = 'fedcba9876543210fedcba9876543210fedcba98';
const own = /^org\/deploy-actions\//;
const script = join(root, 'scripts', 'pin-release.mjs');

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every `uses:` of a parsed workflow, jobs' and steps', in document order. */
function usesOf(wf: Workflow): string[] {
  return Object.values(wf.jobs).flatMap((job) => [
    ...(job.uses ? [job.uses] : []),
    ...(job.steps ?? []).flatMap((s) => (s.uses ? [s.uses] : [])),
  ]);
}

/** The parsed workflow with this repository's references put back to @v1: what pinning may change. */
function unpinned(text: string): unknown {
  return parse(text.replace(new RegExp(`(org/deploy-actions/[^@\\s'"]+)@${sha}( # v1\\.2\\.3)?`, 'g'), '$1@v1'));
}

describe.each(workflowFiles)('pinning %s to a release', (file) => {
  const text = readFileSync(join(workflowDir, file), 'utf8');
  const { text: pinned, pinned: targets } = pinWorkflow(text, { sha, version: '1.2.3' });

  it('pins every uses: of this repository to the commit, with the version as the comment', () => {
    const before = usesOf(parse(text) as Workflow).filter((u) => own.test(u));
    expect(targets).toHaveLength(before.length);
    const after = usesOf(parse(pinned) as Workflow).filter((u) => own.test(u));
    expect(after).toEqual(before.map((u) => u.replace(/@v\d+$/, `@${sha}`)));
    for (const line of pinned.split('\n').filter((l) => l.includes(sha)))
      expect(line).toMatch(/@[0-9a-f]{40} # v1\.2\.3$/);
  });

  it('changes nothing else: every other line, and the parsed workflow once the references are put back', () => {
    const a = text.split('\n');
    const b = pinned.split('\n');
    expect(b).toHaveLength(a.length);
    a.forEach((line, i) => {
      if (line !== b[i]) expect(line, `line ${i + 1}`).toMatch(/^\s*(- )?uses: org\/deploy-actions\/\S+@v\d+\s*$/);
    });
    expect(unpinned(pinned)).toEqual(parse(text));
  });

  it('is idempotent', () => {
    expect(pinWorkflow(pinned, { sha, version: '1.2.3' }).text).toBe(pinned);
  });
});

describe('the pinning script', () => {
  const synthetic = `name: x
on: workflow_call
jobs:
  one:
    uses: org/deploy-actions/.github/workflows/ecs-pipeline.yml@v1
  two:
    steps:
      - uses: org/deploy-actions/deploy-ecs@v1
      - uses: "org/deploy-actions/actions/rollback@v1" # the code's own path
      - uses: 'org/deploy-actions/smoke-test@v2'
      - uses: ./actions/preview
      - uses: someone/deploy-actions/deploy-ecs@v1
      - uses: org/deploy-actions-fork/deploy-ecs@v1
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
      - run: |
          cat >caller.yml <<'EOF'
          uses: org/deploy-actions/deploy-ecs@v1
          EOF
        with:
          note: org/deploy-actions/deploy-ecs@v1
# uses: org/deploy-actions/deploy-ecs@v1 in a comment
`;

  it('pins quoted and commented references, and leaves scripts, values, comments and other repositories alone', () => {
    const { text, pinned } = pinWorkflow(synthetic, { sha });
    expect(pinned).toEqual([
      'org/deploy-actions/.github/workflows/ecs-pipeline.yml',
      'org/deploy-actions/deploy-ecs',
      'org/deploy-actions/actions/rollback',
      'org/deploy-actions/smoke-test',
    ]);
    expect(text).toContain(`    uses: org/deploy-actions/.github/workflows/ecs-pipeline.yml@${sha}\n`);
    expect(text).toContain(`      - uses: "org/deploy-actions/actions/rollback@${sha}" # the code's own path\n`);
    expect(text).toContain(`      - uses: 'org/deploy-actions/smoke-test@${sha}'\n`);
    const untouched = synthetic.split('\n').filter((l) => !/^\s*(- )?uses: ["']?org\/deploy-actions\//.test(l));
    for (const line of untouched) expect(text.split('\n')).toContain(line);
    expect(text.match(/@v1\b/g)).toHaveLength(5); // someone/, -fork/, the script, the value, the comment
  });

  it('moves references pinned to another commit to this one, and names the version', () => {
    const once = pinWorkflow(synthetic, { sha: otherSha, version: '1.2.2' }).text;
    const twice = pinWorkflow(once, { sha, version: '1.2.3' }).text;
    expect(twice).not.toContain(otherSha);
    expect(twice).not.toContain('1.2.2');
    expect(twice).toBe(pinWorkflow(synthetic, { sha, version: '1.2.3' }).text);
  });

  it('refuses a short or malformed SHA, a malformed version and repository', () => {
    expect(() => pinWorkflow(synthetic, { sha: sha.slice(0, 7) })).toThrow(/full 40-hex commit SHA/);
    expect(() => pinWorkflow(synthetic, { sha: sha.toUpperCase() })).toThrow(/full 40-hex commit SHA/);
    expect(() => pinWorkflow(synthetic, { sha, version: 'v1.2.3' })).toThrow(/--version must be X\.Y\.Z/);
    expect(() => pinWorkflow(synthetic, { sha, repository: 'org' })).toThrow(/owner\/name/);
  });

  it('pins the workflows of a directory in place, idempotently; fails when it pinned nothing', () => {
    const dir = tempDir('pin-release-');
    cpSync(workflowDir, dir, { recursive: true });
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [script, '--sha', sha, '--version', '1.2.3', '--dir', dir, ...args], {
        encoding: 'utf8',
      });
    const first = run();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Pinned \d+ references to org\/deploy-actions@0123456789abcdef/m);
    const files = readdirSync(dir).sort();
    const contents = files.map((f) => readFileSync(join(dir, f), 'utf8'));
    files.forEach((f, i) =>
      expect(contents[i], f).toBe(
        pinWorkflow(readFileSync(join(workflowDir, f), 'utf8'), { sha, version: '1.2.3' }).text,
      ),
    );
    expect(run().status).toBe(0);
    expect(files.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(contents);
    const elsewhere = run('--repository', 'someone/deploy-actions');
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toMatch(/No uses: of someone\/deploy-actions found .*nothing pinned/);
  });

  it("leaves workflows that lint clean (actionlint, GitHub's parser, the pin policy)", () => {
    const dir = tempDir('pin-release-lint-');
    for (const file of workflowFiles)
      writeFileSync(
        join(dir, file),
        pinWorkflow(readFileSync(join(workflowDir, file), 'utf8'), { sha, version: '1.2.3' }).text,
      );
    const findings = lint(workflowFiles.map((f) => join(dir, f)));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('release-tag.yml', () => {
  const wf = workflow('release-tag.yml');
  const verify = wf.jobs.verify!;
  const tag = wf.jobs.tag!;
  const step = (job: typeof tag, name: string) => job.steps!.find((s) => s.name === name)!;
  const mainOnly = "github.ref == 'refs/heads/main'";

  it('is started by hand, and both jobs run only from main', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
    expect(verify.if).toBe(mainOnly);
    expect(tag.if).toBe(mainOnly);
    expect(tag.needs).toBe('verify');
    expect(step(tag, 'Move the major tag').if).toBe(`inputs.move-major-tag && ${mainOnly}`);
  });

  it('tags the very commit it verified, pinned to itself', () => {
    expect(tag.steps![0]!.with).toMatchObject({ ref: '${{ github.sha }}' });
    const pin = step(tag, 'Pin the workflows to this commit and tag vX.Y.Z');
    expect(pin.env).toMatchObject({ SHA: '${{ github.sha }}', VERSION: '${{ inputs.version }}' });
    expect(pin.run).toContain('node scripts/pin-release.mjs --sha "$SHA" --version "$VERSION"');
    expect(step(verify, 'CI passed on this commit').env).toMatchObject({ SHA: '${{ github.sha }}' });
  });

  it('force-pushes and force-tags only the major tag, and pushes no branch', () => {
    const scripts = Object.values(wf.jobs).flatMap((job) => (job.steps ?? []).map((s) => s.run ?? ''));
    const lines = scripts.flatMap((s) => s.split('\n').map((l) => l.trim()));
    const pushes = lines.filter((l) => /\bgit\b.*\bpush\b/.test(l));
    expect(pushes).toEqual(['git push origin "refs/tags/v$VERSION"', 'git push --force origin "refs/tags/$major"']);
    const forced = lines.filter((l) => /--force|\s-f\b|\s-\w*f\w*\s|\s\+refs\//.test(l) && /\bgit\b/.test(l));
    expect(forced).toEqual([
      'git tag -fa "$major" -m "$major -> v$VERSION" "v$VERSION^{commit}"',
      'git push --force origin "refs/tags/$major"',
    ]);
  });

  describe('its CI gate, run by bash against a stand-in gh', () => {
    const ciStep = step(verify, 'CI passed on this commit');

    function gate(answer: string, exitCode = 0) {
      const bin = tempDir('release-gh-');
      const calls = join(bin, 'calls');
      // The stand-in records its arguments and prints what `gh api --jq .total_count` would.
      writeFileSync(
        join(bin, 'gh'),
        `#!/bin/sh\nprintf '%s\\n' "$*" >>"${calls}"\nprintf '%s' '${answer}'\nexit ${exitCode}\n`,
      );
      chmodSync(join(bin, 'gh'), 0o755);
      const run = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', ciStep.run!], {
        env: { PATH: `${bin}:${process.env.PATH}`, SHA: sha, REPOSITORY: 'org/deploy-actions', GH_TOKEN: 'x' },
        encoding: 'utf8',
      });
      let asked = '';
      try {
        asked = readFileSync(calls, 'utf8');
      } catch {
        // gh never called
      }
      return { status: run.status, stdout: run.stdout, asked };
    }

    it("asks GitHub for ci.yml's successful runs on exactly this commit, and passes when there is one", () => {
      const { status, stdout, asked } = gate('1');
      expect(asked).toBe(
        `api repos/org/deploy-actions/actions/workflows/ci.yml/runs?head_sha=${sha}&status=success&per_page=1 --jq .total_count\n`,
      );
      expect(status).toBe(0);
      expect(stdout).toContain(`CI passed on ${sha}`);
    });

    it('fails the release when CI has not passed on it', () => {
      const { status, stdout } = gate('0');
      expect(status).toBe(1);
      expect(stdout).toMatch(/^::error::CI \(ci\.yml\) has no successful run on 0123456789abcdef/m);
    });

    it('fails the release when GitHub does not answer', () => {
      expect(gate('', 1).status).not.toBe(0);
      expect(gate('{"message":"Not Found"}').status).toBe(1);
    });
  });

  const git = prerequisite('git', () => execFileSync('git', ['--version'], { stdio: 'ignore' }));

  describe.skipIf(!git.available)('its tag steps, run by bash against a local Git remote', () => {
    const g = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

    /** A remote whose main holds this repository's workflows and the script, with v1 on an older commit. */
    function remote() {
      const base = tempDir('release-tag-');
      const origin = join(base, 'origin.git');
      const seed = join(base, 'seed');
      g(base, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
      g(base, 'init', '--quiet', '--initial-branch=main', seed);
      g(seed, 'config', 'user.email', 'test@example.com');
      g(seed, 'config', 'user.name', 'test');
      writeFileSync(join(seed, 'README.md'), 'old\n');
      g(seed, 'add', '.');
      g(seed, 'commit', '--quiet', '-m', 'old');
      g(seed, 'tag', '-a', 'v1', '-m', 'v1 -> v1.0.0');
      mkdirSync(join(seed, '.github'), { recursive: true });
      cpSync(workflowDir, join(seed, '.github', 'workflows'), { recursive: true });
      mkdirSync(join(seed, 'scripts'));
      cpSync(script, join(seed, 'scripts', 'pin-release.mjs'));
      g(seed, 'add', '.');
      g(seed, 'commit', '--quiet', '-m', 'main');
      g(seed, 'remote', 'add', 'origin', origin);
      g(seed, 'push', '--quiet', 'origin', 'main', 'refs/tags/v1');
      const main = g(seed, 'rev-parse', 'HEAD');
      // As actions/checkout leaves it: the commit checked out detached, origin set.
      const work = join(base, 'work');
      g(base, 'clone', '--quiet', origin, work);
      g(work, 'checkout', '--quiet', '--detach', main);
      return { origin, work, main, summary: join(base, 'summary') };
    }

    const runStep = (name: string, cwd: string, env: Record<string, string>) =>
      spawnSync('bash', ['-e', '-o', 'pipefail', '-c', step(tag, name).run!], {
        cwd,
        env: { PATH: process.env.PATH, HOME: cwd, ...env },
        encoding: 'utf8',
      });

    it('tags vX.Y.Z on the commit plus its pinned workflows, moves v1 there, and moves no branch', () => {
      const { origin, work, main, summary } = remote();
      const env = { VERSION: '1.2.3', SHA: main, REPOSITORY: 'org/deploy-actions', GITHUB_STEP_SUMMARY: summary };
      const pinned = runStep('Pin the workflows to this commit and tag vX.Y.Z', work, env);
      expect(pinned.status, pinned.stderr).toBe(0);
      expect(runStep('Move the major tag', work, env).status).toBe(0);

      const release = g(origin, 'rev-parse', 'v1.2.3^{commit}');
      expect(g(origin, 'rev-parse', `${release}^`)).toBe(main);
      const referring = workflowFiles.filter(
        (f) => pinWorkflow(readFileSync(join(workflowDir, f), 'utf8'), { sha }).pinned.length > 0,
      );
      expect(g(origin, 'diff', '--name-only', main, release).split('\n')).toEqual(
        referring.map((f) => `.github/workflows/${f}`),
      );
      const shipped = g(origin, 'show', `${release}:.github/workflows/ecs-pipeline.yml`);
      expect(shipped).toBe(
        pinWorkflow(readFileSync(join(workflowDir, 'ecs-pipeline.yml'), 'utf8'), {
          sha: main,
          version: '1.2.3',
        }).text.trimEnd(),
      );
      expect(shipped).not.toMatch(/^\s*(- )?uses: org\/deploy-actions\/\S+@v1/m);
      expect(g(origin, 'rev-parse', 'v1^{commit}')).toBe(release);
      expect(g(origin, 'rev-parse', 'refs/heads/main')).toBe(main);
      expect(g(origin, 'for-each-ref', '--format=%(refname)', 'refs/heads')).toBe('refs/heads/main');
      expect(readFileSync(summary, 'utf8')).toContain('Moved v1 to v1.2.3');
    });

    it('never overwrites a released version: a second release of it is refused by the remote', () => {
      const { origin, work, main, summary } = remote();
      const env = { VERSION: '1.2.3', SHA: main, REPOSITORY: 'org/deploy-actions', GITHUB_STEP_SUMMARY: summary };
      expect(runStep('Pin the workflows to this commit and tag vX.Y.Z', work, env).status).toBe(0);
      const released = g(origin, 'rev-parse', 'v1.2.3');
      // Another run at another time, whose local clone does not have the tag: only the remote can refuse it.
      g(work, 'tag', '-d', 'v1.2.3');
      g(work, 'checkout', '--quiet', '--detach', main);
      const later = { GIT_COMMITTER_DATE: '2001-02-03T04:05:06Z', GIT_AUTHOR_DATE: '2001-02-03T04:05:06Z' };
      const second = runStep('Pin the workflows to this commit and tag vX.Y.Z', work, { ...env, ...later });
      expect(second.status).not.toBe(0);
      expect(second.stderr).toMatch(/\[rejected\].*v1\.2\.3.*already exists/);
      expect(g(origin, 'rev-parse', 'v1.2.3')).toBe(released);
    });
  });
});
