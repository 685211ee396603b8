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

/**
 * The first major release of each third-party action this repository pins that runs on node24 (each one's
 * action.yml `runs.using` at that tag); the runners stop offering node20 to JavaScript actions. An action not
 * listed here is not checked: add it when a workflow starts using it.
 */
export const firstNode24Major: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
  'aws-actions/configure-aws-credentials': 6,
  'azure/login': 3,
  'hashicorp/setup-terraform': 4,
};

/** The node24 rule: a pinned third-party action's `# vX.Y.Z` comment names a release that runs on node24. */
export function checkRuntime(uses: string, comment: string | undefined): string | undefined {
  const action = /^([\w.-]+\/[\w.-]+)@[0-9a-f]{40}$/.exec(uses)?.[1];
  const first = action === undefined ? undefined : firstNode24Major[action];
  if (first === undefined) return undefined;
  const major = /^\s*v(\d+)\.\d+\.\d+\s*$/.exec(comment ?? '')?.[1];
  if (major === undefined) return `'${uses}' has no '# vX.Y.Z' comment naming the release it pins`;
  return Number(major) >= first
    ? undefined
    : `'${action}' v${major} runs on an older Node: pin a v${first} or later release, which runs on node24`;
}

/** An expression in a script is pasted into it before the shell runs: an injection when it holds user text. */
export function checkRun(run: string): string | undefined {
  const expression = /\$\{\{(.*?)\}\}/s.exec(run);
  if (!expression) return undefined;
  return `run: interpolates '\${{${expression[1]}}}' into the script: pass it through env: and use "$NAME"`;
}
