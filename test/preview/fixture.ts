import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repository = 'octo-org/hello-service';
export const headSha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const nextSha = 'feedfacecafebeef0123456789abcdef01234567';

/** A `pull_request` event payload as GitHub writes it to GITHUB_EVENT_PATH (the fields the action reads). */
export function pullRequestEvent(
  number: number,
  { action = 'opened', sha = headSha, fork = false, merged = false } = {},
): string {
  const head = fork ? 'outside-contributor/hello-service' : repository;
  const file = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json');
  writeFileSync(
    file,
    JSON.stringify({
      action,
      number,
      pull_request: {
        number,
        merged,
        state: action === 'closed' ? 'closed' : 'open',
        head: { sha, ref: 'feature', repo: { full_name: head, fork } },
        base: { sha: '0'.repeat(40), ref: 'main', repo: { full_name: repository } },
      },
      repository: { full_name: repository },
    }),
  );
  return file;
}
