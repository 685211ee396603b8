import type { Finished } from '../lib/action.js';
import { formatDuration } from '../lib/duration.js';
import { code, type StageSummary } from '../lib/summary.js';
import type { Builder } from './build.js';
import { deployableImage, type BuildPushReport } from './report.js';

function bytes(size: number | undefined): string | undefined {
  if (size === undefined) return undefined;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}

const builderFact = (builder: Builder) =>
  `${builder.kind === 'buildx' ? 'docker buildx build' : 'docker build'}: ${builder.reason}`;

/** The job summary: what was built and pushed; on failure, what was known when it failed. Pure. */
export function summary({ report, durationMs }: Finished<BuildPushReport>): Omit<StageSummary, 'stage'> {
  const { inputs, plan, builder, result } = report;
  const facts: StageSummary['facts'] = [
    ['Registry', inputs && `${inputs.registry} (${inputs.registryType})`],
    ['Tags', plan?.tags.map(({ tag, rule }) => `${code(tag)} ${rule}`).join('<br>')],
  ];
  if (!inputs || !plan || !builder || !result) {
    return { outcome: 'failure', headline: '', facts: [...facts, ['Builder', builder && builderFact(builder)]] };
  }
  const action = inputs.skipBuild ? 'Tagged' : inputs.push ? 'Built and pushed' : 'Built (not pushed)';
  const image = deployableImage(inputs, plan, result);
  return {
    outcome: 'success',
    headline: `${action} ${code(image)} in ${formatDuration(durationMs)}.`,
    facts: [
      ...facts,
      ['Digest', result.digest ? code(result.digest) : undefined],
      ['Image ID', result.imageId ? code(result.imageId) : undefined],
      ['Size', bytes(result.size)],
      ['Builder', builderFact(builder)],
      ['Build time', inputs.skipBuild ? undefined : formatDuration(result.buildMs)],
      ['Push time', result.pushMs > 0 ? formatDuration(result.pushMs) : undefined],
      ['Cache', result.cache],
      ['Platforms', inputs.platforms.join(', ') || undefined],
    ],
  };
}
