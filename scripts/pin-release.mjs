#!/usr/bin/env node
// Pins the workflows of a release to the actions of that release. On main, the workflows call this
// repository's actions and workflows by the major tag (org/deploy-actions/deploy-ecs@v1); a caller pinning
// ecs-pipeline.yml@v1.2.3 would still run whatever v1 points to later, in jobs that hold cloud tokens. The
// release job (release-tag.yml) runs this on the commit it releases and tags the result: every `uses:` of this
// repository then names that commit by its full SHA, so a pinned workflow runs exactly the released actions.
//
// Only `uses:` values of this repository change, nothing else in any file (not run: scripts, comments,
// descriptions or inputs that merely mention a reference). Idempotent: pinning pinned text to the same commit
// changes nothing; pinning it to another commit moves every reference to that one.
//
// Usage: node scripts/pin-release.mjs --sha <40-hex commit> [--version X.Y.Z] [--repository owner/name]
//        [--dir .github/workflows]
// Prints what it pinned; exits 1 when nothing was pinned (a repository name that does not match, say).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A `uses:` line (a step's or a job's; a list item or a key) naming owner/name/<path>@<major tag or SHA>,
 * quoted or not, with an optional trailing comment.
 */
function usesLine(repository) {
  return new RegExp(
    String.raw`^(\s*(?:-\s+)?uses:\s+)(['"]?)(${escape(repository)}/[^@\s'"#]+)@(v\d+|[0-9a-f]{40})\2([ \t]+#.*)?[ \t]*$`,
  );
}

/** A key whose value is a block scalar (`run: |`, `description: >-`): the more indented lines below are its text. */
const blockScalar = /^\s*(?:-\s+)?[\w.-]+:\s*[|>][-+0-9]*\s*(?:#.*)?$/;
const indentOf = (line) => /^ */.exec(line)[0].length;

/**
 * The workflow text with every `uses:` of `repository` pinned to `sha`, followed by `# v<version>` when a
 * version is given (as third-party pins are written). Lines inside block scalars (scripts, descriptions) are
 * text, never references, and are left alone.
 * @param {string} text
 * @param {{ sha: string, version?: string, repository?: string }} options
 * @returns {{ text: string, pinned: string[] }}
 */
export function pinWorkflow(text, { sha, version, repository = 'org/deploy-actions' }) {
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`--sha must be a full 40-hex commit SHA, got '${sha}'`);
  if (version !== undefined && !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version))
    throw new Error(`--version must be X.Y.Z, got '${version}'`);
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new Error(`--repository must be owner/name, got '${repository}'`);
  const uses = usesLine(repository);
  const pinned = [];
  let block = -1; // the indentation of the key that opened the block scalar we are in, or -1
  const lines = text.split('\n').map((line) => {
    if (block >= 0 && (line.trim() === '' || indentOf(line) > block)) return line;
    block = blockScalar.test(line) ? indentOf(line) : -1;
    return line.replace(uses, (_line, key, quote, target, _ref, comment) => {
      pinned.push(target);
      const note = version !== undefined ? ` # v${version}` : (comment ?? '');
      return `${key}${quote}${target}@${sha}${quote}${note}`;
    });
  });
  return { text: lines.join('\n'), pinned };
}

function option(args, name) {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
}

function main(args) {
  const sha = option(args, 'sha') ?? '';
  const version = option(args, 'version');
  const repository = option(args, 'repository') ?? 'org/deploy-actions';
  const dir = option(args, 'dir') ?? join('.github', 'workflows');
  let total = 0;
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    const { text, pinned } = pinWorkflow(before, { sha, version, repository });
    if (text !== before) writeFileSync(path, text);
    for (const target of pinned) console.log(`${file}: ${target}@${sha}`);
    total += pinned.length;
  }
  if (total === 0) {
    console.error(`No uses: of ${repository} found under ${dir}: nothing pinned (is --repository right?)`);
    process.exit(1);
  }
  console.log(`Pinned ${total} references to ${repository}@${sha}.`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
