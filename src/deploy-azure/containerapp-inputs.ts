import * as core from '@actions/core';
import { readWaitInputs, type WaitOptions } from '../lib/app-service-wait.js';
import { readAzureTargetInputs, resolveAzureTarget, type AzureTarget } from '../lib/azure.js';
import { parseSteps } from '../lib/container-app-traffic.js';
import { InputError } from '../lib/errors.js';
import { checkImageReference } from '../lib/image.js';
import {
  duration,
  keyValues,
  list,
  number,
  oneOf,
  optional,
  optionalOneOf,
  parseKeyValues,
  text,
} from '../lib/inputs.js';
import { checkName, names } from '../lib/names.js';
import { isSensitiveName, mask } from '../lib/secrets.js';

/**
 * deploy-azure's inputs for `target: containerapp`, read once and validated before any request. Named as deploy-azure
 * names them; azure/container-apps-deploy-action's image-based inputs are taken with their meaning (imageToDeploy,
 * containerAppName, resourceGroup, containerAppEnvironment, targetPort, environmentVariables, ingress, registryUrl,
 * registryUsername, registryPassword, targetLabel, azureCredentials), and its build inputs are refused saying what to use.
 */

export interface EnvValue {
  value?: string;
  secretRef?: string;
}

export interface ContainerAppInputs {
  target: AzureTarget;
  app: string;
  resourceGroup: string;
  /** containerAppEnvironment: the environment the app must be in (checked, never changed). */
  environment?: string;
  image: string;
  /** The container to change (its name); the template's first when not given. */
  container?: string;
  env: Map<string, EnvValue>;
  /** Secrets to set, by name (values masked). */
  secrets: Map<string, string>;
  /** Key Vault secrets by name: the secret's URL, read by keyVaultIdentity. */
  keyVaultSecrets: Map<string, string>;
  keyVaultIdentity: string;
  registry?: { server: string; username?: string; password?: string; identity?: string };
  targetPort?: number;
  ingress?: 'external' | 'internal';
  command?: string[];
  args?: string[];
  minReplicas?: number;
  maxReplicas?: number;
  revisionSuffix?: string;
  /** The label the new revision gets (its own URL) before any traffic moves. */
  label: string;
  /** Traffic steps to the new revision, e.g. [10, 50, 100]; [100]: all at once. */
  steps: number[];
  pauseMs: number;
  job?: { name: string; args?: string[] };
  verify: 'health' | 'none';
  wait: WaitOptions;
}

/**
 * The Azure target of deploy-azure: App Service (default) or Container Apps (`target: containerapp`, or
 * containerAppName given). Never throws: a malformed target goes the App Service way, whose reader refuses it by name.
 */
export function readTarget(): 'appservice' | 'containerapp' {
  try {
    const given = optional('target');
    if (given !== undefined) return given === 'containerapp' ? 'containerapp' : 'appservice';
    return optional('containerAppName') ? 'containerapp' : 'appservice';
  } catch {
    return 'appservice';
  }
}

/** App Service inputs (action.yml defaults beside them) that mean nothing to a container app: refused if set. */
const APP_SERVICE_ONLY: Record<string, string | undefined> = {
  'slot-name': 'production',
  swap: 'false',
  'create-slot': 'false',
  'create-slot-from': 'production',
  'managed-identity-pull': 'false',
  'app-settings': undefined,
  'startup-command': undefined,
  'publish-profile': undefined,
};

function refuseAppServiceInputs(): void {
  oneOf('target', ['appservice', 'containerapp'] as const, 'containerapp');
  if (optional('mode') === 'delete-slot')
    throw new InputError(
      "Input 'mode: delete-slot' is for App Service slots and has no effect with target: containerapp.",
      'To remove a pull request preview from a container app, give mode: teardown with its label (e.g. label: pr-42).',
    );
  for (const [name, fallback] of Object.entries(APP_SERVICE_ONLY)) {
    const value = text(name);
    if (value !== undefined && value !== fallback)
      throw new InputError(
        `Input '${name}' is for App Service and has no effect with target: containerapp.`,
        name === 'app-settings'
          ? 'Give env-vars (and secrets for credentials) instead.'
          : name === 'startup-command'
            ? 'Give command and args instead.'
            : `Remove '${name}' (a container app has revisions and traffic instead of slots and swaps).`,
      );
  }
}

