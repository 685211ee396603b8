import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Pull requests for the local GitHub, over a real Git repository (test/fakes/git) that a test attaches:
 *   POST /repos/{owner}/{repo}/pulls                {title, head, base, body} -> 201   (docs.github.com/rest/pulls/pulls#create-a-pull-request)
 *   GET  /repos/{owner}/{repo}/pulls                (state, head=owner:branch, base)  (#list-pull-requests)
 *   GET  /repos/{owner}/{repo}/pulls/{number}                                           (#get-a-pull-request)
 *   PUT  /repos/{owner}/{repo}/pulls/{number}/merge {merge_method, commit_title}        (#merge-a-pull-request)
 *   POST /graphql  mutation enablePullRequestAutoMerge(input: {pullRequestId, mergeMethod})
 *                  (docs.github.com/graphql/reference/mutations#enablepullrequestautomerge)
 * As on GitHub: 422 Validation Failed when the head branch does not exist, has no commits beyond the base, or
 * already has an open pull request; merging a closed one is 405; enabling auto-merge fails with a GraphQL
 * UNPROCESSABLE error when the repository does not allow it, or when the pull request has nothing left to wait
 * for ("Pull request is in clean status": the base branch requires no checks). With required checks the
 * pull request is merged when they complete, `checksMs` later.
 */

export interface PullsRepository {
  /** The commit a branch points at, or undefined. */
  ref(branch: string): string | undefined;
  /** Whether the branch has commits the base does not. */
  ahead(head: string, base: string): boolean;
  merge(head: string, base: string, method: 'merge' | 'squash', message: string): string;
  /** Settings > General > Allow auto-merge. */
  allowAutoMerge?: boolean;
  /** The base branch requires status checks, which pass this long after the pull request is opened. */
  requiredChecksMs?: number;
}

export interface FakePull {
  id: number;
  node_id: string;
  number: number;
  url: string;
  html_url: string;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  head: { ref: string; sha: string; label: string };
  base: { ref: string; sha: string; label: string };
  merged: boolean;
  merged_at: string | null;
  merge_commit_sha: string | null;
  auto_merge: { merge_method: string; enabled_by: { login: string } } | null;
  user: { login: string; type: string };
  created_at: string;
}

type Send = (res: ServerResponse, status: number, body: unknown) => void;
type Fail = (res: ServerResponse, status: number, message: string, doc?: string) => void;

const docs = 'https://docs.github.com/rest/pulls/pulls';

export function pullsApi(base: () => string, send: Send, fail: Fail, nextId: () => number) {
  const repositories = new Map<string, PullsRepository>();
  const pulls = new Map<string, FakePull[]>();
  const openedAt = new Map<FakePull, number>();

  function mergePull(repository: string, repo: PullsRepository, pull: FakePull, method: string, title?: string) {
    const message = `${title ?? pull.title} (#${pull.number})`;
    const sha = repo.merge(pull.head.ref, pull.base.ref, method === 'merge' ? 'merge' : 'squash', message);
    Object.assign(pull, { state: 'closed', merged: true, merged_at: new Date().toISOString(), merge_commit_sha: sha });
    void repository;
    return sha;
  }

  /** Auto-merge happens when the required checks complete, on GitHub's side, without a request. */
  function settle(repository: string) {
    const repo = repositories.get(repository);
    for (const pull of pulls.get(repository) ?? []) {
      const ready = Date.now() - (openedAt.get(pull) ?? 0) >= (repo?.requiredChecksMs ?? 0);
      if (repo && pull.state === 'open' && pull.auto_merge && ready)
        mergePull(repository, repo, pull, pull.auto_merge.merge_method);
    }
  }

  async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    try {
      return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return undefined;
    }
  }

  function create(res: ServerResponse, repository: string, repo: PullsRepository, body: Record<string, unknown>) {
    const [owner] = repository.split('/');
    const head = String(body.head ?? '').replace(`${owner}:`, '');
    const baseRef = String(body.base ?? '');
    const invalid = (field: string, code: string, message?: string) =>
      send(res, 422, {
        message: 'Validation Failed',
        errors: [{ resource: 'PullRequest', field, code, ...(message ? { message } : {}) }],
        documentation_url: `${docs}#create-a-pull-request`,
      });
    if (typeof body.title !== 'string' || body.title === '') return invalid('title', 'missing_field');
    const headSha = repo.ref(head);
    const baseSha = repo.ref(baseRef);
    if (!headSha) return invalid('head', 'invalid');
    if (!baseSha) return invalid('base', 'invalid');
    if (!repo.ahead(head, baseRef)) return invalid('', 'custom', `No commits between ${baseRef} and ${head}`);
    const list = pulls.get(repository) ?? [];
    if (list.some((p) => p.state === 'open' && p.head.ref === head)) {
      return invalid('', 'custom', `A pull request already exists for ${owner}:${head}.`);
    }
    const number = list.length + 1;
    const id = nextId();
    const pull: FakePull = {
      id,
      node_id: `PR_fake${id}`,
      number,
      url: `${base()}/repos/${repository}/pulls/${number}`,
      html_url: `https://github.com/${repository}/pull/${number}`,
      state: 'open',
      title: body.title,
      body: typeof body.body === 'string' ? body.body : null,
      head: { ref: head, sha: headSha, label: `${owner}:${head}` },
      base: { ref: baseRef, sha: baseSha, label: `${owner}:${baseRef}` },
      merged: false,
      merged_at: null,
      merge_commit_sha: null,
      auto_merge: null,
      user: { login: 'github-actions[bot]', type: 'Bot' },
      created_at: new Date().toISOString(),
    };
    pulls.set(repository, [...list, pull]);
    openedAt.set(pull, Date.now());
    return send(res, 201, pull);
  }

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    access: 'write' | 'read',
  ): Promise<boolean> {
    if (url.pathname === '/graphql' && req.method === 'POST') {
      await graphql(req, res, access);
      return true;
    }
    const route = /^\/repos\/([^/]+\/[^/]+)\/pulls(?:\/(\d+)(\/merge)?)?$/.exec(url.pathname);
    const repository = route?.[1] ?? '';
    const repo = repositories.get(repository);
    if (!route) return false;
    if (!repo) {
      fail(res, 404, 'Not Found', docs);
      return true;
    }
    settle(repository);
    const list = pulls.get(repository) ?? [];
    const write = req.method === 'POST' || req.method === 'PUT';
    const body = write ? await readJson(req) : {};
    if (write && access !== 'write') {
      fail(res, 403, 'Resource not accessible by integration', docs);
      return true;
    }
    if (body === undefined) {
      fail(res, 400, 'Problems parsing JSON');
      return true;
    }
    if (!route[2] && req.method === 'POST') create(res, repository, repo, body);
    else if (!route[2] && req.method === 'GET') {
      const state = url.searchParams.get('state') ?? 'open';
      const head = url.searchParams.get('head');
      send(
        res,
        200,
        list.filter((p) => (state === 'all' || p.state === state) && (!head || p.head.label === head)),
      );
    } else {
      const pull = list.find((p) => p.number === Number(route[2]));
      if (!pull) fail(res, 404, 'Not Found', docs);
      else if (!route[3] && req.method === 'GET') send(res, 200, pull);
      else if (route[3] && req.method === 'PUT') {
        if (pull.state !== 'open') fail(res, 405, 'Pull Request is not mergeable', `${docs}#merge-a-pull-request`);
        else {
          const sha = mergePull(
            repository,
            repo,
            pull,
            String(body.merge_method ?? 'merge'),
            body.commit_title as string | undefined,
          );
          send(res, 200, { sha, merged: true, message: 'Pull Request successfully merged' });
        }
      } else fail(res, 404, 'Not Found', docs);
    }
    return true;
  }

  async function graphql(req: IncomingMessage, res: ServerResponse, access: 'write' | 'read') {
    const body = (await readJson(req)) as
      { query?: string; variables?: { pullRequestId?: string; mergeMethod?: string } } | undefined;
    const error = (message: string, type = 'UNPROCESSABLE') =>
      send(res, 200, {
        data: { enablePullRequestAutoMerge: null },
        errors: [{ type, path: ['enablePullRequestAutoMerge'], locations: [{ line: 2, column: 3 }], message }],
      });
    if (!body?.query?.includes('enablePullRequestAutoMerge'))
      return send(res, 200, { errors: [{ message: 'This stand-in answers only enablePullRequestAutoMerge.' }] });
    if (access !== 'write') return error('Resource not accessible by integration', 'FORBIDDEN');
    for (const [repository, list] of pulls) {
      const pull = list.find((p) => p.node_id === body.variables?.pullRequestId);
      const repo = repositories.get(repository);
      if (!pull || !repo) continue;
      if (!repo.allowAutoMerge) return error('["Pull request Auto merge is not allowed for this repository"]');
      if (pull.state !== 'open') return error('["Pull request Pull request is closed"]');
      if (repo.requiredChecksMs === undefined) return error('["Pull request Pull request is in clean status"]');
      const method = (body.variables?.mergeMethod ?? 'MERGE').toLowerCase();
      pull.auto_merge = { merge_method: method, enabled_by: { login: 'github-actions[bot]' } };
      return send(res, 200, {
        data: {
          enablePullRequestAutoMerge: {
            pullRequest: { number: pull.number, autoMergeRequest: { mergeMethod: method.toUpperCase() } },
          },
        },
      });
    }
    return send(res, 200, {
      data: { enablePullRequestAutoMerge: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['enablePullRequestAutoMerge'],
          message: `Could not resolve to a node with the global id of '${body.variables?.pullRequestId}'`,
        },
      ],
    });
  }

  return {
    handle,
    attach: (repository: string, repo: PullsRepository) => repositories.set(repository, repo),
    pulls: (repository: string) => {
      settle(repository);
      return pulls.get(repository) ?? [];
    },
  };
}
