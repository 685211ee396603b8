import type { StepResult } from '../../test/helpers/runner.js';
import { ARGO_TOKEN, GIT_TOKEN, localImage } from '../../test/gitops/fixture.js';
import { startArgoCd } from '../../test/fakes/argocd/server.js';
import { startGitServer } from '../../test/fakes/git/server.js';
import { bold, dim } from './markdown.js';
import type { Pipeline } from './pipeline.js';

/**
 * The GitOps chapter of `npm run demo`: a config repository (real Git served by git http-backend) and a local
 * Argo CD whose workloads run as local processes. Wired as gitops-pipeline.yml wires the stages:
 * gitops (set the image, push, wait for Argo CD) -> smoke-test -> gitops mode rollback when not proven.
 *   v2     a good release: pushed, synced, Healthy, and the smoke test sees v2;
 *   crash  a broken image: Argo CD reports the Deployment Degraded, the release commit is reverted, v2 again.
 * Returns why the story did not happen, or undefined when it ended on v2.
 */

const APP = 'hello';
const FILE = 'apps/hello/hello.deployment.yaml';

const manifest = (image: string) => `# hello: its image is set by the release pipeline (gitops action)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 1
  progressDeadlineSeconds: 3 # a rollout whose pods never get ready is Degraded after 3 s
  template:
    spec:
      containers:
        - name: web
          image: ${image}
          readinessProbe:
            httpGet: {path: /health, port: 8080}
            periodSeconds: 1
`;

export async function gitopsChapter(
  pipeline: Pipeline,
  closers: (() => Promise<unknown>)[],
): Promise<string | undefined> {
  console.log(bold('GitOps: release through a config repository and Argo CD\n'));
  const git = await startGitServer({ tokens: [GIT_TOKEN], files: { [FILE]: manifest('registry.example/hello:v1') } });
  closers.push(() => git.close());
  const argo = await startArgoCd({
    tokens: [ARGO_TOKEN],
    repository: { bare: git.bare, url: git.url, branch: 'main' },
    applications: [{ name: APP, path: 'apps/hello', automated: true }],
    images: localImage,
    reconcileMs: 300,
  });
  closers.push(() => argo.close());
  console.log(dim(`  config repository ${git.url} (git http-backend), Argo CD ${argo.url}, Application ${APP}\n`));

  const release = (image: string) => ({
    repository: git.url,
    token: GIT_TOKEN,
    files: FILE,
    images: `web=${image}`,
    service: APP,
    'argocd-server': argo.url,
    'argocd-token': ARGO_TOKEN,
    application: APP,
    interval: '0.3',
    timeout: '60s',
  });
  const smoke = (version: string) => ({
    url: `${argo.endpoint(APP, 'hello') ?? 'http://127.0.0.1:9'}/health`,
    'expect-json': `version=${version}`,
    timeout: '5',
    interval: '0.3',
    'consecutive-successes': '2',
    'fail-on-error': 'false',
  });
  const passed = (step: StepResult) => step.exitCode === 0 && step.outputs.passed === 'true';

  const deliver = (tag: string) =>
    pipeline.stage(
      tag,
      'gitops',
      `set web to ${tag}, push, wait for Argo CD`,
      release(`registry.example/hello:${tag}`),
      {},
    );

  console.log(bold('release v2: a good image, synced and proven'));
  const good = await deliver('v2');
  if (!good.passed) return 'the v2 release did not become Synced and Healthy';
  const proved = await pipeline.stage('v2', 'smoke-test', 'the service answers v2', smoke('v2'), {}, passed);
  if (!proved.passed) return 'v2 did not answer its version';

  console.log(bold('release crash: the image exits at start; Argo CD reports Degraded, the commit is reverted'));
  const broken = await deliver('crash');
  if (broken.passed || broken.outputs['failure-reason'] !== 'degraded')
    return 'the broken release was not detected Degraded';
  const revert = {
    ...release('registry.example/hello:v2'),
    mode: 'rollback',
    revert: broken.outputs.commit ?? '',
    files: '',
    images: '',
  };
  const back = await pipeline.stage(
    'crash',
    'gitops',
    `revert ${broken.outputs.commit?.slice(0, 7)}, wait for Argo CD`,
    revert,
    {},
  );
  if (!back.passed) return 'the revert did not bring the Application back to Healthy';
  const restored = await pipeline.stage('crash', 'smoke-test', 'the service answers v2 again', smoke('v2'), {}, passed);
  if (!restored.passed) return 'the service does not answer v2 after the revert';
  console.log(
    dim(
      `  config repository history:\n${git
        .log('%h %s')
        .map((line) => `    ${line}`)
        .join('\n')}\n`,
    ),
  );
  return undefined;
}
