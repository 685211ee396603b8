import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloudError, failureReason } from '../../src/lib/errors.js';
import {
  findStickyComment,
  gitHubClient,
  pullRequestFromEvent,
  upsertStickyComment,
  type PullRequest,
} from '../../src/lib/github.js';
import { mask } from '../../src/lib/secrets.js';
import { startGitHub, type GitHubServer } from '../fakes/github/server.js';
import { faultyGitHub } from '../preview/faults.js';

let github: GitHubServer;
let number = 100;
let pr: PullRequest;

beforeAll(async () => {
  github = await startGitHub({ tokens: { ghs_write: 'write', ghs_read: 'read' } });
  process.env.GITHUB_API_URL = github.url;
});
afterAll(() => github.close());

beforeEach(() => {
  pr = { owner: 'octo-org', repo: 'hello-service', number: ++number };
  github.openPullRequest('octo-org/hello-service', pr.number);
  github.calls.length = 0;
});

const issue = () => `octo-org/hello-service#${pr.number}`;

describe('sticky pull request comments', () => {
  it('creates the comment once, then edits that same comment on later pushes', async () => {
    const client = await gitHubClient('ghs_write');
    github.addComment(issue(), 'LGTM, but see the plan');
    const first = await upsertStickyComment(client, pr, 'deploy-actions/terraform infra', 'Plan: 1 to add');
    expect(first.created).toBe(true);
    const second = await upsertStickyComment(client, pr, 'deploy-actions/terraform infra', 'Plan: 2 to add');
    expect(second).toMatchObject({ id: first.id, created: false });

    const comments = github.comments(issue());
    expect(comments).toHaveLength(2);
    expect(comments[0]!.body).toBe('LGTM, but see the plan');
    expect(comments[1]!.body).toBe('<!-- deploy-actions/terraform infra -->\nPlan: 2 to add');
    expect(github.calls.filter((call) => call.startsWith('POST'))).toHaveLength(1);
    expect(github.calls.filter((call) => call.startsWith('PATCH'))).toEqual([
      `PATCH /repos/octo-org/hello-service/issues/comments/${first.id}`,
    ]);
  });

  it('posts every masked value as ***, in each printed form: a comment leaves the runner unmasked', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const password = 'db-pa$$word "42"';
    mask(password);
    vi.restoreAllMocks();
    const client = await gitHubClient('ghs_write');
    const plan = `+ password = "${JSON.stringify(password).slice(1, -1)}"\n+ url = postgres://app:${encodeURIComponent(password)}@db`;
    const comment = await upsertStickyComment(client, pr, 'deploy-actions/terraform db', plan);
    const [posted] = github.comments(issue());
    expect(posted!.body).toBe(
      '<!-- deploy-actions/terraform db -->\n+ password = "***"\n+ url = postgres://app:***@db',
    );
    expect(comment.body).toBe(posted!.body);
  });

  it('keeps one comment per marker, so two Terraform roots each get their own', async () => {
    const client = await gitHubClient('ghs_write');
    await upsertStickyComment(client, pr, 'deploy-actions/terraform network', 'network plan');
    await upsertStickyComment(client, pr, 'deploy-actions/terraform service', 'service plan');
    await upsertStickyComment(client, pr, 'deploy-actions/terraform network', 'network plan 2');
    expect(github.comments(issue()).map((c) => c.body.split('\n')[1])).toEqual(['network plan 2', 'service plan']);
  });

  it('finds its comment on a later page of a long discussion, following the Link header', async () => {
    const client = await gitHubClient('ghs_write');
    for (let i = 0; i < 130; i++) github.addComment(issue(), `comment ${i}`);
    const created = await upsertStickyComment(client, pr, 'm', 'first');
    github.calls.length = 0;
    const found = await findStickyComment(client, pr, 'm');
    expect(found?.id).toBe(created.id);
    expect(github.calls).toEqual([
      `GET /repos/octo-org/hello-service/issues/${pr.number}/comments?per_page=100`,
      `GET /repos/octo-org/hello-service/issues/${pr.number}/comments?per_page=100&page=2`,
    ]);
  });

  it('lets a caller trust only comments a bot wrote, since anyone can paste the marker', async () => {
    const client = await gitHubClient('ghs_write');
    github.addComment(issue(), '<!-- m -->\nforged by a person', 'mallory');
    expect((await findStickyComment(client, pr, 'm'))?.author).toEqual({ login: 'mallory', type: 'User' });
    expect(await findStickyComment(client, pr, 'm', (c) => c.author.type === 'Bot')).toBeUndefined();

    const ours = await upsertStickyComment(client, pr, 'm', 'ours');
    expect(ours.created).toBe(false); // the only marker comment so far is edited, not duplicated
    github.addComment(issue(), '<!-- m -->\nthe bot, later', 'github-actions[bot]');
    const trusted = await findStickyComment(client, pr, 'm', (c) => c.author.type === 'Bot');
    expect(trusted?.body).toBe('<!-- m -->\nthe bot, later');
    // A marker quoted inside someone's text is not the sticky comment.
    github.addComment(issue(), 'see <!-- x --> above', 'octocat');
    expect(await findStickyComment(client, pr, 'x')).toBeUndefined();
  });

  it('reports a bad token, a read-only token and an unknown pull request with what to do', async () => {
    const bad = await upsertStickyComment(await gitHubClient('ghs_nope'), pr, 'm', 'x').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(CloudError);
    expect(bad).toMatchObject({ code: 'HTTP_401' });
    expect((bad as CloudError).message).toContain('Bad credentials');
    expect(failureReason(bad)).toBe('cloud-error');

    const readOnly = await upsertStickyComment(await gitHubClient('ghs_read'), pr, 'm', 'x').catch((e: unknown) => e);
    expect(readOnly).toMatchObject({ code: 'HTTP_403' });
    expect((readOnly as CloudError).hint).toContain('pull-requests: write');

    const missing = await upsertStickyComment(
      await gitHubClient('ghs_write'),
      { ...pr, number: 999_999 },
      'm',
      'x',
    ).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'HTTP_404' });
  });
});

