import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/preview/main.js';
import { startGitHub, type GitHubServer } from '../fakes/github/server.js';
import { runInProcess } from '../helpers/in-process.js';
import { faultyGitHub, type FaultyGitHub } from '../preview/faults.js';
import { headSha, pullRequestEvent, repository } from '../preview/fixture.js';
import { badInput, fault, leak } from './kinds.js';

/**
 * preview, tried as an adversary would: inputs and event fields an attacker can shape (a branch name, an
 * expression's output), secrets that ride in on a URL or a description, and a GitHub API that fails or hangs.
 * Everything runs preview's run() against the local GitHub; the faults go through a proxy in front of it.
 */

const TOKEN = 'ghs_adversarialPreviewToken01';
let github: GitHubServer;
let faulty: FaultyGitHub;
let number = 500;

beforeAll(async () => {
  github = await startGitHub({ tokens: { [TOKEN]: 'write' } });
  faulty = await faultyGitHub(github.url);
});
afterAll(async () => {
  await faulty.close();
  await github.close();
});
beforeEach(() => {
  number++;
  github.openPullRequest(repository, number);
  github.calls.length = 0;
  faulty.calls.length = 0;
});

const environment = () => `pr-${number}`;
const deployments = () => github.deployments(repository).filter((d) => d.environment === environment());
const comments = () => github.comments(`${repository}#${number}`);

function preview(inputs: Record<string, string>, options: { event?: string; api?: string } = {}) {
  return runInProcess(
    run,
    { 'github-token': TOKEN, ...inputs },
    {
      GITHUB_API_URL: options.api ?? github.url,
      GITHUB_EVENT_PATH: options.event ?? pullRequestEvent(number),
      GITHUB_EVENT_NAME: 'pull_request',
    },
  );
}

type Step = Awaited<ReturnType<typeof preview>>;

/** Refused before any request to GitHub, naming the input, with failure-reason invalid-input. */
async function refusal(inputs: Record<string, string>, input: string): Promise<Step> {
  const step = await preview(inputs);
  expect(step.failed).toBe(true);
  expect(step.outputs['failure-reason']).toBe('invalid-input');
  expect(step.log).toContain(`Input '${input}'`);
  expect(github.calls).toEqual([]);
  // A value that carried a line break never prints as a line of its own (a workflow command): the only
  // commands are the masks, the debug stack and the one error, which names the input.
  const commands = step.log.split('\n').filter((line) => line.startsWith('::') && !/^::(add-mask|debug)::/.test(line));
  expect(commands).toHaveLength(1);
  expect(commands[0]).toMatch(new RegExp(`^::error::Input '${input}'`));
  return step;
}

async function refused(inputs: Record<string, string>, input: string): Promise<void> {
  await refusal(inputs, input);
}

describe('preview refuses what it must not send', () => {
  badInput('state missing: required, as action.yml says', () => refused({}, 'state'));
  badInput('state not one of the four', () => refused({ state: 'deployed' }, 'state'));
  badInput('environment with a space', () => refused({ state: 'in_progress', environment: 'pr 1' }, 'environment'));
  badInput('environment with a line break and a workflow command', async () => {
    const step = await refusal({ state: 'in_progress', environment: 'pr-1\n::error::owned' }, 'environment');
    expect(step.log).not.toMatch(/^::error::owned/m);
  });
  badInput('environment with a backquote and a command substitution', () =>
    refused({ state: 'in_progress', environment: 'a`b$(x)' }, 'environment'),
  );
  badInput('environment longer than 255 characters', () =>
    refused({ state: 'in_progress', environment: 'e'.repeat(256) }, 'environment'),
  );
  badInput('environment-url with the javascript: scheme', () =>
    refused({ state: 'success', 'environment-url': 'javascript:alert(1)' }, 'environment-url'),
  );
  badInput('environment-url that would close the Markdown link and add HTML', () =>
    refused({ state: 'success', 'environment-url': 'https://x.example.com/"><img src=x>' }, 'environment-url'),
  );
  badInput('environment-url with an ftp: scheme', () =>
    refused({ state: 'success', 'environment-url': 'ftp://pr.example.com' }, 'environment-url'),
  );
  badInput('environment-url that is not a URL', () =>
    refused({ state: 'success', 'environment-url': 'pr-1 preview' }, 'environment-url'),
  );
  badInput('environment-url with a line break', () =>
    refused({ state: 'success', 'environment-url': 'https://a.example.com\n::warning::x' }, 'environment-url'),
  );
  badInput('ref that is a branch name with a backquote and $(…)', () =>
    refused({ state: 'in_progress', ref: 'feature/a`b$(x)' }, 'ref'),
  );
  badInput("ref with '..' (git check-ref-format)", () => refused({ state: 'in_progress', ref: 'feature/x..y' }, 'ref'));
  badInput("ref starting with '-' (read as an option)", () => refused({ state: 'in_progress', ref: '-rf' }, 'ref'));
  badInput("ref component ending in '.lock'", () => refused({ state: 'in_progress', ref: 'refs/heads/x.lock' }, 'ref'));
  badInput('ref with a line break and ::error::', () =>
    refused({ state: 'in_progress', ref: 'main\n::error::x' }, 'ref'),
  );
  badInput('description longer than the 140 characters GitHub takes', () =>
    refused({ state: 'success', description: 'd'.repeat(141) }, 'description'),
  );
  badInput('description on inactive, where it has no effect', () =>
    refused({ state: 'inactive', description: 'bye' }, 'description'),
  );
  badInput('github-token empty', () => refused({ state: 'in_progress', 'github-token': '' }, 'github-token'));
  badInput('timeout in words', () => refused({ state: 'in_progress', timeout: '5 minutes' }, 'timeout'));
  badInput('request-timeout negative', () =>
    refused({ state: 'in_progress', 'request-timeout': '-1s' }, 'request-timeout'),
  );
  badInput('timeout below its one-second floor', () => refused({ state: 'in_progress', timeout: '10ms' }, 'timeout'));
});

