import { describe, expect, it } from 'vitest';
import type { ImageChange } from '../../src/lib/gitops-image.js';
import { commitMessage, previousImages } from '../../src/gitops/edit.js';
import { outputs, type GitOpsReport } from '../../src/gitops/outputs.js';
import { summary } from '../../src/gitops/summary.js';
import { stageOutputNames } from '../helpers/action-yml.js';

/** gitops's outputs, summary and commit message, read from its report alone. */

const change = (
  target: string,
  previous: string,
  image: string,
  file = 'apps/hello/hello.deployment.yaml',
): ImageChange => ({
  file,
  kind: 'manifest',
  target,
  location: `Deployment/hello container ${target}`,
  previous,
  image,
});

const empty = (): GitOpsReport => ({ requests: { git: 0, argo: 0 } });

describe('gitops outputs', () => {
  it('names every output of action.yml but failure-reason, which runStage sets', () => {
    expect(Object.keys(outputs(empty())).sort()).toEqual(stageOutputNames('gitops'));
  });

  it('gives one previous image for one target, name=image lines for several', () => {
    expect(previousImages([change('web', 'r/a:1', 'r/a:2'), change('web', 'r/a:1', 'r/a:2', 'b.yaml')])).toBe('r/a:1');
    expect(previousImages([change('web', 'r/a:1', 'r/a:2'), change('worker', 'r/w:1', 'r/w:2')])).toBe(
      'web=r/a:1\nworker=r/w:1',
    );
    expect(previousImages([])).toBeUndefined();
  });

  it('prefers the merge commit of a pull request as commit', () => {
    const report: GitOpsReport = {
      ...empty(),
      delivery: { commit: 'a'.repeat(40), pushed: true, attempts: 1, changes: [] },
      merged: 'b'.repeat(40),
    };
    expect(outputs(report).commit).toBe('b'.repeat(40));
  });
});

describe('the commit message', () => {
  it('names the service, the old and new image, each place, the source commit and the run', () => {
    const env = {
      GITHUB_REPOSITORY: 'octo-org/hello',
      GITHUB_SHA: 'c'.repeat(40),
      GITHUB_RUN_ID: '7',
      GITHUB_SERVER_URL: 'https://github.com',
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      expect(commitMessage('hello', [change('web', 'r/a:1', 'r/a:2'), change('sidecar', 'r/p:3', 'r/p:3')])).toBe(
        [
          'Release hello: web r/a:1 → r/a:2',
          '',
          '- apps/hello/hello.deployment.yaml: Deployment/hello container web: r/a:1 → r/a:2',
          '',
          `Source-Commit: https://github.com/octo-org/hello/commit/${'c'.repeat(40)}`,
          'Run: https://github.com/octo-org/hello/actions/runs/7',
        ].join('\n'),
      );
      expect(
        commitMessage('hello', [change('web', 'r/a:1', 'r/a:2'), change('worker', 'r/w:1', 'r/w:2')]).split('\n')[0],
      ).toBe('Release hello: 2 images');
    } finally {
      process.env = saved;
    }
  });
});

describe('the gitops summary', () => {
  it('says nothing was committed, and is unchanged, when the image was already set and no Argo CD is given', () => {
    const report: GitOpsReport = {
      ...empty(),
      inputs: {
        mode: 'release',
        repository: 'https://github.com/org/config.git',
        branch: 'main',
        files: [],
        images: new Map(),
        service: 'hello',
        identity: { name: 'b', email: 'e' },
        pushAttempts: 5,
        delivery: 'push',
        autoMerge: false,
        mergeMethod: 'squash',
      },
      delivery: { commit: 'd'.repeat(40), pushed: false, attempts: 1, changes: [change('web', 'r/a:1', 'r/a:1')] },
    };
    const drawn = summary({ report, durationMs: 10 });
    expect(drawn.outcome).toBe('unchanged');
    expect(drawn.headline).toBe(
      'Nothing to commit: the image is already set at ddddddd on main; no Argo CD server given, so the step stops after the push.',
    );
    expect(drawn.markdown).toContain('| unchanged |');
  });
});
