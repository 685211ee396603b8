import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A real Git repository served over HTTP on 127.0.0.1 by Git's own `git http-backend`, run as a CGI program
 * (git-http-backend(1): "smart HTTP" for clone, fetch and push) behind a small Node HTTP server that plays the
 * web server's part: it checks HTTP basic auth as GitHub does for a token (any user name, the token as the
 * password; 401 with `WWW-Authenticate: Basic` otherwise, so Git reports "Authentication failed") and passes
 * the CGI variables git-http-backend reads (PATH_INFO, QUERY_STRING, REQUEST_METHOD, CONTENT_TYPE,
 * REMOTE_USER, GIT_PROTOCOL). Pushes are real, so a push that is not a fast-forward is refused by Git itself.
 */

export interface GitServer {
  /** The repository's URL, e.g. http://127.0.0.1:PORT/org/config.git. */
  url: string;
  /** The bare repository on disk. */
  bare: string;
  /** `METHOD /path?query` of every request, in order (auth challenges included). */
  requests: string[];
  /** Commits files directly on the branch (another team member, another pipeline); returns the new commit. */
  commit(files: Record<string, string>, message: string, branch?: string): string;
  /** A file's content at a revision (default: the branch tip). */
  read(path: string, revision?: string): string;
  /** The branch tip. */
  head(branch?: string): string;
  /** `git log --format=...` of the branch, newest first. */
  log(format?: string, branch?: string): string[];
  /** The full message and author (`Name <email>`) of a commit (default: the branch tip). */
  commitOf(revision?: string): { message: string; author: string; committer: string };
  /** The commit a branch points at, or undefined when there is no such branch. */
  ref(branch: string): string | undefined;
  /** Whether `head` has commits `base` does not. */
  ahead(head: string, base: string): boolean;
  /** Merges `head` into `base` as GitHub's merge button does (a merge commit, or one squashed commit). */
  merge(head: string, base: string, method: 'merge' | 'squash', message: string): string;
  /** Runs once before the next push is handed to git-receive-pack: e.g. someone else pushes first. */
  beforeNextPush(hook: () => void): void;
  /**
   * Holds the next `count` requests that `matches` (`METHOD /path?query`) without sending a byte until close: a
   * server or proxy that accepted the connection and stalls. Git (libcurl) gives up on such a transfer only by
   * its low-speed limit (git-config(1), http.lowSpeedLimit and http.lowSpeedTime; GIT_HTTP_LOW_SPEED_LIMIT/TIME).
   * With `answerLost`, the request is carried out (a push lands) and only its answer is held: a lost answer.
   */
  stall(matches: (request: string) => boolean, count?: number, options?: { answerLost?: boolean }): void;
  close(): Promise<void>;
}

export interface GitServerOptions {
  /** Passwords (tokens) that may read and push. */
  tokens: string[];
  /** Tokens that may only read: their pushes get 403, as a read-only token on GitHub. */
  readOnlyTokens?: string[];
  /** The files of the first commit. */
  files: Record<string, string>;
  branch?: string;
  /** The repository path in URLs. */
  name?: string;
}

const author = ['-c', 'user.name=Config Owner', '-c', 'user.email=owner@example.com'];

function git(args: string[], cwd: string, input?: string): string {
  return execFileSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' },
  }).trim();
}

