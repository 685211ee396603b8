import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh workspace holding a copy of a fixture as its `infra/` root, with the local backend's state. */
export function workspaceWith(fixture: string): { workspace: string; dir: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'tf-workspace-'));
  const dir = join(workspace, 'infra');
  cpSync(join(import.meta.dirname, 'fixtures', fixture), dir, { recursive: true });
  return { workspace, dir };
}

/** What every Terraform test run sets: no user CLI config, its own tool cache and temp folder. */
export function terraformEnv(workspace: string, extra: Record<string, string | undefined> = {}) {
  return {
    TF_CLI_CONFIG_FILE: '/dev/null',
    RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'tool-cache-')),
    RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'runner-temp-')),
    GITHUB_WORKSPACE: workspace,
    ...extra,
  };
}

/** A pull_request event payload file, as the runner writes it. */
export function pullRequestEvent(number: number): Record<string, string> {
  const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json');
  writeFileSync(path, JSON.stringify({ action: 'synchronize', number, pull_request: { number } }));
  return { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path, GITHUB_REPOSITORY: 'octo-org/hello-service' };
}

/**
 * Holds the local backend's state lock from a second process: an interactive `terraform apply` takes the
 * lock, then waits at its approval prompt for as long as nobody answers. Resolves once the prompt shows,
 * so the lock is certainly held; `release()` closes its input, which cancels the apply and frees the lock.
 */
export async function holdStateLock(dir: string): Promise<{ release: () => Promise<void> }> {
  const child = spawn('terraform', ['apply', '-no-color', '-var=image_tag=held'], {
    cwd: dir,
    env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Enter a value:')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => reject(new Error(`terraform apply exited ${code} before its prompt:\n${output}`)));
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    release: async () => {
      child.stdin.end();
      await closed;
    },
  };
}
