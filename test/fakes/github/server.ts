import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pullsApi, type FakePull, type PullsRepository } from './pulls.js';

/**
 * A stand-in for the GitHub REST API on 127.0.0.1, for issue and pull request comments, at the real paths:
 *   GET   /repos/{owner}/{repo}/issues/{number}/comments   (per_page, page; Link header for pagination)
 *   POST  /repos/{owner}/{repo}/issues/{number}/comments   {"body"}  -> 201
 *   GET   /repos/{owner}/{repo}/issues/comments/{id}
 *   PATCH /repos/{owner}/{repo}/issues/comments/{id}       {"body"}
 * and the deployments API (docs.github.com/rest/deployments):
 *   POST  /repos/{owner}/{repo}/deployments                   {"ref","environment",...}  -> 201
 *   GET   /repos/{owner}/{repo}/deployments                   (environment, sha, ref, task; newest first)
 *   GET   /repos/{owner}/{repo}/deployments/{id}
 *   POST  /repos/{owner}/{repo}/deployments/{id}/statuses     {"state","environment_url","log_url",...} -> 201
 *   GET   /repos/{owner}/{repo}/deployments/{id}/statuses     (newest first)
 * and pull requests with auto-merge over a real Git repository (pulls.ts), once a test attaches one.
 * Requests need `Authorization: token|Bearer <token>`; errors are GitHub's JSON: 401 Bad credentials,
 * 403 Resource not accessible by integration (read-only token), 404 Not Found, 422 Validation Failed.
 */

export interface FakeComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: { login: string; id: number; type: string };
  author_association: string;
  created_at: string;
  updated_at: string;
}

export interface FakeDeploymentStatus {
  id: number;
  state: string;
  description: string;
  environment: string;
  environment_url: string;
  log_url: string;
  target_url: string;
  deployment_url: string;
  creator: { login: string; type: string };
  created_at: string;
}

export interface FakeDeployment {
  id: number;
  node_id: string;
  url: string;
  statuses_url: string;
  repository_url: string;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  environment: string;
  original_environment: string;
  description: string | null;
  transient_environment: boolean;
  production_environment: boolean;
  creator: { login: string; type: string };
  created_at: string;
  updated_at: string;
  /** Not part of the API's deployment object (it is served by .../statuses), kept here for tests, newest last. */
  statuses: FakeDeploymentStatus[];
}

const deploymentStates = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
const deploymentDocs = 'https://docs.github.com/rest/deployments/deployments';
const statusDocs = 'https://docs.github.com/rest/deployments/statuses';

export interface GitHubServer {
  url: string;
  /** `METHOD /path?query` of every request, in order. */
  calls: string[];
  /** Comments by issue, `owner/repo#number`. */
  comments(issue: string): FakeComment[];
  /** Makes a pull request exist (comments on an unknown issue are 404, as on GitHub). */
  openPullRequest(repository: string, number: number): void;
  /** Deployments of a repository, `owner/repo`, oldest first, each with its statuses. */
  deployments(repository: string): FakeDeployment[];
  /** Serves pull requests for `owner/repo` over a real Git repository (see pulls.ts). */
  attachRepository(repository: string, repo: PullsRepository): void;
  /** Pull requests of `owner/repo`, oldest first. */
  pulls(repository: string): FakePull[];
  /** Adds a comment by someone else (to check the marker, not the author, finds ours). */
  addComment(issue: string, body: string, login?: string): FakeComment;
  close(): Promise<void>;
}

export interface GitHubOptions {
  /** Valid tokens and what they may do. */
  tokens: Record<string, 'write' | 'read'>;
}

const docs = 'https://docs.github.com/rest/issues/comments';