/** Writes files into a scratch clone, commits and pushes them straight into the bare repository. */
function commitDirect(bare: string, branch: string, files: Record<string, string>, message: string): string {
  const work = mkdtempSync(join(tmpdir(), 'git-work-'));
  try {
    if (safeRevParse(bare, `refs/heads/${branch}`) === '') git(['init', '--quiet', '--initial-branch', branch], work);
    else git(['clone', '--quiet', '--branch', branch, bare, '.'], work);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
    git(['add', '--all'], work);
    git([...author, 'commit', '--quiet', '--message', message], work);
    git(['push', '--quiet', bare, `HEAD:refs/heads/${branch}`], work);
    return git(['rev-parse', 'HEAD'], work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function mergeDirect(bare: string, head: string, base: string, method: 'merge' | 'squash', message: string): string {
  const work = mkdtempSync(join(tmpdir(), 'git-merge-'));
  try {
    git(['clone', '--quiet', '--branch', base, bare, '.'], work);
    git(['fetch', '--quiet', 'origin', `refs/heads/${head}:refs/remotes/origin/${head}`], work);
    const who = ['-c', 'user.name=GitHub', '-c', 'user.email=noreply@github.com'];
    if (method === 'squash') {
      git(['merge', '--quiet', '--squash', `origin/${head}`], work);
      git([...who, 'commit', '--quiet', '--message', message], work);
    } else {
      git([...who, 'merge', '--quiet', '--no-ff', '--message', message, `origin/${head}`], work);
    }
    git(['push', '--quiet', bare, `HEAD:refs/heads/${base}`], work);
    return git(['rev-parse', 'HEAD'], work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function safeRevParse(bare: string, ref: string): string {
  try {
    return git(['rev-parse', '--verify', '--quiet', ref], bare);
  } catch {
    return '';
  }
}

export async function startGitServer(options: GitServerOptions): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), 'git-http-'));
  const name = options.name ?? 'org/config.git';
  const branch = options.branch ?? 'main';
  const bare = join(root, name);
  mkdirSync(bare, { recursive: true });
  git(['init', '--quiet', '--bare', '--initial-branch', branch], bare);
  // Pushes over HTTP are on for authenticated users by default; set it anyway, and refuse non-fast-forwards
  // as a protected branch does (GitHub refuses a force push to one).
  git(['config', 'http.receivepack', 'true'], bare);
  git(['config', 'receive.denyNonFastForwards', 'true'], bare);
  commitDirect(bare, branch, options.files, 'Initial config');

  const requests: string[] = [];
  const hooks: (() => void)[] = [];
  const stalls: { matches: (request: string) => boolean; count: number; answerLost?: boolean }[] = [];
  const held: ServerResponse[] = [];

  function authorize(req: IncomingMessage): 'write' | 'read' | undefined {
    const basic = /^Basic (\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!basic) return undefined;
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    if (options.tokens.includes(password)) return 'write';
    if (options.readOnlyTokens?.includes(password)) return 'read';
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const line = `${req.method} ${url.pathname}${url.search}`;
    requests.push(line);
    const stall = stalls.find((s) => s.count > 0 && s.matches(line));
    if (stall) stall.count--;
    if (stall && !stall.answerLost) {
      held.push(res);
      return;
    }
    const access = authorize(req);
    if (!access) {
      // GitHub answers an unauthenticated or bad-token request for a private repository with 401 and a challenge.
      res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
      return res.end('Invalid username or token. Password authentication is not supported for Git operations.\n');
    }
    const pushing =
      url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack');
    if (pushing && access !== 'write') {
      res.writeHead(403, { 'content-type': 'text/plain' });
      return res.end(`Permission to ${name.replace(/\.git$/, '')} denied to github-actions[bot].\n`);
    }
    if (req.method === 'POST' && url.pathname.endsWith('/git-receive-pack')) hooks.splice(0).forEach((hook) => hook());
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: String(req.headers['content-type'] ?? ''),
        REMOTE_USER: 'x-access-token',
        REMOTE_ADDR: '127.0.0.1',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise((resolve) => cgi.on('close', resolve));
    if (stall?.answerLost) held.push(res);
    else respondCgi(res, Buffer.concat(chunks));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}`;
  return {
    url,
    bare,
    requests,
    commit: (files, message, on = branch) => commitDirect(bare, on, files, message),
    read: (path, revision = branch) =>
      execFileSync('git', ['show', `${revision}:${path}`], { cwd: bare, encoding: 'utf8' }),
    head: (on = branch) => git(['rev-parse', `refs/heads/${on}`], bare),
    log: (format = '%H %s', on = branch) => git(['log', `--format=${format}`, on], bare).split('\n'),
    commitOf: (revision = branch) => ({
      message: git(['log', '-1', '--format=%B', revision], bare),
      author: git(['log', '-1', '--format=%an <%ae>', revision], bare),
      committer: git(['log', '-1', '--format=%cn <%ce>', revision], bare),
    }),
    ref: (name) => safeRevParse(bare, `refs/heads/${name}`) || undefined,
    ahead: (head, base) => git(['rev-list', '--count', `refs/heads/${base}..refs/heads/${head}`], bare) !== '0',
    merge: (head, base, method, message) => mergeDirect(bare, head, base, method, message),
    beforeNextPush: (hook) => hooks.push(hook),
    stall: (matches, count = Number.POSITIVE_INFINITY, options = {}) => stalls.push({ matches, count, ...options }),
    close: async () => {
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Turns a CGI response (headers, a blank line, the body) into the HTTP response; `Status:` sets the code. */
function respondCgi(res: ServerResponse, output: Buffer) {
  let split = output.indexOf('\r\n\r\n');
  let gap = 4;
  if (split < 0) {
    split = output.indexOf('\n\n');
    gap = 2;
  }
  const head = output.subarray(0, Math.max(split, 0)).toString('latin1');
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of head.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at < 0) continue;
    const key = line.slice(0, at).trim().toLowerCase();
    const value = line.slice(at + 1).trim();
    if (key === 'status') status = Number.parseInt(value, 10);
    else headers[key] = value;
  }
  res.writeHead(status, headers).end(split < 0 ? output : output.subarray(split + gap));
}
