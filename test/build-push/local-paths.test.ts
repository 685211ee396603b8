import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confineLocalPaths } from '../../src/build-push/local-paths.js';

/** buildx's local paths confined to the workspace and RUNNER_TEMP; the forms that name no local path pass. */

const saved = { ...process.env };
let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'bp-paths-'));
  process.env.GITHUB_WORKSPACE = workspace;
  process.env.RUNNER_TEMP = mkdtempSync(join(tmpdir(), 'bp-temp-'));
  process.env.SSH_AUTH_SOCK = '/tmp/ssh-XXXXabcd/agent.1234';
});
afterEach(() => {
  process.env = { ...saved };
});

describe('confineLocalPaths', () => {
  it.each([
    ['ssh', 'default'],
    ['ssh', 'github'],
    ['ssh', 'default=/tmp/ssh-XXXXabcd/agent.1234'],
    ['ssh', 'deploy=keys/deploy_key'],
    ['cache-from', 'type=gha'],
    ['cache-from', 'type=registry,ref=ghcr.io/octo-org/web:cache'],
    ['cache-from', 'ghcr.io/octo-org/web:cache'],
    ['cache-from', 'type=local,src=.buildx-cache'],
    ['cache-to', 'type=local,dest=.buildx-cache-new,mode=max'],
    ['cache-to', 'type=inline'],
    ['outputs', 'type=registry'],
    ['outputs', 'type=tar,dest=-'],
    ['outputs', 'type=local,dest=out'],
    ['build-contexts', 'alpine=docker-image://alpine:3.20'],
    ['build-contexts', 'base=target:base'],
    ['build-contexts', 'src=https://github.com/octo-org/web.git#main'],
    ['build-contexts', 'shared=./shared'],
  ])('%s %s passes', (input, item) => {
    expect(() => confineLocalPaths(input, [item])).not.toThrow();
  });

  it('allows RUNNER_TEMP, where an earlier step writes', () => {
    expect(() => confineLocalPaths('cache-from', [`type=local,src=${process.env.RUNNER_TEMP}/cache`])).not.toThrow();
  });

  it.each([
    ['ssh', 'default=/home/runner/.ssh/id_rsa'],
    ['ssh', 'github=keys/a,/root/.ssh/id_ed25519'],
    ['cache-from', 'type=local,src=/var/lib/docker'],
    ['cache-to', 'type=local,dest=../outside'],
    ['outputs', 'type=oci,dest=/etc/x.tar'],
    ['build-contexts', 'keys=/root/.ssh'],
  ])('%s %s is refused, naming the input', (input, item) => {
    expect(() => confineLocalPaths(input, [item])).toThrow(
      new RegExp(`Input '${input}' is '.*', which is outside the workspace`),
    );
  });
});
