import * as core from '@actions/core';
import { InputError } from '../lib/errors.js';
import { list, optional } from '../lib/inputs.js';
import { checkName, names } from '../lib/names.js';
import type { BuildPushInputs } from './inputs.js';

/** The build inputs Docker or AWS would refuse, refused first, naming the input; and inputs without effect. */

/** A build stage's name (Dockerfile reference, FROM ... AS name): a letter, then letters, digits, `_`, `.`, `-`. */
export function stageName(): string | undefined {
  const target = optional('target');
  if (target !== undefined && !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(target)) {
    throw new InputError(
      `Input 'target' must be a build stage's name (FROM ... AS <name>), got ${JSON.stringify(target)}.`,
      'A stage name is a letter, then letters, digits, _, . and -.',
    );
  }
  return target;
}

/** `platforms`: os/arch[/variant] (OCI image index, platform), or `local`, as buildx takes them. */
export function platforms(): string[] {
  const values = list('platforms');
  for (const platform of values) {
    if (platform !== 'local' && !/^[a-z0-9_]+\/[a-z0-9_]+(\/[a-z0-9_.]+)?$/.test(platform)) {
      throw new InputError(
        `Input 'platforms' has ${JSON.stringify(platform)}, which is not os/arch[/variant].`,
        'Write e.g. linux/amd64, linux/arm64/v8, one per line or separated by commas.',
      );
    }
  }
  return values;
}

/** `network`: the networking mode of RUN steps, which buildx and docker build take as default, none or host. */
export function network(): string | undefined {
  const value = optional('network');
  if (value !== undefined && !['default', 'none', 'host'].includes(value)) {
    throw new InputError(`Input 'network' must be one of default, none, host, got ${JSON.stringify(value)}.`);
  }
  return value;
}

export function awsRegion(): string | undefined {
  const value = optional('aws-region');
  return value === undefined ? undefined : checkName('aws-region', value, names.awsRegion);
}

/** An ECR registry ID is the 12-digit AWS account ID (ECR API Reference, GetAuthorizationToken registryIds). */
export function registryId(): string | undefined {
  const value = optional('registry-id');
  if (value !== undefined && !/^\d{12}$/.test(value)) {
    throw new InputError(`Input 'registry-id' must be a 12-digit AWS account ID, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Inputs the chosen registry or mode does not read: named in a warning, never silently ignored. */
export function warnNoEffect(inputs: BuildPushInputs): void {
  // Inputs with a default of 'false' are given when true.
  const given = (name: string) => !['', 'false', 'False', 'FALSE'].includes(core.getInput(name).trim());
  const ignored: [string, string][] = [];
  const registries = [inputs.registryType, ...(inputs.extraTargets ?? []).map((t) => t.registryType)];
  if (!registries.includes('ecr')) {
    for (const name of ['aws-region', 'registry-id', 'create-repository']) {
      if (given(name)) ignored.push([name, 'no image goes to an ECR registry']);
    }
  }
  if (!registries.includes('acr') && given('azure-access-token')) {
    ignored.push(['azure-access-token', 'no image goes to an Azure Container Registry']);
  }
  if (!inputs.skipBuild && given('source-image')) ignored.push(['source-image', "it is read with 'skip-build: true'"]);
  if (inputs.skipBuild) {
    for (const name of ['file', 'target', 'build-args', 'secrets', 'platforms', 'cache-to', 'no-cache', 'network']) {
      if (given(name)) ignored.push([name, "'skip-build: true' builds nothing"]);
    }
  }
  for (const [name, why] of ignored) core.warning(`Input '${name}' has no effect: ${why}.`);
}