describe("preview reads the pull request's event as untrusted", () => {
  it('refuses an event whose head SHA is not a commit SHA, before any request', async () => {
    const event = pullRequestEvent(number, { sha: 'main; rm -rf /' });
    const step = await preview({ state: 'in_progress' }, { event });
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain("The pull request's head SHA in the event is not a commit SHA");
    expect(github.calls).toEqual([]);
  });

  it('never prints a fork name that is not owner/name (a line break cannot start a workflow command)', async () => {
    const event = pullRequestEvent(number, { fork: true });
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(
      event,
      readFileSync(event, 'utf8').replace('outside-contributor/hello-service', 'x/y\\n::error::owned'),
    );
    const step = await preview({ state: 'in_progress' }, { event });
    expect(step.outputs.skipped).toBe('true');
    expect(step.log).not.toMatch(/^::error::owned/m);
    expect(step.log).toContain('comes from the fork (a fork)');
  });

  it('keeps a hostile branch name and title out of the comment, the log and every request: they are not read', async () => {
    const event = pullRequestEvent(number);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const payload = JSON.parse(readFileSync(event, 'utf8')) as { pull_request: Record<string, unknown> };
    payload.pull_request.title = 'Fix `$(curl evil)` \n::error::title';
    (payload.pull_request.head as { ref: string }).ref = 'a`b$(x)';
    writeFileSync(event, JSON.stringify(payload));
    const step = await preview({ state: 'in_progress' }, { event });
    expect(step.failed).toBe(false);
    const posted = JSON.stringify([comments(), deployments()]);
    for (const text of ['$(curl evil)', 'a`b$(x)', '::error::title']) {
      expect(posted).not.toContain(text);
      expect(step.log).not.toContain(text);
      expect(step.summary).not.toContain(text);
    }
  });
});

/** Every form a secret can be printed in. */
const forms = (secret: string) => [
  secret,
  JSON.stringify(secret).slice(1, -1),
  encodeURIComponent(secret),
  Buffer.from(secret).toString('base64'),
];

/** Nothing that left the runner holds the secret in any form: outputs, summary, log, GitHub's bodies. */
function expectNowhere(step: Step, secret: string): void {
  const log = step.log.replace(/^::add-mask::.*$/gm, '');
  const posted = JSON.stringify([comments(), deployments()]);
  for (const form of forms(secret)) {
    expect(log, `log holds ${form}`).not.toContain(form);
    expect(step.summary, `summary holds ${form}`).not.toContain(form);
    expect(Object.values(step.outputs).join('\n'), `outputs hold ${form}`).not.toContain(form);
    expect(posted, `GitHub got ${form}`).not.toContain(form);
  }
}

