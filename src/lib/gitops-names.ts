import { InputError } from './errors.js';
import type { NameRule } from './names.js';

/**
 * The names a GitOps release sends to Git and Argo CD, checked before the first request by the rules those
 * document, as src/lib/names.ts does for the clouds. A name that passes also prints safely: no control
 * characters, no shell or Markdown metacharacters.
 */

/**
 * git-check-ref-format(1): no control characters, space, `~ ^ : ? * [ \`; no `..`, `@{` or `//`; no component
 * that starts with `.` or ends with `.lock`; not ending with `/` or `.`; not `@`; and, as a branch
 * (`--branch`), not starting with `-`. Backquotes, `$`, quotes, `;`, `&`, `|`, `<>`, `(){}` are allowed by Git
 * but refused here: a ref a later step puts in a shell or in Markdown must not be able to run or format anything.
 */
/** Whether text holds a control character (C0 or DEL), which could start a line or a terminal escape when printed. */
export function hasControl(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

export function isRefName(value: string): boolean {
  if (value.length === 0 || value.length > 255 || value === '@' || value.startsWith('-')) return false;
  if (hasControl(value) || /[ ~^:?*[\\`$'"<>|;&(){}]/.test(value)) return false;
  if (value.includes('..') || value.includes('@{') || value.includes('//')) return false;
  if (value.endsWith('/') || value.endsWith('.')) return false;
  return value.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

const dnsLabel = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

export const gitopsNames = {
  /** A branch (git-check-ref-format(1), see isRefName). */
  branch: { says: 'a branch name by git check-ref-format rules', test: isRefName },
  /**
   * An Argo CD Application: a Kubernetes object name, an RFC 1123 DNS subdomain (Kubernetes docs, "Object Names
   * and IDs": at most 253 lower-case letters, digits, "-" and ".", each dot-separated label starting and ending
   * with a letter or digit).
   */
  application: {
    says: 'a Kubernetes object name: up to 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
    test: (value) => value.length <= 253 && new RegExp(`^${dnsLabel}(\\.${dnsLabel})*$`).test(value),
  },
  /**
   * An images target: a container name (Kubernetes: an RFC 1123 label), a kustomization images entry name (an
   * image name, with registry, path and port) or a dotted Helm values path. Printable characters without spaces,
   * quotes or shell metacharacters.
   */
  target: {
    says: 'a container name, a kustomization image name or a dotted values path (letters, digits, . _ - / :)',
    test: (value) => /^[A-Za-z0-9][\w./:-]{0,252}$/.test(value),
  },
  /** The service named in commit messages and the pull request's branch. */
  service: {
    says: 'up to 100 letters, digits, ".", "_" and "-"',
    test: (value) => /^[\w.-]{1,100}$/.test(value),
  },
} satisfies Record<string, NameRule>;

/**
 * A path inside the config repository, as given: relative, no `..` component, no backslash or control character.
 * Where a symlink in the checkout leads is checked once it is cloned (insideCheckout in src/gitops/edit.ts).
 */
export function checkRepoPath(input: string, path: string): string {
  const parts = path.split('/');
  if (path.startsWith('/') || parts.includes('..') || hasControl(path) || path.includes('\\') || path.length > 4096) {
    throw new InputError(
      `Input '${input}' has ${JSON.stringify(path)}: give paths relative to the config repository's root, without '..'.`,
    );
  }
  // Git's own folder is not part of the repository: a file there (config, hooks) would change what Git runs.
  if (parts.some((part) => part.toLowerCase() === '.git')) {
    throw new InputError(`Input '${input}' has ${JSON.stringify(path)}, inside .git: give a file of the repository.`);
  }
  return path;
}
