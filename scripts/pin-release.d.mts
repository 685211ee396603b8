/** Types of pin-release.mjs, a plain script the release job runs without installing anything. */
export interface PinOptions {
  /** The released commit, a full 40-hex SHA. */
  sha: string;
  /** X.Y.Z, written as the `# vX.Y.Z` comment after each pin. */
  version?: string;
  /** owner/name whose references are pinned; default org/deploy-actions. */
  repository?: string;
}

export function pinWorkflow(text: string, options: PinOptions): { text: string; pinned: string[] };
