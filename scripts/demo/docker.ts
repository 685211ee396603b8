import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * Finds a Docker engine for the demo, or starts one the way .ci/run does (as root, when dockerd is
 * installed but not running: no iptables, no bridge, vfs storage), or says why there is none.
 */

export interface Engine {
  available: boolean;
  /** The server version, or why there is no engine. */
  detail: string;
  /** The dockerd this demo started, to stop at the end. */
  started?: ChildProcess;
}

const engineVersion = async () =>
  (await exec('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 20_000 })).stdout.trim();

export async function dockerEngine(): Promise<Engine> {
  let why: string;
  try {
    return { available: true, detail: await engineVersion() };
  } catch (error) {
    why = String((error as { stderr?: string }).stderr || (error as Error).message).split('\n')[0] ?? '';
  }
  const root = process.getuid?.() === 0;
  const installed = await exec('dockerd', ['--version']).then(
    () => true,
    () => false,
  );
  if (!root || !installed) return { available: false, detail: why };
  const logFile = '/tmp/deploy-actions-dockerd.log';
  const started = spawn('dockerd', ['--iptables=false', '--ip6tables=false', '--bridge=none', '--storage-driver=vfs'], {
    stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
  });
  for (let i = 0; i < 60; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const version = await engineVersion().catch(() => undefined);
    if (version) return { available: true, detail: `${version}, started by the demo`, started };
    if (started.exitCode !== null) break;
  }
  started.kill('SIGTERM');
  return { available: false, detail: `dockerd did not start (see ${logFile})` };
}