/** azure/container-apps-deploy-action inputs that build or create, and what to use instead. */
const REFUSED: Record<string, string> = {
  appSourcePath: "building from source is build-push's job: build and push the image there, then give it as images",
  imageToBuild: "building is build-push's job: build and push the image there, then give it as images",
  dockerfilePath: "building is build-push's job (its file input)",
  buildArguments: "building is build-push's job (its build-args input)",
  builderStack: 'Oryx builds are not run: build the image with build-push',
  runtimeStack: 'Oryx builds are not run: build the image with build-push',
  acrName:
    "pushing is build-push's job; for the app to pull from ACR give registry-url with registry-username/password, or registry-identity",
  acrUsername: 'give registry-username (the app pulls with it)',
  acrPassword: 'give registry-password (the app pulls with it)',
  yamlConfigPath:
    'give the settings as inputs (env-vars, secrets, target-port, command, args, min-replicas, max-replicas)',
  location:
    'deploy-azure does not create container apps: create the app (and its environment) first, e.g. with terraform',
};

const checkContainerAppName = (input: string, value: string) => checkName(input, value, names.azureContainerApp);

/** An input under deploy-azure's name or the one azure/container-apps-deploy-action gives it; not both. */
function either(ours: string, theirs: string): string | undefined {
  const [a, b] = [optional(ours), optional(theirs)];
  if (a !== undefined && b !== undefined)
    throw new InputError(`Give either '${ours}' or '${theirs}' (azure/container-apps-deploy-action's name), not both.`);
  return a ?? b;
}

function refuseBuildInputs(): void {
  refuseAppServiceInputs();
  for (const [name, instead] of Object.entries(REFUSED))
    if (optional(name) !== undefined)
      throw new InputError(`Input '${name}' is not supported with target: containerapp.`, `Instead: ${instead}.`);
  if (optional('disableTelemetry') !== undefined)
    core.warning("Input 'disableTelemetry' has no effect: deploy-azure sends no telemetry.");
}

/** The container app and its resource group, by deploy-azure's names or azure/container-apps-deploy-action's. */
function readAppAndGroup(): { app: string; resourceGroup: string } {
  const app = checkContainerAppName(
    'app-name',
    required(either('app-name', 'containerAppName'), "'app-name' (or containerAppName): the container app"),
  );
  const resourceGroup = required(
    either('resource-group-name', 'resourceGroup'),
    "'resource-group-name' (or resourceGroup): the app's resource group",
  );
  checkName('resource-group-name', resourceGroup, names.azureResourceGroup);
  return { app, resourceGroup };
}

export function readContainerAppInputs(): ContainerAppInputs {
  refuseBuildInputs();
  oneOf('mode', ['deploy', 'teardown'] as const, 'deploy');
  const { app, resourceGroup } = readAppAndGroup();
  const image = checkImageReference('images', readImage());
  return {
    target: readContainerAppTarget(),
    app,
    resourceGroup,
    environment: optional('containerAppEnvironment'),
    image,
    container: optional('container-name'),
    ...readSettings(),
    ...readRevisionHandling(),
    verify: oneOf('verify', ['health', 'none'] as const, 'health'),
    wait: readWaitInputs(image),
  };
}

/** The Azure login and cloud: deploy-azure's inputs, or azure/container-apps-deploy-action's azureCredentials. */
export function readContainerAppTarget(): AzureTarget {
  const credentials = text('azureCredentials');
  mask(credentials);
  return resolveAzureTarget({
    ...readAzureTargetInputs(),
    ...(credentials && !text('creds') ? { creds: credentials } : {}),
  });
}

const required = (value: string | undefined, what: string) => {
  if (value === undefined) throw new InputError(`Input ${what} is required for target: containerapp.`);
  return value;
};

function readImage(): string {
  const deployed = optional('imageToDeploy');
  const images = list('images', { commas: false });
  if (deployed && images.length) throw new InputError("Give either 'images' or 'imageToDeploy', not both.");
  if (deployed) return deployed;
  if (images.length !== 1)
    throw new InputError(
      images.length
        ? "Input 'images' must name one image for target: containerapp."
        : "Input 'images' (or imageToDeploy) is required: the image the new revision runs.",
      'Give the image built for this commit, e.g. myregistry.azurecr.io/web@sha256:... or ghcr.io/org/web:1.4.2.',
    );
  return images[0] ?? '';
}

