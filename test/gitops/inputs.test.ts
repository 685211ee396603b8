import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readInputs } from '../../src/gitops/inputs.js';
import { restoreAfterEach, withInputs } from '../helpers/inputs.js';

// readInputs() prints ::add-mask:: commands; the tests that read them spy on stdout themselves.
let printed = '';
beforeEach(() => {
  printed = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed += String(chunk);
    return true;
  });
});
restoreAfterEach();

const inputsOf = (inputs: Record<string, string>) => withInputs(inputs, readInputs);

const release = {
  repository: 'octo-org/k8s-config',
  files: 'apps/hello/hello.deployment.yaml',
  images: 'web=registry.example/hello:v2',
};

describe('gitops inputs', () => {
  it('reads owner/name as a repository on this GitHub, and fills the defaults', () => {
    vi.stubEnv('GITHUB_SERVER_URL', 'https://github.example.com');
    const inputs = inputsOf(release);
    expect(inputs).toMatchObject({
      mode: 'release',
      repository: 'https://github.example.com/octo-org/k8s-config.git',
      branch: 'main',
      delivery: 'push',
      pushAttempts: 5,
      identity: { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' },
    });
    expect(inputs.images).toEqual(new Map([['web', 'registry.example/hello:v2']]));
    expect(inputs.argo).toBeUndefined();
  });

  it('with a deploy key, reaches owner/name over SSH on this GitHub', () => {
    vi.stubEnv('GITHUB_SERVER_URL', 'https://github.example.com');
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----';
    const inputs = inputsOf({ ...release, 'ssh-key': key });
    expect(inputs.repository).toBe('git@github.example.com:octo-org/k8s-config.git');
    expect(printed).toContain('::add-mask::b3BlbnNzaC1rZXktdjEAAAAABG5vbmU=');
  });

  it('masks the tokens and the password of a repository URL the moment they are read', () => {
    inputsOf({
      ...release,
      repository: 'https://bot:s3cret-pass@git.example.com/config.git',
      token: 'ghs_abc123',
      'argocd-server': 'argocd.example.com',
      'argocd-token': 'argo-tok-9',
      application: 'hello',
    });
    for (const secret of ['s3cret-pass', 'ghs_abc123', 'argo-tok-9'])
      expect(printed).toContain(`::add-mask::${secret}`);
  });

  it('takes credentials out of the repository URL and gives them to Git as the token is given', () => {
    const inputs = inputsOf({
      ...release,
      repository: 'https://x-access-token:ghs_in%2Furl@git.example.com/org/config.git',
      token: 'ghs_default',
    });
    expect(inputs).toMatchObject({
      repository: 'https://git.example.com/org/config.git',
      token: 'ghs_in/url',
      username: 'x-access-token',
    });
    expect(printed).toContain('::add-mask::ghs_in%252Furl'); // % is escaped as %25 in a workflow command
    expect(printed).toContain('::add-mask::ghs_in/url');
    const bare = inputsOf({ ...release, repository: 'https://ghs_asUser@git.example.com/org/config.git' });
    expect(bare).toMatchObject({ repository: 'https://git.example.com/org/config.git', token: 'ghs_asUser' });
  });

  it('warns about inputs that have no effect, instead of dropping them silently', () => {
    inputsOf({ ...release, application: 'hello', sync: 'true', 'ssh-known-hosts': 'github.com ssh-ed25519 AAAA' });
    expect(printed).toContain(
      "::warning::'application', 'sync' have no effect without 'argocd-server': Argo CD is not waited for.",
    );
    expect(printed).toContain("::warning::Input 'ssh-known-hosts' has no effect without 'ssh-key'");
  });

  it.each([
    [{ repository: 'ftp:/x' }, "Input 'repository' must be an https:// URL or owner/name, got a ftp: URL."],
    [{ repository: 'not a url' }, "Input 'repository' is 'not a url', neither owner/name nor a URL."],
    [{ 'ssh-key': 'hunter2' }, "Input 'ssh-key' is not a private key (-----BEGIN OPENSSH PRIVATE KEY-----...)."],
    [{ images: 'web=Registry/Hello:v2' }, "Input 'images' is not a valid image reference: 'Registry/Hello:v2'."],
    [
      { files: '../secrets.yaml' },
      "Input 'files' has \"../secrets.yaml\": give paths relative to the config repository's root, without '..'.",
    ],
    [
      { images: '' },
      "A release needs 'files' (the files to edit) and 'images' (name=image lines), or 'promote-from' with 'promote'.",
    ],
    [{ mode: 'revert' }, "Input 'mode' must be one of release, rollback, got 'revert'."],
    [
      { mode: 'rollback', files: '', images: '' },
      "Input 'revert' must be the commit SHA of the release to revert (the 'commit' output of that release), got ''.",
    ],
    [
      { repository: 'git@github.com:o/r.git' },
      "Input 'repository' is an SSH URL ('git@github.com:o/r.git'), but no 'ssh-key' is given.",
    ],
    [
      { 'argocd-server': 'https://argocd.example.com' },
      "Input 'argocd-token' is required: an Argo CD API token, when argocd-server is set.",
    ],
    [{ 'auto-merge': 'true' }, "Input 'auto-merge' needs 'delivery: pull-request'."],
    [
      { 'promote-from': 'apps/staging/hello.yaml' },
      "Inputs 'promote-from' and 'promote' go together: the file to copy from and the targets to copy.",
    ],
    [{ 'promote-from': 'a.yaml', promote: 'web' }, "Give either 'images' or 'promote-from' with 'promote', not both."],
    [
      { 'argocd-server': 'a', 'argocd-token': 't', application: 'x', timeout: '5 minutes' },
      "Input 'timeout' must be a duration",
    ],
  ])('refuses %o', (wrong, message) => {
    expect(() => inputsOf({ ...release, ...wrong })).toThrow(message);
  });
});
