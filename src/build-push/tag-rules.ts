/**
 * The tag rules and what a tag may be: what the inputs check. Apart from tags.ts, which computes the tags with
 * semver: semver builds its regular expressions when loaded, which a mistyped input should not wait for.
 */
export const TAG_RULES = ['version', 'sha', 'sha-long', 'branch', 'pr', 'semver', 'timestamp', 'latest'] as const;
export type TagRule = (typeof TAG_RULES)[number];
export const DEFAULT_RULES: TagRule[] = ['version', 'sha', 'branch', 'pr', 'semver', 'latest'];

const TAG = /^[\w][\w.-]{0,127}$/;

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}
