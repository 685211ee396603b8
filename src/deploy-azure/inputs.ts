import * as core from '@actions/core';
import { checkAppServiceName, APP_NAME_MAX, SLOT_NAME_MAX } from '../lib/app-service.js';
import { readWaitInputs, type WaitOptions } from '../lib/app-service-wait.js';
import { readAzureTargetInputs, resolveAzureTarget, type AzureTarget } from '../lib/azure.js';
import { InputError } from '../lib/errors.js';
import { checkImageReference, parseImageReference } from '../lib/image.js';
import { bool, keyValues, list, oneOf, optional, text, required } from '../lib/inputs.js';
import { checkName, names } from '../lib/names.js';
import { mask, maskUrl, redactUrl } from '../lib/secrets.js';
import { parsePublishProfile, type PublishProfile } from '../lib/azure-publish-profile.js';
import { isKeyVaultReference, parseKeyVaultReference } from '../lib/key-vault.js';

/** deploy-azure's inputs, named as in azure/webapps-deploy where the meaning is the same. */

export interface DeployAzureInputs {
  mode: 'deploy' | 'delete-slot';
  target: AzureTarget;
  app: string;
  /** Undefined: found from the app's name in the subscription, as azure/webapps-deploy does. */
  resourceGroup?: string;
  /** 'production' means the app itself. */
  slot: string;
  image: string;
  startupCommand?: string;
  appSettings: Map<string, string>;
  registry?: Registry;
  managedIdentityPull: boolean;
  createSlot: boolean;
  /** Where a new slot's settings come from: 'production' or another slot. */
  createSlotFrom: string;
  swap: boolean;
  /**
   * How the new image is proven: `health` (the health answer, with the version, and the docker log when it cannot
   * tell), `container` (the docker log only: the new container started, for apps without a health endpoint), or
   * `none` (no waiting, as azure/webapps-deploy).
   */
  verify: 'health' | 'container' | 'none';
  wait: WaitOptions;
  /** azure/webapps-deploy's publish-profile: the image goes through Kudu, with no Azure Resource Manager login. */
  publishProfile?: PublishProfile;
  /** After a failure once production was changed, put the previous version back (and prove it). */
  rollbackOnFailure: boolean;
  /** When the run is cancelled while production is changed, the post step puts the previous version back. */
  rollbackOnCancel: boolean;
}

interface Registry {
  url: string;
  username?: string;
  password?: string;
}

/** What both modes name: the app, its slot and the login. */
type Common = Pick<DeployAzureInputs, 'mode' | 'target' | 'app' | 'resourceGroup' | 'slot' | 'appSettings'>;

/**
 * Inputs of azure/webapps-deploy that have no effect here (code deployment, not containers): a workflow that
 * still passes them is told, not silently ignored.
 */
const WITHOUT_EFFECT: Record<string, string> = {
  package: 'code packages are not deployed: deploy-azure runs a container image (images)',
  type: 'code packages are not deployed: deploy-azure runs a container image (images)',
  'target-path': 'code packages are not deployed: deploy-azure runs a container image (images)',
  clean: 'code packages are not deployed: deploy-azure runs a container image (images)',
  restart: 'the slot is always restarted after its image is set, so that the new container starts',
};

function refuseMultiContainer(): void {
  for (const name of ['configuration-file', 'sitecontainers-config']) {
    if (optional(name)) {
      throw new InputError(
        `Input '${name}' is not supported: deploy-azure deploys one container image per app (no Docker Compose, no sidecars / sitecontainers).`,
        'Keep azure/webapps-deploy for a multi-container app, or run the sidecar as its own app.',
      );
    }
  }
  for (const [name, why] of Object.entries(WITHOUT_EFFECT)) {
    const value = optional(name);
    // package defaults to '.' in azure/webapps-deploy: only another value is a choice worth a warning.
    if (value !== undefined && !(name === 'package' && value === '.'))
      core.warning(`Input '${name}' has no effect in deploy-azure: ${why}.`);
  }
}

/** What a publish profile cannot do (it reaches the app's Kudu site only), with each input's default. */
const NEEDS_ARM: Record<string, string> = {
  swap: 'false',
  'create-slot': 'false',
  'managed-identity-pull': 'false',
  'slot-name': 'production',
  'app-settings': '',
  'registry-url': '',
  'registry-username': '',
  'startup-command': '',
  mode: 'deploy',
};

