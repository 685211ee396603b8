import { InputError } from '../lib/errors.js';
import { duration, optional, optionalOneOf, text } from '../lib/inputs.js';
import { isRefName } from '../lib/gitops-names.js';
import { checkName, type NameRule } from '../lib/names.js';
import { mask, maskUrl, scrub } from '../lib/secrets.js';

export const states = ['in_progress', 'success', 'failure', 'inactive'] as const;
export type PreviewState = (typeof states)[number];

export interface PreviewInputs {
  state: PreviewState;
  /** Undefined: pr-<number>. */
  environment?: string;
  environmentUrl?: string;
  ref?: string;
  description?: string;
  token: string;
  /** Each GitHub request is cut after this long. */
  requestTimeoutMs: number;
  /** The step's own time: no request outlives it. */
  timeoutMs: number;
}

/**
 * The names preview sends to GitHub, as GitHub documents them, so that nothing an attacker can put in a branch
 * name or an expression reaches the API, the comment or the log unchecked.
 */
export const previewNames = {
  /**
   * An environment name (GitHub Docs, "Managing environments for deployment": at most 255 characters, not case
   * sensitive). Narrowed to letters, digits, `.`, `_` and `-`, which every place it is shown (the comment, the
   * environment page, URLs) prints as is.
   */
  environment: {
    says: 'a GitHub environment name: 1-255 letters, digits, ".", "_" and "-"',
    test: (value) => /^[\w.-]{1,255}$/.test(value),
  },
  /** A commit SHA (7-40 hex digits) or a branch or tag name by git check-ref-format's rules (git-check-ref-format(1)). */
  ref: {
    says: 'a commit SHA or a branch or tag name (git check-ref-format rules)',
    test: (value) => /^[0-9a-f]{7,40}$/.test(value) || isRefName(value),
  },
} satisfies Record<string, NameRule>;

function readUrl(): string | undefined {
  const url = optional('environment-url');
  if (url === undefined) return undefined;
  maskUrl(url);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  // A space, quote or angle bracket would end the link in the comment: such a URL is refused, not escaped.
  if (!parsed || !/^https?:$/.test(parsed.protocol) || /[\s"'<>`|\\]/.test(url)) {
    throw new InputError(
      `Input 'environment-url' must be an http(s) URL without spaces, quotes or angle brackets, got ${JSON.stringify(scrub(url))}.`,
      'Pass the preview address, e.g. https://pr-42.preview.example.com.',
    );
  }
  return url;
}

function readDescription(state: PreviewState): string | undefined {
  const description = text('description');
  if (description === undefined) return undefined;
  if (state === 'inactive') {
    throw new InputError(
      "Input 'description' has no effect with 'state: inactive': the teardown writes its own description.",
      "Remove 'description' from the step that marks the preview inactive.",
    );
  }
  // GitHub Docs, "Create a deployment status": description, "a short description of the status. The maximum
  // description length is 140 characters."
  if (description.length > 140) {
    throw new InputError(`Input 'description' has ${description.length} characters; GitHub takes at most 140.`);
  }
  return description;
}

export function readInputs(): PreviewInputs {
  const state = optionalOneOf('state', states);
  if (state === undefined)
    throw new InputError(`Input 'state' is required: one of ${states.join(', ')}.`, 'See the example in the README.');
  const token = optional('github-token');
  if (!token)
    throw new InputError("Input 'github-token' is empty.", 'Pass github-token: ${{ github.token }} (the default).');
  mask(token);
  const environment = optional('environment');
  if (environment !== undefined) checkName('environment', environment, previewNames.environment);
  const ref = optional('ref');
  if (ref !== undefined) checkName('ref', ref, previewNames.ref);
  return {
    state,
    environment,
    environmentUrl: readUrl(),
    ref,
    description: readDescription(state),
    token,
    requestTimeoutMs: duration('request-timeout', '30', { bare: 's', minMs: 100, maxMs: 600_000 }),
    timeoutMs: duration('timeout', '5m', { bare: 's', minMs: 1000, maxMs: 3_600_000 }),
  };
}
