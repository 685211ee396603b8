import { InputError } from './errors.js';

/**
 * Container image references as Docker reads them: `[registry[:port]/]path[:tag][@digest]`.
 * Checked before any cloud call, so a typo fails in a second instead of as a task that cannot pull.
 */

const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domain =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const reference = new RegExp(
  `^(?:(?<registry>${domain})/)?(?<path>${component}(?:/${component})*)(?::(?<tag>[\\w][\\w.-]{0,127}))?(?:@(?<digest>[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}))?$`,
);

export interface ImageReference {
  registry?: string;
  path: string;
  tag?: string;
  digest?: string;
}

export function parseImageReference(text: string): ImageReference | undefined {
  const match = reference.exec(text);
  if (!match?.groups || text.length > 4096) return undefined;
  const { registry, path = '', tag, digest } = match.groups;
  // Docker reads the first part as a registry only when it looks like a host: a dot, a port, or localhost.
  if (registry && !/[.:]|^localhost$|^\[/.test(registry)) {
    if (!new RegExp(`^${component}$`).test(registry)) return undefined;
    return { path: `${registry}/${path}`, tag, digest };
  }
  return { registry, path, tag, digest };
}

/** Throws an InputError naming the input when `text` is not an image reference. */
export function checkImageReference(input: string, text: string): string {
  if (!parseImageReference(text)) {
    throw new InputError(
      `Input '${input}' is not a valid image reference: '${text}'.`,
      'Expected [registry/]repository[:tag][@sha256:digest] in lower case, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2.',
    );
  }
  return text;
}

/**
 * Where a reference is pushed, as Docker resolves it: a reference without a registry is on Docker Hub
 * (docker.io), and a one-part Docker Hub path is an official image, under `library/`.
 */
export function repositoryOf(ref: ImageReference): { registry: string; path: string } {
  const registry = ref.registry ?? 'docker.io';
  const hub = registry === 'docker.io' || registry === 'index.docker.io' || registry === 'registry-1.docker.io';
  return { registry, path: hub && !ref.path.includes('/') ? `library/${ref.path}` : ref.path };
}
