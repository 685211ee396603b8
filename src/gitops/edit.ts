import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { InputError } from '../lib/errors.js';
import { provenance } from '../lib/gitops-deliver.js';
import { readImages, setImages, targetWord, type ImageChange } from '../lib/gitops-image.js';

/**
 * Sets the images in the files of a checked-out config repository. Every file must exist and hold at least one
 * of the targets, and every target must be found in some file: a typo fails naming what was not found, and
 * nothing is committed.
 */
export function editFiles(root: string, files: string[], images: Map<string, string>): ImageChange[] {
  const changes: ImageChange[] = [];
  const found = new Set<string>();
  for (const file of files) {
    const path = join(root, file);
    if (!existsSync(path))
      throw new InputError(
        `The config repository has no file '${file}'.`,
        "Check 'files': paths are relative to the config repository's root.",
      );
    insideCheckout(root, file, 'files');
    const source = readFileSync(path, 'utf8');
    const result = setImages(file, source, images);
    if (result.changes.length === 0) {
      throw new InputError(
        `${file} (${result.kind}) has none of ${[...images.keys()].map((t) => `'${t}'`).join(', ')}.`,
        `In this file a target is a ${targetWord[result.kind]}.`,
      );
    }
    for (const change of result.changes) found.add(change.target);
    if (result.text !== source) writeFileSync(path, result.text);
    changes.push(...result.changes);
  }
  const missing = [...images.keys()].filter((target) => !found.has(target));
  if (missing.length > 0) {
    throw new InputError(
      `Not found in ${files.join(', ')}: ${missing.map((t) => `'${t}'`).join(', ')}.`,
      'A target is a container name (manifests), an images: entry name (kustomization) or a values path (Helm).',
    );
  }
  return changes;
}

/**
 * Refuses a file that, symlinks followed, is outside the checkout (or in its .git): a link committed to the config
 * repository must not make the release read or write a file of the runner.
 */
export function insideCheckout(root: string, file: string, input: string): void {
  const base = realpathSync(root);
  const inside = relative(base, realpathSync(join(root, file)));
  const parts = inside.split(sep);
  if (inside === '' || isAbsolute(inside) || parts[0] === '..' || parts[0]?.toLowerCase() === '.git') {
    throw new InputError(
      `Input '${input}' has '${file}', which is a link to a file outside the config repository's checkout.`,
      'Point it at a file of the repository itself, not at a symbolic link that leaves it.',
    );
  }
}

/** The images the targets have in another environment's file, to set them in this one (a promotion). */
export function promotedImages(root: string, promote: { from: string; targets: string[] }): Map<string, string> {
  const path = join(root, promote.from);
  if (!existsSync(path)) throw new InputError(`The config repository has no file '${promote.from}' to promote from.`);
  insideCheckout(root, promote.from, 'promote-from');
  const found = readImages(promote.from, readFileSync(path, 'utf8'), promote.targets);
  const missing = promote.targets.filter((target) => !found.has(target));
  if (missing.length > 0) {
    throw new InputError(`${promote.from} has no ${missing.map((t) => `'${t}'`).join(', ')} to promote.`);
  }
  return found;
}

// With the outputs, which must load without YAML (the entry reads them before any file is edited).
export { previousImages } from './outputs.js';

/** The commit message: subject with service and old → new image, then each place, the source commit and the run. */
export function commitMessage(service: string, changes: ImageChange[]): string {
  const changed = changes.filter((change) => change.previous !== change.image);
  const targets = new Map(changed.map((change) => [change.target, change]));
  const first = [...targets.values()][0];
  const subject =
    targets.size === 1 && first
      ? `Release ${service}: ${first.target} ${first.previous || '(none)'} → ${first.image}`
      : `Release ${service}: ${targets.size} images`;
  const lines = changed.map(
    (change) => `- ${change.file}: ${change.location}: ${change.previous || '(none)'} → ${change.image}`,
  );
  return [subject, '', ...lines, '', ...provenance()].join('\n');
}
