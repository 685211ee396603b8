import { afterEach } from 'vitest';
import { startArgoCd, type ArgoCdServer } from '../fakes/argocd/server.js';
import type { LocalImage } from '../fakes/argocd/workloads.js';
import { startGitServer, type GitServer } from '../fakes/git/server.js';

/**
 * A config repository (real Git over HTTP) and a local Argo CD that deploys its apps/hello path. The images are
 * local programs: a web server that answers /health (`migrate` as argument: a migration that succeeds), one that
 * crashes at start, and one whose migration fails.
 */

export const GIT_TOKEN = 'ghs_cfgRepoToken0123456789abcdef';
export const ARGO_TOKEN = 'argo.jwt.secret-4f3e2d1c0b';

const server = `
const [mode] = process.argv.slice(1);
const kind = process.env.IMAGE_KIND;
if (mode === 'migrate') process.exit(kind === 'bad-migration' ? 3 : 0);
if (kind === 'crash') { console.error('panic: config missing'); process.exit(1); }
require('node:http').createServer((q, s) => s.end(JSON.stringify({ version: process.env.VERSION }))).listen(Number(process.env.PORT), '127.0.0.1');
`;

export function localImage(image: string): LocalImage | undefined {
  const match = /^registry\.example\/hello:(v\d+|crash|bad-migration)$/.exec(image);
  if (!match?.[1]) return undefined;
  return { command: [process.execPath, '-e', server], env: { IMAGE_KIND: match[1], VERSION: match[1] } };
}

export const deployment = (image = 'registry.example/hello:v1') => `# The hello service: edited by the release pipeline.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
  labels: {app: hello}   # flow map kept as written
spec:
  replicas: 1
  progressDeadlineSeconds: 2 # fail fast in tests
  template:
    spec:
      containers:
        - name: web
          image: ${image}  # set by CI
          readinessProbe:
            httpGet: {path: /health, port: 8080}
            periodSeconds: 1
`;

export const migration = (image = 'registry.example/hello:v1', hook = true) => `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate${hook ? '\n  annotations:\n    argocd.argoproj.io/hook: PreSync' : ''}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: "${image}"
          args: [migrate]
`;

/**
 * Registers, in the calling file or describe block, an afterEach that closes every server handed to the
 * returned function during the test, the last started first.
 */
export function closeAfterEach(): <T extends { close(): Promise<void> }>(server: T) => T {
  const started: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const server of started.splice(0).reverse()) await server.close();
  });
  return (server) => {
    started.push(server);
    return server;
  };
}

export interface Config {
  git: GitServer;
  argo: ArgoCdServer;
  close(): Promise<void>;
}

export const kustomization = (tag = 'v1') => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - hello.deployment.yaml
images:
  - name: registry.example/hello # the release pipeline sets the tag
    newTag: ${tag}
`;

export async function startConfig(
  options: { automated?: boolean; withMigration?: boolean | 'plain-job'; kustomize?: boolean } = {},
): Promise<Config> {
  const files: Record<string, string> = {
    'apps/hello/hello.deployment.yaml': deployment(options.kustomize ? 'registry.example/hello' : undefined),
    'README.md': '# config\n',
  };
  if (options.kustomize) files['apps/hello/kustomization.yaml'] = kustomization();
  if (options.withMigration)
    files['apps/hello/migrate.job.yaml'] = migration(undefined, options.withMigration === true);
  const git = await startGitServer({ tokens: [GIT_TOKEN], files });
  const argo = await startArgoCd({
    tokens: [ARGO_TOKEN],
    repository: { bare: git.bare, url: git.url, branch: 'main' },
    applications: [{ name: 'hello', path: 'apps/hello', automated: options.automated ?? true }],
    images: localImage,
    reconcileMs: 100,
  });
  return {
    git,
    argo,
    close: async () => {
      await argo.close();
      await git.close();
    },
  };
}

/** The inputs of a release of `image` to the web container, waiting for Argo CD. */
export function releaseInputs(
  config: Config,
  image: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    repository: config.git.url,
    token: GIT_TOKEN,
    files: 'apps/hello/hello.deployment.yaml',
    images: `web=${image}`,
    service: 'hello',
    'argocd-server': config.argo.url,
    'argocd-token': ARGO_TOKEN,
    application: 'hello',
    interval: '100ms',
    timeout: '60s',
    ...extra,
  };
}