function readPublishProfile(): PublishProfile | undefined {
  const raw = text('publish-profile');
  if (!raw) return undefined;
  mask(raw);
  const profile = parsePublishProfile(raw);
  const needsArm = Object.entries(NEEDS_ARM)
    .filter(([name, fallback]) => (optional(name) ?? fallback).toLowerCase() !== fallback)
    .map(([name]) => name);
  if (needsArm.length) {
    throw new InputError(
      `With publish-profile, ${needsArm.join(', ')} cannot be used: a publish profile reaches only the app's (or slot's) Kudu site, not Azure Resource Manager.`,
      "Download the slot's own publish profile to deploy to a slot, or log in (azure/login, client-id/tenant-id) for swaps, settings and slots.",
    );
  }
  return profile;
}

export function readInputs(): DeployAzureInputs {
  // main.ts sends target: containerapp to containerapp.ts; any other value than appservice is refused here.
  oneOf('target', ['appservice', 'containerapp'] as const, 'appservice');
  refuseMultiContainer();
  const publishProfile = readPublishProfile();
  if (publishProfile) {
    const image = readImage();
    const app = checkAppServiceName('app-name', required('app-name', 'the name of the web app'), APP_NAME_MAX);
    return { ...profileDeployment(app, image, publishProfile) };
  }
  const { registryPassword, ...common } = readCommon();
  if (common.mode === 'delete-slot') return slotDeletion(common);
  const image = readImage();
  const registry = readRegistry(image, registryPassword);
  const managedIdentityPull = bool('managed-identity-pull', false);
  if (managedIdentityPull && registryPassword)
    throw new InputError('Give either managed-identity-pull or registry-username/registry-password, not both.');
  return {
    ...common,
    image,
    startupCommand: optional('startup-command'),
    registry,
    managedIdentityPull,
    ...readSlotHandling(common.slot),
    ...readVerify(image),
    rollbackOnFailure: bool('rollback-on-failure', true),
    rollbackOnCancel: bool('rollback-on-cancel', true),
  };
}

/** verify and the wait inputs; with verify: none, the inputs that only a check reads are refused. */
function readVerify(image: string): Pick<DeployAzureInputs, 'verify' | 'wait'> {
  const verify = oneOf('verify', ['health', 'container', 'none'] as const, 'health');
  const checkOnly = ['health-url', 'expected-version'].filter((name) => optional(name) !== undefined);
  if (verify !== 'health' && checkOnly.length)
    throw new InputError(
      `With verify: ${verify}, ${checkOnly.join(' and ')} ${checkOnly.length > 1 ? 'have' : 'has'} no effect: no health answer is read.`,
      'Use verify: health, or remove them.',
    );
  return { verify, wait: readWaitInputs(image) };
}

/** What the post step of a cancelled run reads: the login, the time it may take, and whether to put back. */
export function readCancelInputs() {
  const wait = readWaitInputs(undefined);
  return {
    target: resolveAzureTarget(readAzureTargetInputs()),
    rollbackOnCancel: bool('rollback-on-cancel', true),
    timeoutMs: wait.timeoutMs,
    intervalMs: wait.intervalMs,
  };
}

/**
 * A setting meant as a Key Vault reference must be one App Service resolves: it keeps a malformed one as the literal
 * text, and the app would read `@Microsoft.KeyVault(...` as its database URL.
 */
function checkKeyVaultReferences(settings: Map<string, string>): void {
  for (const [name, value] of settings) {
    if (!isKeyVaultReference(value)) continue;
    const parsed = parseKeyVaultReference(value);
    if ('problem' in parsed)
      throw new InputError(
        `Input 'app-settings': ${name} is not a Key Vault reference App Service resolves: ${parsed.problem}.`,
        'Write @Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>/) or @Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>).',
      );
  }
}

/** The inputs of both modes; the secrets among them are masked the moment they are read, whatever the mode. */
function readCommon(): Common & { registryPassword?: string } {
  // Secrets first: whatever fails later, nothing printed can hold them.
  const registryPassword = optional('registry-password');
  mask(registryPassword);
  // Every value, whatever its name: a setting's name does not say whether its value is a secret (DB_URL, SAS).
  const appSettings = keyValues('app-settings');
  for (const value of appSettings.values()) if (canBeSecret(value)) mask(value);
  checkKeyVaultReferences(appSettings);
  for (const name of ['health-url', 'registry-url']) maskUrl(optional(name) ?? '');
  const mode = oneOf('mode', ['deploy', 'delete-slot'] as const, 'deploy');
  const app = checkAppServiceName('app-name', required('app-name', 'the name of the web app'), APP_NAME_MAX);
  const group = optional('resource-group-name');
  const resourceGroup = group && checkName('resource-group-name', group, names.azureResourceGroup);
  const slot = checkAppServiceName('slot-name', optional('slot-name') ?? 'production', SLOT_NAME_MAX);
  const target = resolveAzureTarget(readAzureTargetInputs());
  return { mode, target, app, resourceGroup, slot, appSettings, registryPassword };
}

