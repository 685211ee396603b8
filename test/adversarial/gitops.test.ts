import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/gitops/main.js';
import { startGitHub } from '../fakes/github/server.js';
import { git as gitTool } from '../helpers/prereq.js';
import { runInProcess } from '../helpers/in-process.js';
import { ARGO_TOKEN, GIT_TOKEN, deployment, releaseInputs, startConfig, type Config } from '../gitops/fixture.js';
import { faultyGitHub } from '../preview/faults.js';
import { badInput, fault, leak } from './kinds.js';

/**
 * gitops, tried as an adversary would, against a real Git repository over HTTP (git http-backend), the local
 * Argo CD whose workloads run as processes, and the local GitHub for pull requests: names that would reach Git,
 * Argo CD or a shell; credentials in URLs, in Git's errors, in keys; a hung Argo CD, a 5xx from GitHub, a push
 * race that never ends, a sync that fails after the push.
 */

const available = gitTool().available;
const v2 = 'registry.example/hello:v2';

type Step = Awaited<ReturnType<typeof runInProcess>>;

describe.skipIf(!available)('gitops refuses what it must not send', () => {
  let config: Config;
  beforeAll(async () => {
    config = await startConfig();
  });
  afterAll(() => config.close());

  /** Refused naming the input, with no Git or Argo CD request at all. */
  async function refused(extra: Record<string, string>, input: string): Promise<void> {
    const [git, argo] = [config.git.requests.length, config.argo.requests.length];
    const step = await runInProcess(run, releaseInputs(config, v2, extra));
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toMatch(new RegExp(`^::error::Inputs? .*'${input}'`, 'm'));
    expect(config.git.requests.length - git).toBe(0);
    expect(config.argo.requests.length - argo).toBe(0);
    const commands = step.log
      .split('\n')
      .filter((line) => line.startsWith('::') && !/^::(add-mask|debug)::/.test(line));
    expect(commands).toHaveLength(1);
  }

  badInput('branch with a backquote and $(…)', () => refused({ branch: 'a`b$(x)' }, 'branch'));
  badInput("branch with '..' (git check-ref-format)", () => refused({ branch: 'main..x' }, 'branch'));
  badInput("branch starting with '-' (read as an option by git)", () => refused({ branch: '-f' }, 'branch'));
  badInput("branch ending in '.lock'", () => refused({ branch: 'release.lock' }, 'branch'));
  badInput('branch with a line break and ::error::', () => refused({ branch: 'main\n::error::owned' }, 'branch'));
  badInput('application with upper case and an underscore (not a Kubernetes name)', () =>
    refused({ application: 'Hello_App' }, 'application'),
  );
  badInput('application that climbs the API path (../)', () =>
    refused({ application: '../../settings' }, 'application'),
  );
  badInput('application longer than 253 characters', () =>
    refused({ application: `a${'.b'.repeat(130)}` }, 'application'),
  );
  badInput('files escaping the checkout with ..', () => refused({ files: '../../etc/passwd' }, 'files'));
  badInput('files with an absolute path', () => refused({ files: '/etc/passwd' }, 'files'));
  badInput("files inside Git's own .git folder", () => refused({ files: '.git/config' }, 'files'));
  badInput('promote-from escaping the checkout', () =>
    refused({ images: '', 'promote-from': 'apps/../../x.yaml', promote: 'web' }, 'promote-from'),
  );
  badInput('images target with a backquote', () => refused({ images: 'we`b=registry.example/hello:v2' }, 'images'));
  badInput('images value with a command substitution', () =>
    refused({ images: 'web=registry.example/hello:v2$(id)' }, 'images'),
  );
  badInput('argocd-server with an ftp: scheme', () =>
    refused({ 'argocd-server': 'ftp://argo.example.com' }, 'argocd-server'),
  );
  badInput('argocd-server with a quote and angle brackets', () =>
    refused({ 'argocd-server': 'https://argo.example.com/"><x>' }, 'argocd-server'),
  );
  badInput('repository URL with a query (a token there would be sent as is)', () =>
    refused({ repository: 'https://git.example.com/org/config.git?access_token=abc' }, 'repository'),
  );
  badInput('service with a space (goes into the commit and the branch name)', () =>
    refused({ service: 'hello world' }, 'service'),
  );
  badInput("commit-user-email with '>' (ends Git's identity field)", () =>
    refused({ 'commit-user-email': 'a>b@example.com' }, 'commit-user-email'),
  );
  badInput('commit-user-email that is not an address', () =>
    refused({ 'commit-user-email': 'nobody' }, 'commit-user-email'),
  );
  badInput('revert in a release, where it has no effect', () => refused({ revert: 'abc1234' }, 'revert'));
  badInput('images in a rollback, where they have no effect', () =>
    refused({ mode: 'rollback', revert: 'abc1234' }, 'files'),
  );
  badInput('request-timeout in words', () => refused({ 'request-timeout': 'forever' }, 'request-timeout'));
  badInput('push-attempts 0', () => refused({ 'push-attempts': '0' }, 'push-attempts'));
  badInput('ssh-key that is not a private key', () => refused({ 'ssh-key': 'ghp_notAKey' }, 'ssh-key'));
  badInput('timeout beyond six hours', () => refused({ timeout: '7h' }, 'timeout'));
  badInput('token with a line break that would print a workflow command', () =>
    refused({ token: `${GIT_TOKEN}\n::add-mask::x` }, 'token'),
  );

  it('refuses a file that is a symlink out of the checkout, after the clone and before any push', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const work = mkdtempSync(join(tmpdir(), 'link-'));
    const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };
    execFileSync('git', ['clone', '--quiet', config.git.bare, work], { env });
    execFileSync('ln', ['-s', '/etc/hostname', join(work, 'apps/hello/evil.yaml')]);
    const who = ['-c', 'user.name=x', '-c', 'user.email=x@example.com'];
    execFileSync('git', ['add', '.'], { cwd: work, env });
    execFileSync('git', [...who, 'commit', '--quiet', '-m', 'link'], { cwd: work, env });
    execFileSync('git', ['push', '--quiet', 'origin', 'HEAD:main'], { cwd: work, env });
    const head = config.git.head();
    const step = await runInProcess(run, releaseInputs(config, v2, { files: 'apps/hello/evil.yaml' }));
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain("Input 'files' has 'apps/hello/evil.yaml', which is a link to a file outside");
    expect(config.git.head()).toBe(head);
    expect(config.git.requests.some((r) => r.includes('git-receive-pack'))).toBe(false);
  });
});

