import * as core from '@actions/core';
import { runLegacyStage } from '../lib/action.js';
import { logout } from '../lib/docker.js';
import { formatDuration } from '../lib/duration.js';
import { writeSummary } from '../lib/summary.js';
import { build, chooseBuilder, retag } from './build.js';
import { readInputs } from './inputs.js';
import { logIn, planLogin } from './registry.js';
import { describeResult, summarise } from './summary.js';
import { factsFromEnvironment, planTags } from './tags.js';

/**
 * build-push: log in to the registry, compute the tags, build (buildx when present, else docker build),
 * push, and report the immutable `image@digest` that every later stage should deploy.
 */
export async function run(): Promise<void> {
  await runLegacyStage(async () => {
    const started = performance.now();
    const inputs = readInputs();
    const plan = planTags(factsFromEnvironment(process.env), {
      rules: inputs.tagRules,
      version: inputs.version,
      explicit: inputs.tags,
      defaultBranch: inputs.defaultBranch,
      labels: inputs.labels,
    });
    core.info(`Tags: ${plan.tags.map(({ tag, rule }) => `${tag} (${rule})`).join(', ')}`);
    const login = planLogin(inputs.registry, inputs.registryType, inputs.credentials, {
      region: inputs.awsRegion,
      registryId: inputs.registryId,
      createRepository: inputs.createRepository,
    });
    const references = plan.tags.map(({ tag }) => `${inputs.image}:${tag}`);
    const builder = await chooseBuilder(inputs);
    core.info(
      `Builder: ${builder.kind === 'buildx' ? 'docker buildx build' : 'docker build + docker push'}, because ${builder.reason}.`,
    );

    const needsLogin = inputs.push || inputs.skipBuild || inputs.cacheFrom.length > 0;
    try {
      if (needsLogin)
        await core.group(`Log in to ${inputs.registry} (${login.type})`, () => logIn(login, inputs.repository));
      const result = await core.group(inputs.skipBuild ? 'Tag the existing image' : 'Build and push', () =>
        inputs.skipBuild
          ? retag(builder, inputs.sourceImage ?? '', references, inputs.push)
          : build(builder, { inputs, references, labels: plan.labels }),
      );
      const outputs = describeResult(inputs, plan, builder, result);
      for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
      const totalMs = performance.now() - started;
      writeSummary(summarise(inputs, plan, builder, result, outputs.image, totalMs));
      core.info(`${inputs.push ? 'Pushed' : 'Built'} ${outputs.image} in ${formatDuration(totalMs)}.`);
    } finally {
      if (needsLogin && inputs.logout && login.type !== 'none') await logout(inputs.registry);
    }
  });
}
