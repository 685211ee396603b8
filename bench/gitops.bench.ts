import { releaseInputs, startConfig } from '../test/gitops/fixture.js';
import { median, startFigures, tally, timedStep, type Figure } from './lib.js';

/**
 * gitops: bundle size and cold start against a bare `node -e ''`; for a release at the default interval (5 s),
 * the time from the push to the local Argo CD turning Healthy, the time from then to the step reporting it, and
 * the Git and Argo CD HTTP requests of one release.
 */

interface Release {
  pushToHealthy: number;
  reportedAfter: number;
  git: string[];
  argo: string[];
}

async function release(image: string): Promise<Release> {
  const config = await startConfig();
  let pushedAt = Number.NaN;
  config.git.beforeNextPush(() => (pushedAt = Date.now()));
  const { interval: _interval, ...inputs } = releaseInputs(config, image);
  const step = await timedStep('gitops', { inputs });
  const commit = step.outputs.commit ?? '';
  const healthyAt = config.argo.healthyAt.get(commit) ?? Number.NaN;
  if (step.exitCode !== 0 || step.outputs.health !== 'Healthy')
    throw new Error(`the bench release failed:\n${step.log}`);
  const result = {
    pushToHealthy: healthyAt - pushedAt,
    reportedAfter: step.endedAt - healthyAt,
    git: [...config.git.requests],
    argo: [...config.argo.requests],
  };
  await config.close();
  return result;
}

export default async function gitopsBench(): Promise<Figure[]> {
  const start = await startFigures('gitops');
  const runs: Release[] = [];
  for (const version of ['v2', 'v3', 'v4']) runs.push(await release(`registry.example/hello:${version}`));
  const last = runs.at(-1) as Release;
  const kind = (request: string) =>
    request
      .replace(/\?.*$/, '')
      .replace(/^(\w+) .*\/(info\/refs|git-upload-pack|git-receive-pack|sync)$/, '$1 $2')
      .replace(/^GET \/api\/v1\/applications\/[^/]+$/, 'GET application');
  return [
    ...start,
    {
      name: 'push to Healthy (local Argo CD, 100 ms reconcile), median of 3',
      value: median(runs.map((r) => r.pushToHealthy)),
      unit: 'ms',
    },
    {
      name: 'Healthy to the step reporting it (interval 5 s), median of 3',
      value: median(runs.map((r) => r.reportedAfter)),
      unit: 'ms',
    },
    { name: `Git HTTP requests per release (${tally(last.git, kind)})`, value: last.git.length, unit: 'requests' },
    { name: `Argo CD requests per release (${tally(last.argo, kind)})`, value: last.argo.length, unit: 'requests' },
  ];
}
