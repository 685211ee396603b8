import { describe, expect, it } from 'vitest';
import { checkRun, checkRuntime, checkUses } from '../../scripts/lint-workflows.policy.js';
import { shellcheck } from '../helpers/prereq.js';
import { lintText } from './linter.js';

// Without shellcheck the linter reports a warning instead of checking run: scripts (Debian: shellcheck).
const withShellcheck = shellcheck();

const bad = `name: bad
on: pull_request
jobs:
  greet:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - name: Greet
        run: |
          echo "Thanks for \${{ github.event.pull_request.title }}"
          echo $HOME
`;

const good = `name: good
on: pull_request
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
      - name: Greet
        env:
          TITLE: \${{ github.event.pull_request.title }}
        run: echo "Thanks for $TITLE"
`;

describe('the workflow linter', () => {
  it.skipIf(!withShellcheck.available)(
    'passes a workflow that pins its actions and passes event text through env:',
    () => {
      expect(lintText('good.yml', good)).toEqual([]);
    },
  );

  it.skipIf(!withShellcheck.available)(
    'catches an event field interpolated into run:, an unpinned action, no permissions and a shell bug',
    () => {
      const findings = lintText('bad.yml', bad);
      const by = (tool: string) => findings.filter((f) => f.tool === tool).map((f) => `${f.line}: ${f.message}`);
      expect(by('actionlint').join('\n')).toMatch(/^9: "github.event.pull_request.title" is potentially untrusted/m);
      expect(by('policy')).toEqual([
        expect.stringMatching(/^1: no top-level permissions/),
        expect.stringMatching(/^7: 'actions\/checkout@v4' is not pinned by a full commit SHA/),
        expect.stringMatching(/^9: jobs.greet.steps\[1\] \(Greet\): run: interpolates '\$\{\{ github.event/),
      ]);
      expect(by('shellcheck')).toEqual([expect.stringMatching(/^11: .*SC2086/)]);
      expect(findings.every((f) => f.severity === 'error')).toBe(true);
    },
  );

  it("reports GitHub's parser errors: an unknown key and a job that needs a missing job", () => {
    const broken = good.replace('runs-on: ubuntu-24.04', 'runs-on: ubuntu-24.04\n    needs: build\n    timeout: 5');
    const findings = lintText('broken.yml', broken);
    const parser = findings.filter((f) => f.tool === 'workflow-parser').map((f) => f.message);
    expect(parser.join('\n')).toMatch(/Unexpected value 'timeout'/);
    expect(findings.some((f) => f.tool === 'actionlint' && /needs job "build"/.test(f.message))).toBe(true);
  });

  it('validates action.yml against the action schema', () => {
    const action = (using: string) =>
      `name: x\ndescription: y\ninputs:\n  a:\n    description: z\nruns:\n  using: ${using}\n  main: dist/index.js\n`;
    expect(lintText('action.yml', action('node24'))).toEqual([]);
    expect(lintText('action.yml', action('node99')).map((f) => f.message)).toEqual([
      expect.stringContaining("Unexpected value 'node99'"),
    ]);
  });

  it('pins: local, our own by major tag, others by a full SHA, docker by digest', () => {
    expect(checkUses('./actions/deploy-ecs')).toBeUndefined();
    expect(checkUses('org/deploy-actions/actions/deploy-ecs@v1')).toBeUndefined();
    expect(checkUses('org/deploy-actions/deploy-ecs@v1')).toBeUndefined();
    expect(checkUses('org/deploy-actions/.github/workflows/ecs-pipeline.yml@v1')).toBeUndefined();
    expect(checkUses('azure/login@a457da9ea143d694b1b9c7c869ebb04ebe844ef5')).toBeUndefined();
    expect(checkUses('azure/login@v2')).toMatch(/not pinned/);
    expect(checkUses('someone/deploy-actions/actions/deploy-ecs@v1')).toMatch(/not pinned/);
    expect(checkUses('docker://alpine:3')).toMatch(/digest/);
    expect(checkRun('echo "$TITLE"')).toBeUndefined();
    expect(checkRun('echo ${{ inputs.version }}')).toMatch(/inputs.version/);
  });

  it('node24: a pinned third-party action names a release that runs on node24', () => {
    const sha = 'f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca';
    expect(checkRuntime(`azure/login@${sha}`, ' v3.0.1')).toBeUndefined();
    expect(checkRuntime(`azure/login@${sha}`, ' v2.3.0')).toMatch(/azure\/login' v2 runs on an older Node: pin a v3/);
    expect(checkRuntime(`actions/checkout@${sha}`, ' v4.2.2')).toMatch(/pin a v5 or later/);
    expect(checkRuntime(`actions/checkout@${sha}`, undefined)).toMatch(/no '# vX.Y.Z' comment/);
    expect(checkRuntime(`someone/unlisted@${sha}`, ' v1.0.0')).toBeUndefined();
  });
});