type Settings = Pick<
  ContainerAppInputs,
  | 'env'
  | 'secrets'
  | 'keyVaultSecrets'
  | 'keyVaultIdentity'
  | 'registry'
  | 'targetPort'
  | 'ingress'
  | 'command'
  | 'args'
  | 'minReplicas'
  | 'maxReplicas'
>;

function readSettings(): Settings {
  const secrets = keyValues('secrets');
  for (const [name, value] of secrets) {
    checkSecretName('secrets', name);
    mask(value);
  }
  const keyVaultSecrets = keyValues('key-vault-secrets');
  for (const [name, url] of keyVaultSecrets) {
    checkSecretName('key-vault-secrets', name);
    if (!/^https:\/\/[a-z0-9-]+\.vault\.[a-z0-9.]+\/secrets\/[\w-]+(\/[0-9a-f]{32})?$/i.test(url))
      throw new InputError(
        `Input 'key-vault-secrets': '${name}' must be a Key Vault secret URL, got '${url}'.`,
        'For example db-password=https://my-vault.vault.azure.net/secrets/db-password.',
      );
  }
  const minReplicas = number('min-replicas', undefined, { min: 0, max: 1000 });
  const maxReplicas = number('max-replicas', undefined, { min: 1, max: 1000 });
  if (minReplicas !== undefined && maxReplicas !== undefined && minReplicas > maxReplicas)
    throw new InputError(`Input 'min-replicas' (${minReplicas}) is more than 'max-replicas' (${maxReplicas}).`);
  return {
    env: readEnv(),
    secrets,
    keyVaultSecrets,
    keyVaultIdentity: optional('key-vault-identity') ?? 'system',
    registry: readRegistry(),
    targetPort:
      either('target-port', 'targetPort') === undefined
        ? undefined
        : number(optional('target-port') ? 'target-port' : 'targetPort', 0, { min: 1, max: 65535 }),
    ingress: readIngress(),
    command: optionalList('command'),
    args: optionalList('args'),
    minReplicas,
    maxReplicas,
  };
}

/** Container Apps docs, "Manage secrets": lower-case letters, digits, '-' and '.', starting and ending alphanumeric. */
function checkSecretName(input: string, name: string) {
  if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(name))
    throw new InputError(
      `Input '${input}': secret name '${name}' must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit.`,
    );
}

const optionalList = (name: string) => {
  const items = list(name, { commas: false });
  return items.length ? items : undefined;
};

/**
 * env-vars (KEY=value per line) or environmentVariables (space-separated KEY=value, as the action takes them); a value
 * `secretref:<name>` references a secret of the app. Values of credential-like names are masked.
 */
function readEnv(): Map<string, EnvValue> {
  const ours = text('env-vars');
  const theirs = text('environmentVariables');
  if (ours && theirs) throw new InputError("Give either 'env-vars' or 'environmentVariables', not both.");
  const name = theirs ? 'environmentVariables' : 'env-vars';
  const raw = theirs ? splitSpaced(theirs).join('\n') : (ours ?? '');
  const env = new Map<string, EnvValue>();
  for (const [key, value] of parseKeyValues(name, raw)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key))
      throw new InputError(`Input '${name}': '${key}' is not an environment variable name.`);
    const ref = /^secretref:(.+)$/.exec(value)?.[1];
    if (ref) checkSecretName(name, ref);
    else if (isSensitiveName(key)) mask(value);
    env.set(key, ref ? { secretRef: ref } : { value });
  }
  return env;
}

