import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Docker registry (Debian's docker-registry, distribution 2.8) on 127.0.0.1, with htpasswd basic auth
 * so a wrong password is really refused. Docker allows plain HTTP to 127.0.0.0/8, so no TLS is needed.
 */

export interface LocalRegistry {
  /** 127.0.0.1:<port>, the host part of image names. */
  host: string;
  /** Names and manifests as the registry's own API lists them. */
  tags(repository: string, auth?: { username: string; password: string }): Promise<string[]>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts a registry; `users` maps usernames to passwords (none: no auth). */
export async function startRegistry(users: Record<string, string> = {}): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const port = await freePort();
  const auth = Object.keys(users).length > 0;
  if (auth) {
    const lines = Object.entries(users).map(([user, password]) =>
      execFileSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' }).trim(),
    );
    writeFileSync(join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
  }
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${crypto.randomUUID()}`,
    ...(auth ? ['auth:', '  htpasswd:', '    realm: local-registry', `    path: ${join(dir, 'htpasswd')}`] : []),
  ].join('\n');
  writeFileSync(join(dir, 'config.yml'), `${config}\n`);
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const response = await fetch(`${base}/v2/`);
      if (response.status === 200 || response.status === 401) break;
    } catch {
      // not listening yet
    }
    if (i > 100 || child.exitCode !== null) throw new Error(`docker-registry did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    host: `127.0.0.1:${port}`,
    async tags(repository, credentials) {
      const headers: Record<string, string> = credentials
        ? {
            authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`,
          }
        : {};
      const response = await fetch(`${base}/v2/${repository}/tags/list`, { headers });
      if (response.status === 404) return [];
      const body = (await response.json()) as { tags?: string[] };
      return [...(body.tags ?? [])].sort();
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
