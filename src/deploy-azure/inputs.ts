import { resolveAzureTarget, type AzureTarget } from '../lib/azure.js';
import { InputError } from '../lib/errors.js';
import { checkImageReference, parseImageReference } from '../lib/image.js';
import { bool, keyValues, list, number, oneOf, optional, required } from '../lib/inputs.js';
import { isSensitiveName, mask } from '../lib/secrets.js';

/** deploy-azure's inputs, named as in azure/webapps-deploy where the meaning is the same. */

export interface WaitOptions {
  /** The health path on the slot's defaultHostName, or a full URL that overrides it. */
  healthPath: string;
  healthUrl?: string;
  /** The version /health must report; undefined: any 2xx answer will do. */
  expectedVersion?: string;
  versionField: string;
  timeoutMs: number;
  intervalMs: number;
}

export interface DeployAzureInputs {
  mode: 'deploy' | 'delete-slot';
  target: AzureTarget;
  app: string;
  resourceGroup: string;
  /** 'production' means the app itself. */
  slot: string;
  image: string;
  startupCommand?: string;
  appSettings: Map<string, string>;
  registry?: { url: string; username?: string; password?: string };
  managedIdentityPull: boolean;
  createSlot: boolean;
  /** Where a new slot's settings come from: 'production' or another slot. */
  createSlotFrom: string;
  swap: boolean;
  wait: WaitOptions;
}

export function loginInputs() {
  return {
    clientId: optional('client-id'),
    tenantId: optional('tenant-id'),
    subscriptionId: optional('subscription-id'),
    clientSecret: optional('client-secret'),
    environment: optional('environment'),
    resourceManagerEndpoint: optional('resource-manager-endpoint'),
    authorityHost: optional('authority-host'),
  };
}

/** App and slot names as App Service allows them; checked so a typo fails before a request. */
export function checkName(input: string, value: string, max: number): string {
  if (!new RegExp(`^[a-zA-Z0-9][a-zA-Z0-9-]{0,${max - 1}}$`).test(value) || value.endsWith('-')) {
    throw new InputError(
      `Input '${input}' is not an App Service name: '${value}'.`,
      `Use letters, digits and hyphens (at most ${max}), not starting or ending with a hyphen.`,
    );
  }
  return value;
}

export function readWait(image: string | undefined): WaitOptions {
  const healthPath = optional('health-path') ?? '/health';
  if (!healthPath.startsWith('/')) throw new InputError(`Input 'health-path' must start with /, got '${healthPath}'.`);
  const healthUrl = optional('health-url');
  if (healthUrl && !/^https?:\/\//.test(healthUrl))
    throw new InputError(`Input 'health-url' must be an http(s) URL, got '${healthUrl}'.`);
  const tag = image ? parseImageReference(image)?.tag : undefined;
  return {
    healthPath,
    healthUrl,
    expectedVersion: optional('expected-version') ?? (tag === 'latest' ? undefined : tag),
    versionField: optional('version-field') ?? 'version',
    timeoutMs: number('timeout', 600, { min: 1, max: 3600, integer: false }) * 1000,
    intervalMs: number('poll-interval', 5, { min: 0.05, max: 300, integer: false }) * 1000,
  };
}

export function readInputs(): DeployAzureInputs {
  const mode = oneOf('mode', ['deploy', 'delete-slot'] as const, 'deploy');
  const app = checkName('app-name', required('app-name', 'the name of the web app'), 60);
  const resourceGroup = required('resource-group-name', 'the resource group of the web app');
  const slot = checkName('slot-name', optional('slot-name') ?? 'production', 59);
  const target = resolveAzureTarget(loginInputs());
  const registryPassword = optional('registry-password');
  if (registryPassword) mask(registryPassword);
  const appSettings = keyValues('app-settings');
  for (const [key, value] of appSettings) if (isSensitiveName(key)) mask(value);

  if (mode === 'delete-slot') {
    if (slot === 'production')
      throw new InputError(
        "mode 'delete-slot' needs 'slot-name': the production slot is the app and is never deleted.",
      );
    return {
      mode,
      target,
      app,
      resourceGroup,
      slot,
      image: '',
      appSettings,
      managedIdentityPull: false,
      createSlot: false,
      createSlotFrom: 'production',
      swap: false,
      wait: readWait(undefined),
    };
  }
  const images = list('images', { commas: false });
  if (images.length !== 1) {
    throw new InputError(
      images.length === 0
        ? "Input 'images' is required: the container image to run."
        : "Input 'images' must name one image: multi-container (Docker Compose) apps are not supported.",
      'Give the image built for this commit, e.g. myregistry.azurecr.io/web@sha256:... or ghcr.io/org/web:1.4.2.',
    );
  }
  const image = checkImageReference('images', images[0] ?? '');
  const registryUrl = optional('registry-url');
  const registryUsername = optional('registry-username');
  if ((registryUsername || registryPassword) && !(registryUsername && registryPassword)) {
    throw new InputError(
      'The registry login is half given: registry-username and registry-password go together.',
      'Give both, or neither (public image, or managed-identity-pull: true for ACR).',
    );
  }
  const managedIdentityPull = bool('managed-identity-pull', false);
  if (managedIdentityPull && registryPassword)
    throw new InputError('Give either managed-identity-pull or registry-username/registry-password, not both.');
  const swap = bool('swap', false);
  if (swap && slot === 'production')
    throw new InputError("Input 'swap' needs 'slot-name': the slot to deploy into and then swap into production.");
  const createSlot = bool('create-slot', false);
  const createSlotFrom = checkName('create-slot-from', optional('create-slot-from') ?? 'production', 59);
  const host = parseImageReference(image)?.registry;
  return {
    mode,
    target,
    app,
    resourceGroup,
    slot,
    image,
    startupCommand: optional('startup-command'),
    appSettings,
    registry:
      registryUrl || registryUsername
        ? {
            url: registryUrl ?? `https://${host ?? 'index.docker.io'}`,
            username: registryUsername,
            password: registryPassword,
          }
        : undefined,
    managedIdentityPull,
    createSlot,
    createSlotFrom,
    swap,
    wait: readWait(image),
  };
}
