import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { InputError } from '../lib/errors.js';
import { duration, optional, optionalOneOf, workspacePath } from '../lib/inputs.js';
import { checkName, names, type NameRule } from '../lib/names.js';

/**
 * The inputs of a deployment through AWS CodeDeploy (a service on the CODE_DEPLOY deployment controller), named as
 * aws-actions/amazon-ecs-deploy-task-definition names them, and the test-traffic gate read the same way as for
 * native ECS blue/green. Read once, from one line of inputs.ts; checked before any request.
 */

export interface CodeDeployInputs {
  /** The AppSpec file (YAML or JSON) in the workspace; undefined: generated from the service's load balancer. */
  appspecPath?: string;
  /** Default AppECS-<cluster>-<service>, as the anchor names the application the ECS console creates. */
  application?: string;
  /** Default DgpECS-<cluster>-<service>. */
  group?: string;
  /** At most 512 characters: a longer one is cut, with "…", as the anchor does. */
  description?: string;
  config?: string;
  /** `test-traffic`: stop in CodeDeploy's Ready wait and give the test listener's URL. */
  gate: 'none' | 'test-traffic';
}

/**
 * API Reference, CreateDeployment: applicationName, deploymentGroupName and deploymentConfigName are 1-100
 * characters. A control character or a line break is refused too: the name is printed in the log.
 */
export const codeDeployName: NameRule = {
  says: '1-100 characters, without control characters',
  test: (value) => value.length >= 1 && value.length <= 100 && ![...value].some((c) => c < ' ' || c === '\x7f'),
};

/** API Reference, DeploymentInfo `deploymentId`: d- and nine upper-case letters and digits. */
export const deploymentIdRule: NameRule = {
  says: 'a CodeDeploy deployment ID, d- and nine upper-case letters and digits (e.g. d-ABCDE1234)',
  test: (value) => /^d-[A-Z0-9]{9}$/.test(value),
};

const MAX_DESCRIPTION = 512;

function named(input: string, rule: NameRule): string | undefined {
  const value = optional(input);
  return value === undefined ? undefined : checkName(input, value, rule);
}

/**
 * The AppSpec file: codedeploy-appspec, else appspec.yaml in the workspace when there is one (the anchor's
 * default), else none (generated). A path outside the workspace is refused before it is read.
 */
function appspecPath(): string | undefined {
  const given = optional('codedeploy-appspec');
  if (given === undefined) {
    const fallback = workspacePath('codedeploy-appspec', 'appspec.yaml');
    return existsSync(fallback) ? fallback : undefined;
  }
  const path = workspacePath('codedeploy-appspec', given);
  if (!existsSync(path))
    throw new InputError(
      `Input 'codedeploy-appspec' is '${given}', which was not found at ${path}.`,
      'Give the AppSpec file relative to the workspace (check out the repository first), or leave it empty to have deploy-ecs write one from the service.',
    );
  return path;
}

export function readCodeDeployInputs(): CodeDeployInputs {
  const description = optional('codedeploy-deployment-description');
  return {
    appspecPath: appspecPath(),
    application: named('codedeploy-application', codeDeployName),
    group: named('codedeploy-deployment-group', codeDeployName),
    description:
      description && description.length > MAX_DESCRIPTION
        ? `${description.slice(0, MAX_DESCRIPTION - 1)}…`
        : description,
    config: named('codedeploy-deployment-config', codeDeployName),
    gate: optionalOneOf('gate', ['none', 'test-traffic'] as const) ?? 'none',
  };
}

/** `mode: continue` or `mode: rollback` for a deployment CodeDeploy holds at the gate (codedeploy-deployment-id). */
export function isCodeDeployDecision(): boolean {
  // Read raw: this only chooses the stage, whose own input reading then refuses a malformed value, inside runStage.
  const mode = core.getInput('mode').trim();
  return (mode === 'continue' || mode === 'rollback') && core.getInput('codedeploy-deployment-id').trim() !== '';
}

export interface CodeDeployDecisionInputs {
  mode: 'continue' | 'rollback';
  deploymentId: string;
  region?: string;
  waitMs: number;
  pollIntervalMs: number;
  requestTimeoutMs: number;
}

export function readDecisionInputs(): CodeDeployDecisionInputs {
  const mode = optional('mode') === 'rollback' ? 'rollback' : 'continue';
  const region = optional('aws-region');
  return {
    mode,
    deploymentId: checkName('codedeploy-deployment-id', optional('codedeploy-deployment-id') ?? '', deploymentIdRule),
    region: region === undefined ? undefined : checkName('aws-region', region, names.awsRegion),
    waitMs: duration('wait-for-minutes', '30', { bare: 'm', minMs: 600, maxMs: 360 * 60_000 }),
    pollIntervalMs: duration('poll-interval', '5', { bare: 's', minMs: 50, maxMs: 300_000 }),
    requestTimeoutMs: duration('request-timeout', '30', { bare: 's', minMs: 100, maxMs: 300_000 }),
  };
}
