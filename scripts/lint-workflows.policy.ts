/**
 * This repository's own workflow rules, pure so tests import them without loading the linters (GitHub's
 * parser imports JSON in a way only a bundler or tsx resolves).
 */

/** Our own actions, referenced from other repositories by the release tag: the one exception to SHA pins. */
const ownActions = /^org\/deploy-actions\/((actions\/)?[a-z0-9-]+|\.github\/workflows\/[a-z0-9-]+\.ya?ml)@v\d+$/;
const pinned = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;

/** The `uses:` rule: local, our own by tag, docker by digest, anything else by a full commit SHA. */
export function checkUses(uses: string): string | undefined {
  if (uses.startsWith('./')) return undefined;
  if (uses.startsWith('docker://'))
    return /@sha256:[0-9a-f]{64}$/.test(uses)
      ? undefined
      : `'${uses}' is not pinned by digest (docker://image@sha256:...)`;
  if (ownActions.test(uses) || pinned.test(uses)) return undefined;
  return `'${uses}' is not pinned by a full commit SHA: write owner/repo@<40-hex sha> # vX.Y.Z`;
}

/** An expression in a script is pasted into it before the shell runs: an injection when it holds user text. */
export function checkRun(run: string): string | undefined {
  const expression = /\$\{\{(.*?)\}\}/s.exec(run);
  if (!expression) return undefined;
  return `run: interpolates '\${{${expression[1]}}}' into the script: pass it through env: and use "$NAME"`;
}