describe('preview lets no secret leave the runner', () => {
  leak('URL credentials in environment-url: statuses, comment, summary, outputs, log', async () => {
    const password = 'pr3view-Pa55';
    const step = await preview({ state: 'success', 'environment-url': `https://viewer:${password}@pr.example.com/` });
    expect(step.failed).toBe(false);
    expect(deployments()[0]!.statuses[0]!.environment_url).toBe('https://viewer:***@pr.example.com/');
    expect(comments()[0]!.body).toContain('https://viewer:***@pr.example.com/');
    expectNowhere(step, password);
  });

  leak('a URL-encoded password with " and \\ in environment-url, in each printed form', async () => {
    const password = 'q"u\\o@te:d/pw';
    const url = `https://viewer:${encodeURIComponent(password)}@pr.example.com/`;
    const step = await preview({ state: 'success', 'environment-url': url });
    expect(step.failed).toBe(false);
    expectNowhere(step, password);
  });

  leak('a password in an environment-url that is refused (a quote in it): the refusal shows ***', async () => {
    const password = 'refused"Pw-31';
    const step = await preview({ state: 'success', 'environment-url': `https://viewer:${password}@pr.example.com/` });
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain("Input 'environment-url' must be an http(s) URL");
    expect(github.calls).toEqual([]);
    expectNowhere(step, password);
    expectNowhere(step, encodeURIComponent(password));
  });

  leak('a token in environment-url query (?token=) and in description', async () => {
    const secret = 'qtok-7d1e2f3a4b5c';
    const step = await preview({
      state: 'success',
      'environment-url': `https://pr.example.com/?token=${secret}`,
      description: `Ready, token ${TOKEN}`,
    });
    expect(step.failed).toBe(false);
    expect(deployments()[0]!.statuses[0]).toMatchObject({
      environment_url: 'https://pr.example.com/?token=***',
      description: 'Ready, token ***',
    });
    expectNowhere(step, secret);
    expectNowhere(step, TOKEN);
  });

  leak('URL credentials on teardown: the struck-through URL in the comment and the url output', async () => {
    const password = 'teardown-Pw-99';
    const url = `https://viewer:${password}@pr.example.com/`;
    await preview({ state: 'success', 'environment-url': url });
    const step = await preview(
      { state: 'inactive', 'environment-url': url },
      { event: pullRequestEvent(number, { action: 'closed' }) },
    );
    expect(step.failed).toBe(false);
    expect(comments()[0]!.body).toContain('~~https://viewer:***@pr.example.com/~~');
    expectNowhere(step, password);
  });

  leak('the token in a failure: a refused write names the call, never the token', async () => {
    const readOnly = 'ghs_readOnlyAdversarial42';
    const server = await startGitHub({ tokens: { [readOnly]: 'read' } });
    try {
      server.openPullRequest(repository, number);
      const step = await preview({ state: 'in_progress', 'github-token': readOnly }, { api: server.url });
      expect(step.outputs['failure-reason']).toBe('cloud-error');
      expect(step.log).toContain('HTTP 403');
      expectNowhere(step, readOnly);
    } finally {
      await server.close();
    }
  });
});

describe('preview against a failing GitHub API', () => {
  fault('a 502 on creating the deployment, then success: one deployment, retried, reported', async () => {
    faulty.fail((call) => call === `POST /repos/${repository}/deployments`, 502);
    const step = await preview({ state: 'in_progress' }, { api: faulty.url });
    expect(step.failed).toBe(false);
    expect(faulty.calls.filter((c) => c === `POST /repos/${repository}/deployments`)).toHaveLength(2);
    expect(deployments()).toHaveLength(1);
    expect(deployments()[0]!.statuses.map((s) => s.state)).toEqual(['in_progress']);
    expect(step.log).toContain('HTTP 502; trying again (2 of 3)');
    expect(comments()).toHaveLength(1);
  });

  fault('a hung read of the comments is cut by request-timeout and asked again: one comment', async () => {
    faulty.hang((call) => call === `GET /repos/${repository}/issues/${number}/comments`);
    const step = await preview({ state: 'in_progress', 'request-timeout': '500ms' }, { api: faulty.url });
    expect(step.failed).toBe(false);
    expect(step.log).toContain('no answer in 500 ms; trying again (2 of 3)');
    expect(comments()).toHaveLength(1);
    expect(step.outputs['comment-url']).toBe(comments()[0]!.html_url);
  });

  fault(
    "a hung status write is cut by the step's timeout: failure-reason timeout, the deployment left without a status",
    async () => {
      faulty.hang((call) => /^POST \/repos\/.+\/deployments\/\d+\/statuses$/.test(call));
      const step = await preview({ state: 'in_progress', timeout: '1500ms' }, { api: faulty.url });
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('timeout');
      expect(step.log).toMatch(
        /setting deployment \d+ to in_progress: POST .* had no answer when the step's time ran out/,
      );
      expect(deployments()).toHaveLength(1);
      expect(deployments()[0]!.statuses).toEqual([]);
      expect(comments()).toEqual([]);
      expect(step.summary).toContain('| Failure reason | <code>timeout</code> |');
    },
  );

  fault('a comment write that keeps failing (503 three times): cloud-error, the status set, no comment', async () => {
    faulty.fail((call) => call === `POST /repos/${repository}/issues/${number}/comments`, 503, 3);
    const step = await preview({ state: 'success', 'environment-url': 'https://pr.example.com' }, { api: faulty.url });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain('(HTTP 503): Service Unavailable');
    expect(faulty.calls.filter((c) => c.startsWith('POST') && c.endsWith('/comments'))).toHaveLength(3);
    expect(deployments()[0]!.statuses.map((s) => [s.state, s.environment_url])).toEqual([
      ['success', 'https://pr.example.com'],
    ]);
    expect(comments()).toEqual([]);
    expect(step.outputs['deployment-id']).toBe(String(deployments()[0]!.id));
    expect(deployments()[0]!.sha).toBe(headSha);
  });
});