/** Splits `A=1 B="two words"` as a shell would the action's space-separated list. */
function splitSpaced(raw: string): string[] {
  return [...raw.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)].map((m) => m[0].replace(/(["'])(.*?)\1/g, '$2'));
}

function readRegistry(): Settings['registry'] {
  const server = either('registry-url', 'registryUrl');
  const username = either('registry-username', 'registryUsername');
  const password = either('registry-password', 'registryPassword');
  mask(password);
  const identity = optional('registry-identity');
  if (!server) {
    if (username || password || identity)
      throw new InputError(
        "The registry login needs 'registry-url' (the registry server, e.g. myregistry.azurecr.io).",
      );
    return undefined;
  }
  if (Boolean(username) !== Boolean(password))
    throw new InputError('The registry login is half given: registry-username and registry-password go together.');
  return { server: server.replace(/^https?:\/\//, '').replace(/\/$/, ''), username, password, identity };
}

function readIngress(): 'external' | 'internal' | undefined {
  const ingress = optionalOneOf('ingress', ['external', 'internal', 'disabled'] as const);
  if (ingress === 'disabled')
    throw new InputError(
      "Input 'ingress: disabled' cannot be used: revisions are proven and traffic moved through ingress.",
      "Use 'external' or 'internal', or leave it empty to keep the app's.",
    );
  return ingress;
}

function readRevisionHandling(): Pick<ContainerAppInputs, 'revisionSuffix' | 'label' | 'steps' | 'pauseMs' | 'job'> {
  const revisionSuffix = optional('revision-suffix');
  if (revisionSuffix && (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(revisionSuffix) || revisionSuffix.includes('--')))
    throw new InputError(
      `Input 'revision-suffix' must be lower-case letters, digits and single hyphens, got '${revisionSuffix}'.`,
    );
  const label = readLabel();
  const raw = optional('traffic') ?? '100';
  const steps = parseSteps(raw);
  if (!steps)
    throw new InputError(
      `Input 'traffic' must be rising percentages ending at 100, e.g. 10,50,100 (or 100; 0 to move none), got '${raw}'.`,
    );
  const jobName = optional('job-name');
  return {
    revisionSuffix,
    label,
    steps,
    pauseMs: duration('traffic-pause', '60', { bare: 's', minMs: 0, maxMs: 3_600_000 }),
    job: jobName ? { name: checkContainerAppName('job-name', jobName), args: optionalList('job-args') } : undefined,
  };
}

/**
 * A revision label as Container Apps takes it (docs, "Revision labels"; the local Azure's checkTraffic): lower-case
 * letters, digits and '-', starting with a letter, ending with a letter or digit, at most 64 characters. The label
 * becomes part of a host name (`<app>---<label>.<domain>`), so nothing else can go in it.
 */
export const LABEL_RULE = /^[a-z]([a-z0-9-]{0,62}[a-z0-9])?$/;

function readLabel(): string {
  const label = either('label', 'targetLabel') ?? 'candidate';
  if (!LABEL_RULE.test(label))
    throw new InputError(
      `Input 'label' must be lower-case letters, digits and hyphens, starting with a letter, ending with a letter or digit, at most 64 characters, got ${JSON.stringify(label)}.`,
      'For a pull request preview give pr- and its number, e.g. pr-42.',
    );
  return label;
}

/**
 * Whether deploy-azure with target: containerapp removes a label (`mode: teardown`) rather than deploying. Never
 * throws: any other value goes the deploy way, whose reader refuses it by name.
 */
export function readContainerAppMode(): 'deploy' | 'teardown' {
  try {
    return optional('mode') === 'teardown' ? 'teardown' : 'deploy';
  } catch {
    return 'deploy';
  }
}

export interface ContainerAppTeardownInputs {
  target: AzureTarget;
  app: string;
  resourceGroup: string;
  /** The label to remove, e.g. pr-42. */
  label: string;
  wait: WaitOptions;
}

/** Inputs that deploy something, refused with mode: teardown (a copy of the deploy step's inputs would be silent). */
const DEPLOY_ONLY = ['images', 'imageToDeploy', 'env-vars', 'environmentVariables', 'secrets', 'job-name'];

/** The inputs of `mode: teardown`: the app and the label; nothing is deployed. */
export function readContainerAppTeardownInputs(): ContainerAppTeardownInputs {
  refuseBuildInputs();
  oneOf('mode', ['deploy', 'teardown'] as const, 'deploy');
  const given = DEPLOY_ONLY.filter((name) => text(name) !== undefined);
  if (given.length)
    throw new InputError(
      `Input ${given.map((name) => `'${name}'`).join(', ')} ${given.length > 1 ? 'have' : 'has'} no effect with mode: teardown: the label is removed, nothing is deployed.`,
      `Remove ${given.join(', ')} from the teardown step.`,
    );
  const { app, resourceGroup } = readAppAndGroup();
  return { target: readContainerAppTarget(), app, resourceGroup, label: readLabel(), wait: readWaitInputs(undefined) };
}
