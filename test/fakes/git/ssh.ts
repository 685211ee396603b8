import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../argocd/workloads.js';

/**
 * Git over SSH with deploy keys, as GitHub serves it: OpenSSH's own sshd (Debian openssh-server) on 127.0.0.1,
 * public-key authentication only, each key forced into git-shell (no shell, no forwarding), and a read-only deploy
 * key refused a push with GitHub's message ("The key you are authenticating with has been marked as read only.",
 * docs.github.com/authentication/connecting-to-github-with-ssh/managing-deploy-keys).
 */

export interface SshGitServer {
  /** The URL of a bare repository on this machine, ssh://user@127.0.0.1:port/path. */
  url(bare: string): string;
  /** A known_hosts line for the server's host key. */
  knownHosts: string;
  /** Private keys: one that may push, one read-only, and one the server does not know. */
  keys: { write: string; readOnly: string; unknown: string };
  close(): Promise<void>;
}

function keygen(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy-key', '-f', file]);
  return readFileSync(file, 'utf8');
}

export async function startSshGitServer(): Promise<SshGitServer> {
  const dir = mkdtempSync(join(tmpdir(), 'git-ssh-'));
  const keys = {
    write: keygen(join(dir, 'write')),
    readOnly: keygen(join(dir, 'read')),
    unknown: keygen(join(dir, 'other')),
  };
  keygen(join(dir, 'host'));
  // A key's command runs instead of what the client asked; git-shell allows only the Git commands.
  const gate = join(dir, 'gate.sh');
  writeFileSync(
    gate,
    [
      '#!/bin/sh',
      'case "$SSH_ORIGINAL_COMMAND" in',
      '  git-receive-pack*) if [ "$1" = read ]; then echo "ERROR: The key you are authenticating with has been marked as read only." >&2; exit 1; fi ;;',
      'esac',
      'exec git-shell -c "$SSH_ORIGINAL_COMMAND"',
      '',
    ].join('\n'),
  );
  chmodSync(gate, 0o755);
  const restrict = 'no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty';
  const pub = (name: string) => readFileSync(join(dir, `${name}.pub`), 'utf8').trim();
  writeFileSync(
    join(dir, 'authorized_keys'),
    `command="${gate} write",${restrict} ${pub('write')}\ncommand="${gate} read",${restrict} ${pub('read')}\n`,
    { mode: 0o600 },
  );
  const port = await freePort();
  const user = userInfo().username;
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UsePAM no',
    `AllowUsers ${user}`,
  ];
  writeFileSync(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  // sshd started as root needs its privilege separation directory.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  sshd.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    sshd.stderr.on('data', () => log.includes('Server listening') && resolve());
    sshd.once('exit', (code) => reject(new Error(`sshd exited with ${code}: ${log}`)));
  });
  const hostKey = readFileSync(join(dir, 'host.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  return {
    url: (bare) => `ssh://${user}@127.0.0.1:${port}${bare}`,
    knownHosts: `[127.0.0.1]:${port} ${hostKey}`,
    keys,
    close: async () => {
      const exited = new Promise((resolve) => sshd.once('exit', resolve));
      sshd.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
