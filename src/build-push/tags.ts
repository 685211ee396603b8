import { readFileSync } from 'node:fs';
import { valid as validSemver, parse as parseSemver } from 'semver';
import { InputError } from '../lib/errors.js';
import { isValidTag, type TagRule } from './tag-rules.js';

export { DEFAULT_RULES, TAG_RULES, isValidTag, type TagRule } from './tag-rules.js';

/**
 * The tags and OCI labels of an image, computed from the run's event like docker/metadata-action does.
 * Pure: it takes the event facts and returns data, so every rule is tested without a runner.
 */

export interface RunFacts {
  eventName: string;
  /** refs/heads/main, refs/tags/v1.2.3, refs/pull/7/merge */
  ref: string;
  /** The commit the image is built from (the head commit of a pull request, not its merge commit). */
  sha: string;
  pullRequest?: number;
  defaultBranch?: string;
  /** https://github.com/owner/repo */
  sourceUrl?: string;
  now: Date;
}

export interface TagPlan {
  /** Bare tags (`1.2.3`, `sha-0123abc`), each with the rule that made it. */
  tags: { tag: string; rule: TagRule | 'explicit' }[];
  labels: Record<string, string>;
  version?: string;
}

/** Branch names may hold `/` and other characters a tag cannot; they become `-` as in metadata-action. */
export function sanitizeTag(text: string): string {
  return text
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
}

/** The facts of this run from the runner's environment and the event payload file. */
export function factsFromEnvironment(env: NodeJS.ProcessEnv, now = new Date()): RunFacts {
  let event: {
    pull_request?: { number?: number; head?: { sha?: string } };
    number?: number;
    repository?: { default_branch?: string };
  } = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as typeof event;
    } catch {
      event = {};
    }
  }
  const pr = event.pull_request?.number ?? /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')?.[1] ?? undefined;
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: event.pull_request?.head?.sha ?? env.GITHUB_SHA ?? '',
    pullRequest: pr === undefined ? undefined : Number(pr),
    defaultBranch: event.repository?.default_branch,
    sourceUrl:
      env.GITHUB_REPOSITORY && env.GITHUB_SERVER_URL
        ? `${env.GITHUB_SERVER_URL.replace(/\/+$/, '')}/${env.GITHUB_REPOSITORY}`
        : undefined,
    now,
  };
}

function timestamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
}

/** docker/metadata-action's `flavor`: whether `latest` is added, and a prefix and suffix for computed tags. */
export interface Flavor {
  /** auto: by the latest rule (pushes to the default branch); true: always; false: never. */
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  suffix: string;
  /** Whether latest gets the prefix and suffix too (metadata-action's onlatest). */
  onLatest: boolean;
}

export interface TagOptions {
  rules: TagRule[];
  flavor?: Flavor;
  version?: string;
  /** Extra bare tags from the `tags` input. */
  explicit: string[];
  /** Overrides the default branch from the event payload (`latest` goes there). */
  defaultBranch?: string;
  /** User labels; they win over the computed OCI labels. */
  labels: Map<string, string>;
}

export function planTags(facts: RunFacts, options: TagOptions): TagPlan {
  const tags: TagPlan['tags'] = [];
  const flavor = options.flavor;
  const add = (computed: string, rule: TagRule | 'explicit') => {
    const flavored = rule !== 'explicit' && (rule !== 'latest' || flavor?.onLatest);
    const tag = flavored && flavor && computed !== '' ? `${flavor.prefix}${computed}${flavor.suffix}` : computed;
    if (tag !== '' && !tags.some((t) => t.tag === tag)) tags.push({ tag, rule });
  };
  const rules = new Set(options.rules);
  const branch = facts.ref.startsWith('refs/heads/') ? facts.ref.slice('refs/heads/'.length) : undefined;
  const gitTag = facts.ref.startsWith('refs/tags/') ? facts.ref.slice('refs/tags/'.length) : undefined;
  const semver = gitTag && validSemver(gitTag) ? parseSemver(gitTag) : null;
  const defaultBranch = options.defaultBranch ?? facts.defaultBranch ?? 'main';

  if (rules.has('version') && options.version) add(options.version, 'version');
  if (rules.has('semver') && semver) {
    add(semver.version, 'semver');
    // 1.2 and 1 follow the newest release only when it is a release: a prerelease keeps its full name.
    if (semver.prerelease.length === 0) {
      add(`${semver.major}.${semver.minor}`, 'semver');
      if (semver.major > 0) add(String(semver.major), 'semver');
    }
  } else if (rules.has('semver') && gitTag) {
    add(sanitizeTag(gitTag), 'semver');
  }
  if (rules.has('branch') && branch && facts.eventName !== 'pull_request') add(sanitizeTag(branch), 'branch');
  if (rules.has('pr') && facts.pullRequest !== undefined) add(`pr-${facts.pullRequest}`, 'pr');
  if (rules.has('sha') && facts.sha) add(`sha-${facts.sha.slice(0, 7)}`, 'sha');
  if (rules.has('sha-long') && facts.sha) add(`sha-${facts.sha}`, 'sha-long');
  if (rules.has('timestamp')) add(timestamp(facts.now), 'timestamp');
  const onDefaultBranch = branch === defaultBranch && facts.pullRequest === undefined;
  const latest = flavor?.latest ?? 'auto';
  if (latest === 'true' || (latest === 'auto' && rules.has('latest') && onDefaultBranch)) add('latest', 'latest');
  for (const tag of options.explicit) add(tag, 'explicit');

  for (const { tag } of tags) {
    if (!isValidTag(tag)) {
      throw new InputError(
        `'${tag}' is not a valid image tag.`,
        'A tag is up to 128 letters, digits, _, . and -, and starts with a letter, digit or _.',
      );
    }
  }
  if (tags.length === 0) {
    throw new InputError(
      'No tag applies to this run: none of the tag-rules matched and neither version nor tags was given.',
      "Give 'version' or 'tags', or add a rule that always applies (sha, timestamp) to 'tag-rules'.",
    );
  }

  const version = options.version ?? semver?.version ?? gitTag ?? tags[0]?.tag;
  const labels: Record<string, string> = {
    'org.opencontainers.image.created': facts.now.toISOString(),
  };
  if (facts.sourceUrl) labels['org.opencontainers.image.source'] = facts.sourceUrl;
  if (facts.sha) labels['org.opencontainers.image.revision'] = facts.sha;
  if (version) labels['org.opencontainers.image.version'] = version;
  for (const [key, value] of options.labels) labels[key] = value;
  return { tags, labels, version };
}