/** Every form a secret can be printed in. */
const forms = (secret: string) => [
  secret,
  JSON.stringify(secret).slice(1, -1),
  encodeURIComponent(secret),
  Buffer.from(secret).toString('base64'),
];

function expectNowhere(step: Step, secret: string, published: string[] = []): void {
  const log = step.log.replace(/^::add-mask::.*$/gm, '');
  for (const form of forms(secret)) {
    expect(log, `log holds ${form}`).not.toContain(form);
    expect(step.summary, `summary holds ${form}`).not.toContain(form);
    expect(Object.values(step.outputs).join('\n'), `outputs hold ${form}`).not.toContain(form);
    for (const text of published) expect(text, `published text holds ${form}`).not.toContain(form);
  }
}

describe.skipIf(!available)('gitops lets no secret leave the runner', () => {
  let config: Config | undefined;
  afterEach(async () => {
    await config?.close();
    config = undefined;
  });

  const withCredentials = (url: string, user: string, password: string) =>
    url.replace('http://', `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@`);

  leak(
    'the token in the repository URL: used as the credential, absent from log, summary, outputs, commit',
    async () => {
      config = await startConfig();
      const repository = withCredentials(config.git.url, 'x-access-token', GIT_TOKEN);
      const step = await runInProcess(run, releaseInputs(config, v2, { repository, token: '' }));
      expect(step.failed).toBe(false);
      expect(config.git.read('apps/hello/hello.deployment.yaml')).toBe(deployment(v2));
      expectNowhere(step, GIT_TOKEN, [config.git.commitOf().message]);
      expect(step.summary).toContain(config.git.url.replace('http://', ''));
    },
  );

  leak("a refused token in the repository URL: git's error printed, the token in none of its forms", async () => {
    config = await startConfig();
    const wrong = 'ghs_wrong"Token\\With%Odd/Chars';
    const repository = withCredentials(config.git.url, 'x-access-token', wrong);
    const step = await runInProcess(run, releaseInputs(config, v2, { repository, token: '' }));
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain('Authentication failed');
    expectNowhere(step, wrong);
  });

  leak('the token input refused by Git: absent from the error, the summary and the outputs', async () => {
    config = await startConfig();
    const wrong = 'ghs_refusedInputToken777';
    const step = await runInProcess(run, releaseInputs(config, v2, { token: wrong }));
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expectNowhere(step, wrong);
    expectNowhere(step, `x-access-token:${wrong}`);
  });

  leak('a token as the URL user name (https://<token>@host): masked and used', async () => {
    config = await startConfig();
    const repository = config.git.url.replace('http://', `http://${GIT_TOKEN}@`);
    const step = await runInProcess(run, releaseInputs(config, v2, { repository, token: '' }));
    expect(step.failed).toBe(false);
    expectNowhere(step, GIT_TOKEN, [config.git.commitOf().message]);
  });

  leak('a deploy key whose server cannot be reached: no line of the key in the error or anywhere', async () => {
    config = await startConfig();
    const key = [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQy',
      'NTUxOQAAACBadversarialKeyLineThatMustNeverBePrinted0123456789abcdefAAAA',
      '-----END OPENSSH PRIVATE KEY-----',
    ].join('\n');
    const step = await runInProcess(
      run,
      releaseInputs(config, v2, { repository: 'ssh://git@127.0.0.1:1/org/config.git', 'ssh-key': key, token: '' }),
    );
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    for (const line of key.split('\n').slice(1, 3)) expectNowhere(step, line);
  });

  leak('the Argo CD token on a successful wait: sent as the bearer, printed nowhere', async () => {
    config = await startConfig();
    const step = await runInProcess(run, releaseInputs(config, v2));
    expect(step.outputs.health).toBe('Healthy');
    expectNowhere(step, ARGO_TOKEN, [config.git.commitOf().message]);
  });

  leak('a refused Argo CD token: the 401 is reported, the token is not', async () => {
    config = await startConfig();
    const wrong = 'argo.jwt.refused-"quoted"\\token';
    const step = await runInProcess(run, releaseInputs(config, v2, { 'argocd-token': wrong }));
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain('invalid session: token signature is invalid');
    expectNowhere(step, wrong);
  });

  leak('credentials in argocd-server: masked in the summary and the error', async () => {
    config = await startConfig();
    const password = 'argo-Basic-pw-55';
    const server = withCredentials('http://127.0.0.1:1', 'admin', password);
    const step = await runInProcess(run, releaseInputs(config, v2, { 'argocd-server': server }));
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain('did not answer');
    expectNowhere(step, password);
  });

  leak(
    'the token in the repository URL through pull-request delivery: the title, body and commit are clean',
    async () => {
      config = await startConfig();
      const github = await startGitHub({ tokens: { [GIT_TOKEN]: 'write' } });
      try {
        const git = config.git;
        github.attachRepository('org/config', { ref: git.ref, ahead: git.ahead, merge: git.merge });
        const repository = withCredentials(config.git.url, 'x-access-token', GIT_TOKEN);
        const step = await runInProcess(
          run,
          releaseInputs(config, v2, { repository, token: GIT_TOKEN, delivery: 'pull-request' }),
          { GITHUB_API_URL: github.url },
        );
        expect(step.failed).toBe(false);
        const [pull] = github.pulls('org/config');
        expect(pull?.title).toContain('Release hello');
        expectNowhere(step, GIT_TOKEN, [JSON.stringify(pull), git.commitOf(pull?.head.sha).message]);
      } finally {
        await github.close();
      }
    },
  );
});

