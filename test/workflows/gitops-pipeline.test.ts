import { describe, expect, it } from 'vitest';
import { needsList, ownAction, workflow } from './workflows.js';

/** The GitOps pipeline read as a reviewer would: built once, released and proven, reverted when not, promoted by hand. */

const wf = workflow('gitops-pipeline.yml');
const steps = wf.jobs.release!.steps!;
const step = (id: string) => steps.find((s) => s.id === id)!;

describe('the GitOps pipeline', () => {
  it('builds once and releases that image, by digest, to the container in the config repository', () => {
    expect(wf.jobs.build!.steps!.filter((s) => ownAction(s.uses ?? '') === 'build-push')).toHaveLength(1);
    expect(needsList(wf.jobs.release!)).toEqual(['build']);
    expect(ownAction(step('release').uses!)).toBe('gitops');
    expect(step('release').with!.images).toBe("${{ format('{0}={1}', inputs.container, needs.build.outputs.image) }}");
  });

  it('with a digest, builds nothing, releases that image, and fails when the registry resolves another', () => {
    const build = wf.jobs.build!.steps!;
    expect(build[0]!.if).toBe("inputs.digest == ''");
    const image = build.find((s) => s.id === 'image')!;
    expect(image.with).toMatchObject({
      'skip-build': "${{ inputs.digest != '' }}",
      'source-image': "${{ inputs.digest != '' && format('{0}@{1}', inputs.image, inputs.digest) || '' }}",
    });
    const check = build[build.indexOf(image) + 1]!;
    expect(check.if).toBe("inputs.digest != ''");
    expect(check.env).toEqual({ ASKED: '${{ inputs.digest }}', RESOLVED: '${{ steps.image.outputs.digest }}' });
    expect(check.run).toContain('exit 1');
    expect(wf.jobs.build!.outputs!.digest).toBe('${{ steps.image.outputs.digest }}');
  });

  it('releases one run at a time per environment, never cancelling one that runs', () => {
    expect(wf.jobs.release!.concurrency).toEqual({
      group: 'gitops-${{ inputs.environment }}',
      'cancel-in-progress': false,
    });
    expect(wf.jobs.promote!.concurrency).toEqual({
      group: 'gitops-${{ inputs.to-environment }}',
      'cancel-in-progress': false,
    });
  });

  it('smoke tests without failing the step, reverts the release commit when unproven, and fails the run after', () => {
    expect(step('smoke').with!['fail-on-error']).toBe(false);
    const revert = step('revert');
    expect(revert.with).toMatchObject({ mode: 'rollback', revert: '${{ steps.release.outputs.commit }}' });
    expect(revert.if).toMatch(/^\$\{\{ always\(\) && steps\.release\.outputs\.commit != ''/);
    expect(revert.if).toContain("steps.release.outcome != 'success'");
    expect(revert.if).toContain("steps.smoke.outputs.passed != 'true'");
    const failing = steps[steps.indexOf(revert) + 1]!;
    expect(failing.run).toContain('exit 1');
  });

  it('promotes by hand only: the dispatch copies the images of the previous environment file, and builds nothing', () => {
    const promote = wf.jobs.promote!;
    expect(promote.if).toBe("github.event_name == 'workflow_dispatch' && inputs.promote-from != ''");
    expect(wf.jobs.build!.if).toBe("github.event_name != 'workflow_dispatch' || inputs.promote-from == ''");
    expect(promote.steps![0]!.with).toMatchObject({
      'promote-from': '${{ inputs.promote-from }}',
      promote: '${{ inputs.promote }}',
    });
    expect(promote.environment).toBe('${{ inputs.to-environment }}');
  });
});
