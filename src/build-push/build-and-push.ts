import * as core from '@actions/core';
import { hasDockerLogin, logout } from '../lib/docker.js';
import { formatDuration } from '../lib/duration.js';
import { build, chooseBuilder, retag } from './build.js';
import type { BuildPushInputs } from './inputs.js';
import { logIn, planLogin, type LoginPlan } from './registry.js';
import { deployableImage, references, type BuildPushReport } from './report.js';
import { factsFromEnvironment, planTags, type TagPlan } from './tags.js';

/** The stage's work once the inputs are valid: tags, logins, the build and push, and the logouts. `started`: Date.now(). */
export async function buildAndPush(report: BuildPushReport, inputs: BuildPushInputs, started: number): Promise<void> {
  const plan = (report.plan = tagPlan(inputs));
  core.info(`Tags: ${plan.tags.map(({ tag, rule }) => `${tag} (${rule})`).join(', ')}`);
  const logins = planLogins(inputs);
  const builder = (report.builder = await chooseBuilder(inputs));
  core.info(
    `Builder: ${builder.kind === 'buildx' ? 'docker buildx build' : 'docker build + docker push'}, because ${builder.reason}.`,
  );
  const needsLogin = inputs.push || inputs.skipBuild || inputs.cacheFrom.length > 0;
  try {
    for (const { login, repository } of needsLogin ? logins : []) {
      await core.group(`Log in to ${login.host} (${login.type})`, () => logIn(login, repository));
    }
    report.result = await core.group(inputs.skipBuild ? 'Tag the existing image' : 'Build and push', () =>
      inputs.skipBuild
        ? retag(builder, inputs.sourceImage ?? '', references(inputs, plan), inputs.push)
        : build(builder, { inputs, references: references(inputs, plan), labels: plan.labels }),
    );
    const image = deployableImage(inputs, plan, report.result);
    core.info(`${inputs.push ? 'Pushed' : 'Built'} ${image} in ${formatDuration(Date.now() - started)}.`);
  } finally {
    await logOut(inputs, logins, needsLogin);
  }
}

function tagPlan(inputs: BuildPushInputs): TagPlan {
  return planTags(factsFromEnvironment(process.env), {
    rules: inputs.tagRules,
    flavor: inputs.flavor,
    version: inputs.version,
    explicit: inputs.tags,
    defaultBranch: inputs.defaultBranch,
    labels: inputs.labels,
  });
}

/**
 * A login per registry the image goes to, planned before anything runs. username and password are for the
 * image's own registry; another one (from `tags`) logs in by its type (ECR, GHCR) or uses an earlier login.
 */
function planLogins(inputs: BuildPushInputs): { login: LoginPlan; repository: string }[] {
  const ecr = { region: inputs.awsRegion, registryId: inputs.registryId, createRepository: inputs.createRepository };
  const { username: _user, password: _password, ...ambient } = inputs.credentials;
  const plans = [
    {
      login: planLogin(inputs.registry, inputs.registryType, inputs.credentials, ecr, hasDockerLogin(inputs.registry)),
      repository: inputs.repository,
    },
  ];
  for (const target of inputs.extraTargets ?? []) {
    if (plans.some(({ login }) => login.host === target.registry)) continue;
    const login = planLogin(
      target.registry,
      target.registryType,
      ambient,
      { region: inputs.awsRegion, createRepository: false },
      hasDockerLogin(target.registry),
    );
    plans.push({ login, repository: target.repository });
  }
  return plans;
}

/** No credential stays on a self-hosted runner, whether the build worked or not. */
async function logOut(inputs: BuildPushInputs, logins: { login: LoginPlan }[], loggedIn: boolean): Promise<void> {
  if (!loggedIn || !inputs.logout) return;
  for (const { login } of logins) if (login.type !== 'none') await logout(login.host);
}
