import { resolve } from 'node:path';
import { workspacePath } from '../lib/inputs.js';

/**
 * The local paths buildx reads or writes through docker/build-push-action's inputs, confined as every other file
 * input is: inside the checkout or RUNNER_TEMP, so an input from an untrusted source (a pull request's branch name,
 * a matrix value) cannot make buildx read the runner's keys or write over its files. Forms, from the buildx
 * reference ("docker buildx build": --ssh, --cache-from, --cache-to, --output, --build-context):
 *   ssh            default | <id> | <id>=<socket or key>[,<socket or key>...]  (the agent's SSH_AUTH_SOCK is allowed)
 *   cache-from     type=local,src=<dir>
 *   cache-to       type=local,dest=<dir>
 *   outputs        type=local,dest=<dir> | type=tar,dest=<file> (dest=- is standard output)
 *   build-contexts <name>=<dir> (a value with a scheme, docker-image://, oci-layout://, https://, target:, is not a path)
 */

/** `key=value` attributes of a CSV-like buildx value (`type=local,src=/x`). */
function attributes(value: string): Map<string, string> {
  return new Map(
    value.split(',').map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? [part.trim(), ''] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    }),
  );
}

/** Refuses any local path of `input`'s items outside the workspace and RUNNER_TEMP (workspacePath's rule). */
export function confineLocalPaths(input: string, items: string[]): void {
  for (const item of items) for (const path of localPaths(input, item)) confine(input, path);
}

function confine(input: string, path: string): void {
  const agent = process.env.SSH_AUTH_SOCK;
  // The agent's socket lives where the agent made it (often /tmp): it holds no key buildx could read out.
  if (input === 'ssh' && agent && resolve(path) === resolve(agent)) return;
  workspacePath(input, path);
}

function localPaths(input: string, item: string): string[] {
  switch (input) {
    case 'ssh': {
      const eq = item.indexOf('=');
      return eq < 0
        ? []
        : item
            .slice(eq + 1)
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean);
    }
    case 'cache-from':
    case 'cache-to':
    case 'outputs': {
      const attrs = attributes(item);
      const type = attrs.get('type') ?? 'registry';
      const key = input === 'cache-from' ? 'src' : 'dest';
      const path = attrs.get(key);
      if (!path || path === '-') return [];
      return ['local', 'tar', 'oci', 'docker'].includes(type) ? [path] : [];
    }
    case 'build-contexts': {
      const value = item.slice(item.indexOf('=') + 1).trim();
      return /^[a-z][\w+.-]*:/i.test(value) ? [] : [value];
    }
    default:
      return [];
  }
}