describe('bounded GitHub requests', () => {
  it('does not send a create again when its answer was lost (a timeout), and says so; a 5xx it sends again', async () => {
    const faulty = await faultyGitHub(github.url);
    const saved = process.env.GITHUB_API_URL;
    process.env.GITHUB_API_URL = faulty.url;
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const client = await gitHubClient('ghs_write', { requestTimeoutMs: 300, backoffMs: 10 });
      faulty.hang((call) => call.startsWith('POST'));
      const lost = await upsertStickyComment(client, pr, 'm', 'x').catch((e: unknown) => e);
      expect(lost).toMatchObject({ name: 'TimeoutError' });
      expect(failureReason(lost)).toBe('timeout');
      expect((lost as Error).message).toMatch(/creating the comment on .* had no answer in 0\.3 s \(request-timeout\)/);
      expect(faulty.calls.filter((call) => call.startsWith('POST'))).toHaveLength(1);

      faulty.fail((call) => call.startsWith('POST'), 500, 2);
      const posted = await upsertStickyComment(client, pr, 'm', 'y');
      expect(posted.created).toBe(true);
      expect(faulty.calls.filter((call) => call.startsWith('POST'))).toHaveLength(4);
      expect(github.comments(issue())).toHaveLength(1);
    } finally {
      vi.restoreAllMocks();
      process.env.GITHUB_API_URL = saved;
      await faulty.close();
    }
  });
});

describe('the pull request of the run', () => {
  function withEvent(event: unknown) {
    const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json');
    writeFileSync(path, JSON.stringify(event));
    process.env.GITHUB_EVENT_PATH = path;
    process.env.GITHUB_REPOSITORY = 'octo-org/hello-service';
  }

  it('comes from pull_request events and from comments on a pull request, not from pushes', () => {
    withEvent({ action: 'synchronize', number: 7, pull_request: { number: 7 } });
    expect(pullRequestFromEvent()).toEqual({ owner: 'octo-org', repo: 'hello-service', number: 7 });
    withEvent({ action: 'created', issue: { number: 8, pull_request: { url: 'x' } }, comment: { body: 'apply' } });
    expect(pullRequestFromEvent()?.number).toBe(8);
    withEvent({ action: 'created', issue: { number: 9 }, comment: { body: 'an issue, not a PR' } });
    expect(pullRequestFromEvent()).toBeUndefined();
    withEvent({ ref: 'refs/heads/main', head_commit: {} });
    expect(pullRequestFromEvent()).toBeUndefined();
  });
});
