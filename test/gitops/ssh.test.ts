import { describe, expect, it } from 'vitest';
import { run } from '../../src/gitops/main.js';
import { startSshGitServer, type SshGitServer } from '../fakes/git/ssh.js';
import { runInProcess } from '../helpers/in-process.js';
import { git as gitTool, sshd } from '../helpers/prereq.js';
import { closeAfterEach, deployment, startConfig, type Config } from './fixture.js';

/** A deploy key: the config repository over SSH, served by OpenSSH's sshd with keys forced into git-shell. */

const available = gitTool().available && sshd().available;
const closing = closeAfterEach();
let config: Config | undefined;

const v2 = 'registry.example/hello:v2';

async function inputs(key: keyof SshGitServer['keys']) {
  config = closing(await startConfig());
  const ssh = closing(await startSshGitServer());
  return {
    repository: ssh.url(config.git.bare),
    'ssh-key': ssh.keys[key],
    'ssh-known-hosts': ssh.knownHosts,
    files: 'apps/hello/hello.deployment.yaml',
    images: `web=${v2}`,
    service: 'hello',
  };
}

describe.skipIf(!available)('gitops with a deploy key', () => {
  it('clones and pushes over SSH with the key, checking the host key, and never prints the key', async () => {
    const given = await inputs('write');
    const step = await runInProcess(run, given);
    expect(step.log).not.toContain('::error::');
    expect(config!.git.read('apps/hello/hello.deployment.yaml')).toBe(deployment(v2));
    expect(step.outputs.commit).toBe(config!.git.head());
    const body = given['ssh-key'].split('\n').find((line) => line.length > 40) ?? '';
    expect(step.log).toContain(`::add-mask::${body}`);
    expect(step.log.replace(/^::add-mask::.*$/gm, '')).not.toContain(body);
    expect(step.summary).not.toContain(body);
  });

  it("fails with GitHub's words when a read-only deploy key pushes", async () => {
    const step = await runInProcess(run, await inputs('readOnly'));
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain('The key you are authenticating with has been marked as read only.');
  });

  it('refuses a server whose host key is not the known one', async () => {
    const given = await inputs('write');
    const step = await runInProcess(run, { ...given, 'ssh-known-hosts': '' });
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain('Host key verification failed');
  });

  it('fails naming the permission when the key is unknown', async () => {
    const step = await runInProcess(run, await inputs('unknown'));
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain('Permission denied (publickey)');
  });
});