export async function startGitHub(options: GitHubOptions): Promise<GitHubServer> {
  const issues = new Map<string, FakeComment[]>();
  const deployments = new Map<string, FakeDeployment[]>();
  const calls: string[] = [];
  let nextId = 1_000_000;
  let base = '';

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res
      .writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-media-type': 'github.v3; format=json',
        'x-github-request-id': `FAKE:${calls.length}`,
        ...headers,
      })
      .end(status === 204 ? undefined : JSON.stringify(body));
  }
  const error = (res: ServerResponse, status: number, message: string, doc = docs) =>
    send(res, status, { message, documentation_url: doc, status: String(status) });

  function makeComment(issue: string, body: string, login: string): FakeComment {
    const [repository, number] = issue.split('#');
    const id = nextId++;
    const now = new Date().toISOString();
    return {
      id,
      node_id: `IC_fake${id}`,
      url: `${base}/repos/${repository}/issues/comments/${id}`,
      html_url: `https://github.com/${repository}/pull/${number}#issuecomment-${id}`,
      issue_url: `${base}/repos/${repository}/issues/${number}`,
      body,
      user: { login, id: 41898282, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
      author_association: 'NONE',
      created_at: now,
      updated_at: now,
    };
  }

  async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    try {
      return raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return undefined;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    calls.push(`${method} ${url.pathname}${url.search}`);
    const auth = /^(?:token|bearer) (\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const access = auth ? options.tokens[auth] : undefined;
    if (!access) return error(res, 401, 'Bad credentials', 'https://docs.github.com/rest');
    if (await pulls.handle(req, res, url, access)) return;

    const deploymentRoute = /^\/repos\/([^/]+\/[^/]+)\/deployments(?:\/(\d+)(\/statuses)?)?$/.exec(url.pathname);
    if (deploymentRoute) return handleDeployments(req, res, url, access, deploymentRoute);

    const list = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const single = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list) {
      const issue = `${list[1]}#${list[2]}`;
      const comments = issues.get(issue);
      if (!comments) return error(res, 404, 'Not Found', `${docs}#list-issue-comments`);
      if (method === 'GET') {
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30) || 30, 100);
        const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
        const last = Math.max(Math.ceil(comments.length / perPage), 1);
        const link = (p: number, rel: string) => {
          const target = new URL(url);
          target.searchParams.set('per_page', String(perPage));
          target.searchParams.set('page', String(p));
          return `<${target}>; rel="${rel}"`;
        };
        const links = [];
        if (page > 1) links.push(link(page - 1, 'prev'));
        if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
        if (page > 1) links.push(link(1, 'first'));
        const headers: Record<string, string> = links.length > 0 ? { link: links.join(', ') } : {};
        return send(res, 200, comments.slice((page - 1) * perPage, page * perPage), headers);
      }
      if (method === 'POST') {
        const body = await readBody(req);
        if (access !== 'write')
          return error(res, 403, 'Resource not accessible by integration', `${docs}#create-an-issue-comment`);
        if (typeof body?.body !== 'string') return error(res, 422, 'Invalid request.\n\n"body" wasn\'t supplied.');
        const comment = makeComment(issue, body.body, 'github-actions[bot]');
        comments.push(comment);
        return send(res, 201, comment, { location: comment.url });
      }
    }
    if (single) {
      const comment = [...issues.entries()]
        .filter(([issue]) => issue.startsWith(`${single[1]}#`))
        .flatMap(([, comments]) => comments)
        .find((c) => c.id === Number(single[2]));
      if (!comment) return error(res, 404, 'Not Found', `${docs}#update-an-issue-comment`);
      if (method === 'GET') return send(res, 200, comment);
      if (method === 'PATCH') {
        const body = await readBody(req);
        if (access !== 'write')
          return error(res, 403, 'Resource not accessible by integration', `${docs}#update-an-issue-comment`);
        if (typeof body?.body !== 'string') return error(res, 422, 'Invalid request.\n\n"body" wasn\'t supplied.');
        comment.body = body.body;
        comment.updated_at = new Date().toISOString();
        return send(res, 200, comment);
      }
    }
    return error(res, 404, 'Not Found', 'https://docs.github.com/rest');
  }

  /** A page of a newest-first list, with GitHub's Link header. */
  function page<T>(res: ServerResponse, url: URL, items: T[]) {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30) || 30, 100);
    const number = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const headers: Record<string, string> = {};
    if (number < last) {
      const next = new URL(url);
      next.searchParams.set('per_page', String(perPage));
      next.searchParams.set('page', String(number + 1));
      const lastUrl = new URL(next);
      lastUrl.searchParams.set('page', String(last));
      headers.link = `<${next}>; rel="next", <${lastUrl}>; rel="last"`;
    }
    return send(res, 200, items.slice((number - 1) * perPage, number * perPage), headers);
  }

  const withoutStatuses = ({ statuses: _statuses, ...deployment }: FakeDeployment) => deployment;

  async function handleDeployments(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    access: 'write' | 'read',
    [, repository = '', id, statuses]: RegExpExecArray,
  ) {
    const method = req.method ?? 'GET';
    const all = deployments.get(repository) ?? [];
    if (!id) {
      if (method === 'GET') {
        const filters = ['environment', 'sha', 'ref', 'task'] as const;
        const found = all.filter((d) =>
          filters.every((f) => !url.searchParams.has(f) || d[f] === url.searchParams.get(f)),
        );
        return page(res, url, [...found].reverse().map(withoutStatuses));
      }
      if (method === 'POST') {
        const body = await readBody(req);
        if (access !== 'write')
          return error(res, 403, 'Resource not accessible by integration', `${deploymentDocs}#create-a-deployment`);
        if (typeof body?.ref !== 'string' || body.ref === '')
          return error(
            res,
            422,
            'Invalid request.\n\n"ref" wasn\'t supplied.',
            `${deploymentDocs}#create-a-deployment`,
          );
        const now = new Date().toISOString();
        const deploymentId = nextId++;
        const environment = typeof body.environment === 'string' ? body.environment : 'production';
        const self = `${base}/repos/${repository}/deployments/${deploymentId}`;
        const deployment: FakeDeployment = {
          id: deploymentId,
          node_id: `DE_fake${deploymentId}`,
          url: self,
          statuses_url: `${self}/statuses`,
          repository_url: `${base}/repos/${repository}`,
          // A commit SHA names itself; a branch or tag would be resolved, which this stand-in does not model.
          sha: /^[0-9a-f]{40}$/.test(body.ref) ? body.ref : '0'.repeat(40),
          ref: body.ref,
          task: typeof body.task === 'string' ? body.task : 'deploy',
          payload: body.payload ?? {},
          environment,
          original_environment: environment,
          description: typeof body.description === 'string' ? body.description : null,
          transient_environment: body.transient_environment === true,
          production_environment:
            typeof body.production_environment === 'boolean'
              ? body.production_environment
              : environment === 'production',
          creator: { login: 'github-actions[bot]', type: 'Bot' },
          created_at: now,
          updated_at: now,
          statuses: [],
        };
        deployments.set(repository, [...all, deployment]);
        return send(res, 201, withoutStatuses(deployment), { location: self });
      }
    }
    const deployment = all.find((d) => d.id === Number(id));
    if (!deployment) return error(res, 404, 'Not Found', statuses ? statusDocs : deploymentDocs);
    if (!statuses) return method === 'GET' ? send(res, 200, withoutStatuses(deployment)) : error(res, 404, 'Not Found');
    if (method === 'GET') return page(res, url, [...deployment.statuses].reverse());
    if (method !== 'POST') return error(res, 404, 'Not Found');
    const body = await readBody(req);
    if (access !== 'write')
      return error(res, 403, 'Resource not accessible by integration', `${statusDocs}#create-a-deployment-status`);
    if (typeof body?.state !== 'string' || !deploymentStates.includes(body.state))
      return error(res, 422, 'Validation Failed', `${statusDocs}#create-a-deployment-status`);
    const status = addStatus(deployment, body.state, body);
    // auto_inactive (default true): a new success makes earlier successful deployments of the same
    // environment inactive, for non-transient, non-production environments only.
    if (body.state === 'success' && body.auto_inactive !== false)
      for (const other of all)
        if (
          other !== deployment &&
          other.environment === deployment.environment &&
          !other.transient_environment &&
          !other.production_environment &&
          other.statuses.at(-1)?.state === 'success'
        )
          addStatus(other, 'inactive', {});
    return send(res, 201, status, { location: `${deployment.statuses_url}/${status.id}` });
  }

  function addStatus(deployment: FakeDeployment, state: string, body: Record<string, unknown>): FakeDeploymentStatus {
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const previous = deployment.statuses.at(-1);
    const status: FakeDeploymentStatus = {
      id: nextId++,
      state,
      description: text('description'),
      environment: text('environment') || deployment.environment,
      // As on GitHub, a status without environment_url keeps the one the deployment had.
      environment_url: text('environment_url') || previous?.environment_url || '',
      log_url: text('log_url'),
      target_url: text('log_url'),
      deployment_url: deployment.url,
      creator: { login: 'github-actions[bot]', type: 'Bot' },
      created_at: new Date().toISOString(),
    };
    deployment.statuses.push(status);
    deployment.updated_at = status.created_at;
    return status;
  }

  const pulls = pullsApi(
    () => base,
    send,
    error,
    () => nextId++,
  );

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => error(res, 500, String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    calls,
    comments: (issue) => issues.get(issue) ?? [],
    deployments: (repository) => deployments.get(repository) ?? [],
    attachRepository: (repository, repo) => pulls.attach(repository, repo),
    pulls: (repository) => pulls.pulls(repository),
    openPullRequest: (repository, number) => {
      if (!issues.has(`${repository}#${number}`)) issues.set(`${repository}#${number}`, []);
    },
    addComment: (issue, body, login = 'octocat') => {
      const comment = makeComment(issue, body, login);
      const comments = issues.get(issue);
      if (!comments) throw new Error(`no pull request ${issue}: call openPullRequest first`);
      comments.push(comment);
      return comment;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
