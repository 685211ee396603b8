import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readInputs } from '../../src/build-push/inputs.js';
import { run } from '../../src/build-push/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { restoreAfterEach, withInputs } from '../helpers/inputs.js';
import { useDockerfileOnly } from './context.js';

/** Mistakes in a workflow fail the step before any docker command or login, saying what to write instead. */
describe('build-push input errors', () => {
  const contextDir = useDockerfileOnly();

  // An empty Docker config: no login of this machine's may stand in for the credentials a test leaves out.
  const noLogins = mkdtempSync(join(tmpdir(), 'docker-config-'));
  const step = (inputs: Record<string, string>) =>
    runInProcess(
      run,
      { image: 'registry.example.com/team/web', context: contextDir(), ...inputs },
      { DOCKER_CONFIG: noLogins },
    );

  it.each([
    [
      { image: 'Web:1' },
      "Input 'image' must name a repository in a registry, without a tag, up to 255 characters, got 'Web:1'",
    ],
    [{ image: 'web' }, 'Pushing to Docker Hub needs credentials and none were given.'],
    [{ image: 'public.ecr.aws/a1b2c3/web' }, "Run aws-actions/amazon-ecr-login with 'registry-type: public'"],
    [{ image: 'registry.example.com/team/web@sha256:' + 'a'.repeat(64) }, 'without a tag'],
    [{ version: 'v1.2.3+build/7' }, "Input 'version' is not a valid image tag: 'v1.2.3+build/7'"],
    [{ tags: 'ghcr.io/other/web' }, "Input 'tags' has 'ghcr.io/other/web', which is neither a tag nor an image"],
    [{ 'tag-rules': 'sha, nightly' }, "Input 'tag-rules' has an unknown rule 'nightly'"],
    [{ 'skip-build': 'true' }, "'skip-build: true' needs 'source-image'"],
    [{ username: 'ci' }, "Only one of 'username' and 'password' is given"],
    [{ 'registry-type': 'quay' }, "Input 'registry-type' must be one of auto, ecr, acr, ghcr, basic"],
    [{ context: '/nonexistent/app' }, "Input 'context' is '/nonexistent/app', which is outside the workspace"],
    [{ context: 'nonexistent/app' }, "The build context 'nonexistent/app' is not a directory"],
    [{ 'build-args': 'NODE_ENV' }, "Input 'build-args' line 1 is not KEY=value"],
    [{ image: 'contoso.azurecr.io/web' }, 'Azure Container Registry contoso.azurecr.io needs credentials'],
  ])('%o fails with: %s', async (inputs, message) => {
    const result = await step(inputs);
    expect(result.failed).toBe(true);
    expect(result.outputs['failure-reason']).toBe('invalid-input');
    expect(result.log).toContain(message);
    expect(result.log).not.toContain('[command]');
  });

  it('a version given as a git ref is read as the tag name (the tags are logged before any check of the registry)', async () => {
    const result = await step({ version: 'refs/tags/1.4.2', 'tag-rules': 'version', image: 'contoso.azurecr.io/web' });
    expect(result.log).toContain('Tags: 1.4.2 (version)');
  });
});

describe('build-push inputs without effect', () => {
  const contextDir = useDockerfileOnly();
  restoreAfterEach();

  it('are named in a warning, with why they do nothing', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.stubEnv('GITHUB_WORKSPACE', contextDir());
    withInputs(
      {
        image: 'ghcr.io/octo-org/web',
        'source-image': 'ghcr.io/octo-org/web:1',
        'aws-region': 'us-east-1',
        'azure-access-token': 'eyJ-not-used',
      },
      readInputs,
    );
    const printed = write.mock.calls.map(([chunk]) => String(chunk)).join('');
    expect(printed).toContain("::warning::Input 'source-image' has no effect: it is read with 'skip-build: true'.");
    expect(printed).toContain("::warning::Input 'aws-region' has no effect: no image goes to an ECR registry.");
    expect(printed).toContain(
      "::warning::Input 'azure-access-token' has no effect: no image goes to an Azure Container Registry.",
    );
    expect(printed).toContain('::add-mask::eyJ-not-used');
  });
});
