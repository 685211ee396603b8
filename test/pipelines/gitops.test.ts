import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startArgoCd, type ArgoCdServer } from '../fakes/argocd/server.js';
import type { LocalImage } from '../fakes/argocd/workloads.js';
import { startGitServer, type GitServer } from '../fakes/git/server.js';
import { git as gitTool } from '../helpers/prereq.js';
import { examplesDir } from '../workflows/workflows.js';
import { built, exampleCall } from './examples.js';
import { play } from './play.js';

/**
 * Shape 4, examples/gitops played end to end: the release job of gitops-pipeline.yml with the example's staging
 * inputs, against a real Git repository over HTTP (git http-backend) holding the example's config-repository files
 * and a local Argo CD whose Deployments run as local processes. A Service-like proxy stands for the example's
 * public health URL. The config repository and Argo CD are the stand-ins' addresses instead of the example's.
 */

const SHA = '0123456789abcdef0123456789abcdef01234567';
const CONFIG_TOKEN = 'ghs_cfgExampleToken0123456789abcd';
const ARGOCD_TOKEN = 'argo.example.jwt-0a1b2c3d4e';
const staging = exampleCall('gitops', 'staging');
const FILE = String(staging.with.files);
const GOOD = `sha256:${'2'.repeat(64)}`;
const STALE = `sha256:${'3'.repeat(64)}`;

/** Each image a program serving its version: the example's 1.0.0, the build of this commit, and a stale build. */
function localImage(image: string): LocalImage | undefined {
  const version = image.endsWith(':1.0.0')
    ? '1.0.0'
    : image.endsWith(`@${GOOD}`)
      ? SHA
      : image.endsWith(`@${STALE}`)
        ? '0.9.0'
        : undefined;
  if (!version) return undefined;
  const program = `require('node:http').createServer((q, s) => s.end(JSON.stringify({ status: 'healthy', version: process.env.VERSION }))).listen(Number(process.env.PORT), '127.0.0.1');`;
  return { command: [process.execPath, '-e', program], env: { VERSION: version } };
}

let git: GitServer | undefined;
let argo: ArgoCdServer | undefined;
let ingress: Server | undefined;
afterEach(async () => {
  ingress?.close();
  await argo?.close();
  await git?.close();
  [git, argo, ingress] = [undefined, undefined, undefined];
});

/** The config repository with the example's files, Argo CD tracking staging, and the health URL in front. */
async function cluster(): Promise<string> {
  const read = (path: string) => readFileSync(join(examplesDir, 'gitops', 'config-repository', path), 'utf8');
  git = await startGitServer({ tokens: [CONFIG_TOKEN], files: { [FILE]: read(FILE) } });
  argo = await startArgoCd({
    tokens: [ARGOCD_TOKEN],
    repository: { bare: git.bare, url: git.url, branch: 'main' },
    applications: [{ name: String(staging.with.application), path: 'apps/hello/staging', automated: true }],
    images: localImage,
    reconcileMs: 100,
  });
  const app = String(staging.with.application);
  // As a Service and an Ingress route hello.staging.octo.example to a ready pod of the Deployment.
  ingress = createServer((req, res) => {
    const target = argo!.endpoint(app, 'hello');
    if (!target) return void res.writeHead(503).end('no ready pod');
    void fetch(`${target}${req.url ?? '/'}`).then(
      async (answer) => res.writeHead(answer.status).end(await answer.text()),
      () => res.writeHead(502).end(),
    );
  });
  await new Promise<void>((resolve) => ingress!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(ingress.address() as AddressInfo).port}/health`;
}

async function release(digest: string, healthUrl: string) {
  return play({
    workflow: staging.workflow,
    job: 'release',
    inputs: {
      ...staging.with,
      'config-repository': git!.url,
      'argocd-server': argo!.url,
      'health-url': healthUrl,
      'smoke-timeout-seconds': 5,
    },
    secrets: { CONFIG_TOKEN, ARGOCD_TOKEN },
    needs: { build: built(staging.with.image, digest) },
    env: {},
    extra: {
      gitops: { interval: '100ms', timeout: '60s' },
      'smoke-test': { interval: '0.1', 'consecutive-successes': '1' },
    },
  });
}

const image = () => /image: (\S+)/.exec(git!.read(FILE))?.[1];

describe.skipIf(!gitTool().available)('examples/gitops through gitops-pipeline.yml', () => {
  it('sets the digest in the staging Deployment, waits for Argo CD, and proves the version', async () => {
    const url = await cluster();
    const before = git!.head();
    const result = await release(GOOD, url);
    expect(result.status, result.log).toBe('success');
    expect(result.ran).toEqual(['release', 'smoke']);
    expect(image()).toBe(`ghcr.io/octo-org/hello@${GOOD}`);
    expect(result.step('release')!.outputs).toMatchObject({ 'synced-revision': git!.head(), health: 'Healthy' });
    expect(git!.log('%P')[0]).toBe(before);
    expect(result.step('smoke')!.outputs.passed).toBe('true');
    expect(result.outputs).toMatchObject({ commit: git!.head(), 'rolled-back': 'false' });
    const everything = [result.log.replace(/^::add-mask::.*$/gm, ''), result.summary].join('\n');
    for (const secret of [CONFIG_TOKEN, ARGOCD_TOKEN]) expect(everything).not.toContain(secret);
  });

  it('a release that is not proven (a stale build answers): its commit is reverted and Argo CD syncs back', async () => {
    const url = await cluster();
    const result = await release(STALE, url);
    expect(result.status).toBe('failure');
    expect(result.ran).toEqual(['release', 'smoke', 'revert', 'Fail the run after a revert']);
    expect(result.step('smoke')!.outputs.passed).toBe('false');
    expect(image()).toBe('ghcr.io/octo-org/hello:1.0.0');
    expect(git!.commitOf().message).toMatch(/^Roll back hello-service: revert "Release/);
    expect(result.step('revert')!.outputs.health).toBe('Healthy');
    const served = (await (await fetch(url)).json()) as { version: string };
    expect(served.version).toBe('1.0.0');
    expect(result.outputs['rolled-back']).toBe('true');
    expect(result.log).toMatch(/::error::The release was not proved healthy \(.+\); reverted by [0-9a-f]{40}\./);
  });
});
