import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/lib/errors.js';
import { DEFAULT_RULES, TAG_RULES, factsFromEnvironment, planTags, sanitizeTag } from '../../src/build-push/tags.js';

const events = join(import.meta.dirname, 'events');
const now = new Date('2026-11-22T19:58:07.123Z');
const SHA = '0123456789abcdef0123456789abcdef01234567';

function environment(eventName: string, file: string, ref: string): NodeJS.ProcessEnv {
  return {
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: join(events, file),
    GITHUB_REF: ref,
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: 'octo-org/hello-service',
    GITHUB_SERVER_URL: 'https://github.com',
  };
}

function tagsFor(env: NodeJS.ProcessEnv, options: Partial<Parameters<typeof planTags>[1]> = {}) {
  return planTags(factsFromEnvironment(env, now), {
    rules: DEFAULT_RULES,
    explicit: [],
    labels: new Map(),
    ...options,
  });
}

describe('tag rules', () => {
  it('a push to the default branch gets the branch, the short sha and latest', () => {
    const plan = tagsFor(environment('push', 'push-main.json', 'refs/heads/main'));
    expect(plan.tags.map((t) => t.tag)).toEqual(['main', 'sha-0123456', 'latest']);
  });

  it('a push to another branch gets no latest, and its slashes become dashes', () => {
    const plan = tagsFor(environment('push', 'push-feature.json', 'refs/heads/feature/login-form'));
    expect(plan.tags.map((t) => t.tag)).toEqual(['feature-login-form', 'sha-0123456']);
  });

  it('a pull request gets pr-<number> and the sha of its head commit, not of the merge commit', () => {
    const plan = tagsFor(environment('pull_request', 'pull-request.json', 'refs/pull/42/merge'));
    expect(plan.tags.map((t) => t.tag)).toEqual(['pr-42', 'sha-fedcba9']);
    expect(plan.labels['org.opencontainers.image.revision']).toBe('fedcba9876543210fedcba9876543210fedcba98');
  });

  it('a v1.2.3 tag gets 1.2.3, 1.2 and 1, and is the version label', () => {
    const plan = tagsFor(environment('push', 'tag-release.json', 'refs/tags/v1.4.2'));
    expect(plan.tags.map((t) => t.tag)).toEqual(['1.4.2', '1.4', '1', 'sha-0123456']);
    expect(plan.labels['org.opencontainers.image.version']).toBe('1.4.2');
  });

  it('a prerelease tag keeps its full name only: 2.0.0-rc.1 must not move 2.0 or 2', () => {
    const plan = tagsFor(environment('push', 'tag-prerelease.json', 'refs/tags/v2.0.0-rc.1'));
    expect(plan.tags.map((t) => t.tag)).toEqual(['2.0.0-rc.1', 'sha-0123456']);
  });

  it('a 0.x release does not get the major tag 0', () => {
    const plan = tagsFor(environment('push', 'tag-release.json', 'refs/tags/v0.9.1'));
    expect(plan.tags.map((t) => t.tag)).toEqual(['0.9.1', '0.9', 'sha-0123456']);
  });

  it('latest follows the default branch of the payload, or the default-branch input', () => {
    const trunk = environment('push', 'tag-prerelease.json', 'refs/heads/trunk');
    expect(tagsFor(trunk).tags.map((t) => t.tag)).toContain('latest');
    const main = environment('push', 'push-main.json', 'refs/heads/main');
    expect(tagsFor(main, { defaultBranch: 'release' }).tags.map((t) => t.tag)).not.toContain('latest');
  });

  it('the version input comes first and explicit tags last, without duplicates', () => {
    const plan = tagsFor(environment('push', 'push-main.json', 'refs/heads/main'), {
      version: '3.1.0',
      explicit: ['edge', 'latest'],
    });
    expect(plan.tags.map((t) => `${t.tag}:${t.rule}`)).toEqual([
      '3.1.0:version',
      'main:branch',
      'sha-0123456:sha',
      'latest:latest',
      'edge:explicit',
    ]);
  });

  it('sha-long and timestamp are opt-in rules; the timestamp is UTC', () => {
    const plan = tagsFor(environment('workflow_dispatch', 'push-main.json', 'refs/heads/dev'), {
      rules: ['sha-long', 'timestamp'],
    });
    expect(plan.tags.map((t) => t.tag)).toEqual([`sha-${SHA}`, '20261122-195807']);
    expect(TAG_RULES).toContain('timestamp');
  });

  it('adds the OCI labels, and the user labels win', () => {
    const plan = tagsFor(environment('push', 'push-main.json', 'refs/heads/main'), {
      version: '3.1.0',
      labels: new Map([['org.opencontainers.image.source', 'https://example.com/mirror']]),
    });
    expect(plan.labels).toEqual({
      'org.opencontainers.image.created': '2026-11-22T19:58:07.123Z',
      'org.opencontainers.image.source': 'https://example.com/mirror',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.version': '3.1.0',
    });
  });

  it('refuses a run where no rule gives a tag, saying what to add', () => {
    const env = environment('workflow_dispatch', 'push-main.json', 'refs/heads/dev');
    expect(() => tagsFor(env, { rules: ['pr', 'semver'] })).toThrow(InputError);
    expect(() => tagsFor(env, { rules: ['pr'] })).toThrow(/tag-rules/);
  });

  it('refuses an explicit tag that is not a tag', () => {
    const env = environment('push', 'push-main.json', 'refs/heads/main');
    expect(() => tagsFor(env, { explicit: ['-bad'] })).toThrow(/not a valid image tag/);
  });

  it('sanitizes names that are not tags', () => {
    expect(sanitizeTag('feature/JIRA-1#x')).toBe('feature-JIRA-1-x');
    expect(sanitizeTag('.hidden')).toBe('hidden');
  });

  it('works without an event file (a local run)', () => {
    const facts = factsFromEnvironment({ GITHUB_REF: 'refs/heads/main', GITHUB_SHA: SHA }, now);
    expect(facts).toMatchObject({ ref: 'refs/heads/main', sha: SHA, pullRequest: undefined });
  });
});