/**
 * Whether an app setting's value can be a secret: all but true/false, numbers and values under 4 characters, which
 * masked would hide every `true` output and port number of the run (the runner hides every occurrence).
 */
export function canBeSecret(value: string): boolean {
  return value.length >= 4 && !/^(true|false)$/i.test(value) && !/^-?\d+(\.\d+)?$/.test(value);
}

/** Inputs that do nothing when a slot is deleted: refused, so a workflow never believes they did something. */
const DEPLOY_ONLY = [
  'images',
  'app-settings',
  'startup-command',
  'registry-url',
  'registry-username',
  'registry-password',
  'swap',
  'create-slot',
  'create-slot-from',
  'health-url',
  'expected-version',
];

function refuseDeployOnly(): void {
  const given = DEPLOY_ONLY.filter((name) => optional(name) !== undefined);
  // create-slot and swap default to false in action.yml: only true is a choice.
  const chosen = given.filter(
    (name) => !(['swap', 'create-slot'].includes(name) && /^false$/i.test(optional(name) ?? '')),
  );
  if (chosen.length)
    throw new InputError(
      `With mode delete-slot, ${chosen.join(', ')} ${chosen.length > 1 ? 'have' : 'has'} no effect: the slot is deleted, nothing is deployed.`,
      'Remove them from the delete-slot step.',
    );
}

function profileDeployment(app: string, image: string, publishProfile: PublishProfile): DeployAzureInputs {
  return {
    mode: 'deploy',
    target: {
      login: { kind: 'cli' },
      cloud: { resourceManager: '', authorityHost: '', instanceDiscovery: false },
      subscriptionId: '',
    },
    app,
    slot: 'production',
    appSettings: new Map(),
    image,
    managedIdentityPull: false,
    createSlot: false,
    createSlotFrom: 'production',
    swap: false,
    ...readVerify(image),
    publishProfile,
    rollbackOnFailure: false,
    rollbackOnCancel: false,
  };
}

function slotDeletion(common: Common): DeployAzureInputs {
  if (common.slot === 'production')
    throw new InputError("mode 'delete-slot' needs 'slot-name': the production slot is the app and is never deleted.");
  refuseDeployOnly();
  return {
    rollbackOnFailure: false,
    rollbackOnCancel: false,
    ...common,
    image: '',
    managedIdentityPull: false,
    createSlot: false,
    createSlotFrom: 'production',
    swap: false,
    verify: 'none',
    wait: readWaitInputs(undefined),
  };
}

function readImage(): string {
  const images = list('images', { commas: false });
  if (images.length !== 1) {
    throw new InputError(
      images.length === 0
        ? "Input 'images' is required: the container image to run."
        : "Input 'images' must name one image: multi-container (Docker Compose) apps are not supported.",
      'Give the image built for this commit, e.g. myregistry.azurecr.io/web@sha256:... or ghcr.io/org/web:1.4.2.',
    );
  }
  return checkImageReference('images', images[0] ?? '');
}

/** The registry login the app pulls with, when one is given (the server defaults to the image's registry). */
function readRegistry(image: string, password: string | undefined): Registry | undefined {
  const url = optional('registry-url');
  const username = optional('registry-username');
  if ((username || password) && !(username && password)) {
    throw new InputError(
      'The registry login is half given: registry-username and registry-password go together.',
      'Give both, or neither (public image, or managed-identity-pull: true for ACR).',
    );
  }
  if (url && /^[a-z][\w+.-]*:\/\/[^/]*@/i.test(url))
    throw new InputError(
      `Input 'registry-url' must not hold credentials (user:password@), got '${redactUrl(url)}'.`,
      'Give the server alone (https://myregistry.azurecr.io), the login in registry-username and registry-password.',
    );
  if (!url && !username) return undefined;
  return { url: url ?? `https://${parseImageReference(image)?.registry ?? 'index.docker.io'}`, username, password };
}

function readSlotHandling(slot: string): Pick<DeployAzureInputs, 'swap' | 'createSlot' | 'createSlotFrom'> {
  const swap = bool('swap', false);
  if (swap && slot === 'production')
    throw new InputError("Input 'swap' needs 'slot-name': the slot to deploy into and then swap into production.");
  const createSlot = bool('create-slot', false);
  const from = optional('create-slot-from');
  if (!createSlot && from !== undefined && from !== 'production')
    throw new InputError(
      "Input 'create-slot-from' has no effect without create-slot: true (no slot is created).",
      'Set create-slot: true, or remove create-slot-from.',
    );
  return {
    swap,
    createSlot,
    createSlotFrom: checkAppServiceName(
      'create-slot-from',
      optional('create-slot-from') ?? 'production',
      SLOT_NAME_MAX,
    ),
  };
}