describe.skipIf(!available)('gitops against failing Git, Argo CD and GitHub', () => {
  let config: Config | undefined;
  afterEach(async () => {
    await config?.close();
    config = undefined;
  });

  fault("a hung Argo CD is cut by the wait's timeout: pushed, NOT proven, reported as such", async () => {
    config = await startConfig();
    config.argo.stall((request) => request.startsWith('GET /api/v1/applications/hello'));
    const step = await runInProcess(run, releaseInputs(config, v2, { timeout: '2s' }));
    const head = config.git.head();
    expect(step.outputs['failure-reason']).toBe('timeout');
    expect(step.outputs.commit).toBe(head);
    expect(step.log).toContain("had not answered when the wait's time ran out");
    expect(step.summary).toContain(
      `main of the config repository now carries ${head.slice(0, 7)}, which is NOT proven`,
    );
    expect(step.summary).toContain(`Revert it with mode: rollback, revert: ${head}.`);
    expect(config.git.read('apps/hello/hello.deployment.yaml')).toBe(deployment(v2));
  });

  fault('one hung read of the Application is cut by request-timeout and asked again: Healthy', async () => {
    config = await startConfig();
    config.argo.stall((request) => request.startsWith('GET /api/v1/applications/hello'), 1);
    const step = await runInProcess(run, releaseInputs(config, v2, { 'request-timeout': '500ms' }));
    const head = config.git.head();
    expect(step.log).not.toContain('::error::');
    expect(step.log).toMatch(
      /hello: Argo CD get hello: .* had no answer in 0\.5 s \(request-timeout\)\. Asking again\./,
    );
    expect(step.outputs).toMatchObject({ commit: head, 'synced-revision': head, health: 'Healthy' });
  });

  fault(
    'a push race that never ends: refused after push-attempts, the branch has only the others’ commits',
    async () => {
      config = await startConfig();
      const git = config.git;
      const theirs: string[] = [];
      const race = () => {
        theirs.push(git.commit({ [`apps/other/${theirs.length}.yaml`]: 'kind: ConfigMap\n' }, 'Another team'));
        git.beforeNextPush(race);
      };
      git.beforeNextPush(race);
      const step = await runInProcess(run, releaseInputs(config, v2, { 'push-attempts': '2' }));
      expect(step.outputs['failure-reason']).toBe('cloud-error');
      expect(step.log).toContain('The push to main was rejected 2 times');
      expect(git.head()).toBe(theirs.at(-1));
      expect(git.read('apps/hello/hello.deployment.yaml')).toBe(deployment());
      expect(step.outputs.commit).toBeUndefined();
      expect(config.argo.requests).toEqual([]);
    },
  );

  fault(
    'a Git server that stalls on the push: cut by request-timeout, read back, the branch left as it was',
    async () => {
      config = await startConfig();
      const initial = config.git.head();
      config.git.stall((request) => request.endsWith('/git-receive-pack'), 1);
      const step = await runInProcess(run, releaseInputs(config, v2, { 'request-timeout': '1s' }));
      expect(step.outputs['failure-reason']).toBe('cloud-error');
      expect(step.log).toContain('Operation too slow');
      expect(step.log).toContain(`main is at ${initial.slice(0, 7)}, without this change`);
      expect(config.git.head()).toBe(initial);
      expect(step.outputs.commit).toBeUndefined();
      expect(config.argo.requests).toEqual([]);
    },
  );

  fault('an SSH server that accepts and never speaks: cut by request-timeout, reported, nothing pushed', async () => {
    config = await startConfig();
    const held: Socket[] = [];
    const silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----';
      const initial = config.git.head();
      const step = await runInProcess(
        run,
        releaseInputs(config, v2, {
          repository: `ssh://git@127.0.0.1:${port}/org/config.git`,
          'ssh-key': key,
          token: '',
          'request-timeout': '1s',
        }),
      );
      expect(step.outputs['failure-reason']).toBe('cloud-error');
      expect(step.log).toMatch(/git clone of ssh:\/\/git@127\.0\.0\.1:\d+\/org\/config\.git \(branch main\) failed/);
      expect(step.log).toMatch(/timed out|Connection timed out during banner exchange/i);
      expect(config.git.head()).toBe(initial);
      expect(config.argo.requests).toEqual([]);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });

  fault('a push whose answer is lost: read back, the branch has the commit, and the release goes on', async () => {
    config = await startConfig();
    config.git.stall((request) => request.endsWith('/git-receive-pack'), 1, { answerLost: true });
    const step = await runInProcess(run, releaseInputs(config, v2, { 'request-timeout': '1s' }));
    const head = config.git.head();
    expect(step.log).not.toContain('::error::');
    expect(step.log).toContain(`The push's answer was lost, but main is at ${head.slice(0, 7)}: the push landed.`);
    expect(config.git.read('apps/hello/hello.deployment.yaml')).toBe(deployment(v2));
    expect(step.outputs).toMatchObject({ commit: head, 'synced-revision': head, health: 'Healthy' });
  });

  fault('Argo CD fails the sync after the push: sync-failed, the commit on main reported NOT proven', async () => {
    config = await startConfig({ withMigration: true });
    const step = await runInProcess(run, {
      ...releaseInputs(config, 'registry.example/hello:bad-migration'),
      files: 'apps/hello/hello.deployment.yaml\napps/hello/migrate.job.yaml',
      images: 'web=registry.example/hello:bad-migration\nmigrate=registry.example/hello:bad-migration',
    });
    const head = config.git.head();
    expect(step.outputs['failure-reason']).toBe('sync-failed');
    expect(step.outputs.commit).toBe(head);
    expect(step.outputs['previous-image']).toBe('web=registry.example/hello:v1\nmigrate=registry.example/hello:v1');
    expect(step.summary).toContain(
      `main of the config repository now carries ${head.slice(0, 7)}, which is NOT proven: Argo CD: the sync of ${head.slice(0, 7)} failed`,
    );
    const app = config.argo.application('hello') as { status: { sync: { revision: string } } };
    expect(app.status.sync.revision).not.toBe(head);
  });

  fault('GitHub answers 502 to opening the pull request, then opens it: exactly one pull request', async () => {
    config = await startConfig();
    const github = await startGitHub({ tokens: { [GIT_TOKEN]: 'write' } });
    const faulty = await faultyGitHub(github.url);
    try {
      const git = config.git;
      github.attachRepository('org/config', { ref: git.ref, ahead: git.ahead, merge: git.merge });
      faulty.fail((call) => call === 'POST /repos/org/config/pulls', 502);
      const step = await runInProcess(run, releaseInputs(config, v2, { delivery: 'pull-request' }), {
        GITHUB_API_URL: faulty.url,
      });
      expect(step.failed).toBe(false);
      expect(faulty.calls.filter((c) => c === 'POST /repos/org/config/pulls')).toHaveLength(2);
      expect(github.pulls('org/config')).toHaveLength(1);
      expect(step.outputs['pull-request-url']).toBe('https://github.com/org/config/pull/1');
      expect(step.log).toContain('HTTP 502; trying again (2 of 3)');
    } finally {
      await faulty.close();
      await github.close();
    }
  });
});
