import { describe, expect, it, vi } from 'vitest';
import { buildxArgs, chooseBuilder } from '../../src/build-push/build.js';
import { readInputs } from '../../src/build-push/inputs.js';
import { run } from '../../src/build-push/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { quietInputs, withInputs } from '../helpers/inputs.js';
import { useDockerfileOnly } from './context.js';

/**
 * docker/build-push-action v6's buildx-only inputs, read with the meaning its action.yml gives: each becomes
 * the buildx flag it stands for, and a build that cannot honour one (the classic builder) is refused, naming it.
 */

const contextDir = useDockerfileOnly();
quietInputs();

// The context is the workspace: file inputs must resolve inside it.
const inputsOf = (inputs: Record<string, string>) => {
  vi.stubEnv('GITHUB_WORKSPACE', contextDir());
  return withInputs({ image: 'ghcr.io/octo-org/web', context: contextDir(), ...inputs }, readInputs);
};

const argsOf = (inputs: ReturnType<typeof readInputs>) =>
  buildxArgs({ inputs, references: ['ghcr.io/octo-org/web:1'], labels: {}, metadataFile: 'm.json', iidFile: 'iid' });

describe("build-push-action's buildx inputs", () => {
  it('passes each one to buildx as the flag it stands for', () => {
    const args = argsOf(
      inputsOf({
        provenance: 'mode=max',
        sbom: 'true',
        attests: 'type=sbom,generator=image',
        annotations: 'index:org.opencontainers.image.title=web',
        'build-contexts': 'alpine=docker-image://alpine:3.20\nshared=./shared',
        ssh: 'default',
        'secret-envs': 'npm=NPM_TOKEN',
        'secret-files': 'aws=.aws/credentials',
        'add-hosts': 'db:10.0.0.5,cache:10.0.0.6',
        allow: 'network.host',
        'no-cache-filters': 'build',
        pull: 'true',
        'shm-size': '128m',
        ulimit: 'nofile=1024:1024',
        'cgroup-parent': 'ci',
        call: 'check',
      }),
    );
    for (const expected of [
      '--provenance=mode=max',
      '--sbom=true',
      '--attest type=sbom,generator=image',
      '--annotation index:org.opencontainers.image.title=web',
      '--build-context alpine=docker-image://alpine:3.20',
      '--build-context shared=./shared',
      '--ssh default',
      '--secret id=npm,env=NPM_TOKEN',
      `--secret id=aws,src=${contextDir()}/.aws/credentials`,
      '--add-host db:10.0.0.5',
      '--add-host cache:10.0.0.6',
      '--allow network.host',
      '--no-cache-filter build',
      '--pull',
      '--shm-size 128m',
      '--ulimit nofile=1024:1024',
      '--cgroup-parent ci',
      '--call check',
    ]) {
      expect(args.join(' ')).toContain(expected);
    }
    expect(args.at(-1)).toBe(contextDir());
  });

  it('takes a builder instance name (setup-buildx-action) as buildx with that builder', () => {
    const inputs = inputsOf({ builder: 'builder-7f3a' });
    expect(inputs.builder).toBe('buildx');
    expect(argsOf(inputs).slice(0, 5)).toEqual(['buildx', 'build', '--file', expect.any(String), '--iidfile']);
    expect(argsOf(inputs).join(' ')).toContain('--builder builder-7f3a');
  });

  it('with outputs or load given, adds no --load of its own; push keeps --push', () => {
    const local = argsOf(inputsOf({ push: 'false', outputs: 'type=local,dest=out' }));
    expect(local).toContain('--output');
    expect(local).not.toContain('--load');
    const loaded = argsOf(inputsOf({ push: 'true', load: 'true' }));
    expect(loaded.filter((arg) => arg === '--load')).toHaveLength(1);
    expect(loaded).toContain('--push');
  });

  it('refuses them with the classic builder, naming each, before any docker command', async () => {
    const step = await runInProcess(run, {
      image: 'ghcr.io/octo-org/web',
      context: contextDir(),
      builder: 'docker',
      provenance: 'false',
      ssh: 'default',
    });
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain("'builder: docker' cannot honour 'ssh', 'provenance': they are buildx flags.");
    expect(step.log).not.toContain('[command]');
  });

  it('writes an image name with upper case in lower case, as metadata-action does', () => {
    expect(inputsOf({ image: 'ghcr.io/Octo-Org/Web' })).toMatchObject({
      image: 'ghcr.io/octo-org/web',
      repository: 'octo-org/web',
    });
  });

  it('says which of them need buildx when it is not installed', async () => {
    const inputs = inputsOf({ sbom: 'true', 'build-contexts': 'shared=./shared' });
    // No docker on this PATH: buildx cannot answer, as on a runner without it.
    vi.stubEnv('PATH', contextDir());
    await expect(chooseBuilder(inputs)).rejects.toThrow(/'build-contexts' and 'sbom' need buildx/);
  });
});
