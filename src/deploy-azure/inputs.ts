import { checkAppServiceName, APP_NAME_MAX, SLOT_NAME_MAX } from '../lib/app-service.js';
import { readWaitInputs, type WaitOptions } from '../lib/app-service-wait.js';
import { readAzureTargetInputs, resolveAzureTarget, type AzureTarget } from '../lib/azure.js';
import { InputError } from '../lib/errors.js';
import { checkImageReference, parseImageReference } from '../lib/image.js';
import { bool, keyValues, list, oneOf, optional, required } from '../lib/inputs.js';
import { isSensitiveName, mask } from '../lib/secrets.js';

/** deploy-azure's inputs, named as in azure/webapps-deploy where the meaning is the same. */

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
  registry?: Registry;
  managedIdentityPull: boolean;
  createSlot: boolean;
  /** Where a new slot's settings come from: 'production' or another slot. */
  createSlotFrom: string;
  swap: boolean;
  wait: WaitOptions;
}

interface Registry {
  url: string;
  username?: string;
  password?: string;
}

/** What both modes name: the app, its slot and the login. */
type Common = Pick<DeployAzureInputs, 'mode' | 'target' | 'app' | 'resourceGroup' | 'slot' | 'appSettings'>;

export function readInputs(): DeployAzureInputs {
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
    wait: readWaitInputs(image),
  };
}

/** The inputs of both modes; the secrets among them are masked the moment they are read, whatever the mode. */
function readCommon(): Common & { registryPassword?: string } {
  const mode = oneOf('mode', ['deploy', 'delete-slot'] as const, 'deploy');
  const app = checkAppServiceName('app-name', required('app-name', 'the name of the web app'), APP_NAME_MAX);
  const resourceGroup = required('resource-group-name', 'the resource group of the web app');
  const slot = checkAppServiceName('slot-name', optional('slot-name') ?? 'production', SLOT_NAME_MAX);
  const target = resolveAzureTarget(readAzureTargetInputs());
  const registryPassword = optional('registry-password');
  mask(registryPassword);
  const appSettings = keyValues('app-settings');
  for (const [key, value] of appSettings) if (isSensitiveName(key)) mask(value);
  return { mode, target, app, resourceGroup, slot, appSettings, registryPassword };
}

function slotDeletion(common: Common): DeployAzureInputs {
  if (common.slot === 'production')
    throw new InputError("mode 'delete-slot' needs 'slot-name': the production slot is the app and is never deleted.");
  return {
    ...common,
    image: '',
    managedIdentityPull: false,
    createSlot: false,
    createSlotFrom: 'production',
    swap: false,
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
  if (!url && !username) return undefined;
  return { url: url ?? `https://${parseImageReference(image)?.registry ?? 'index.docker.io'}`, username, password };
}

function readSlotHandling(slot: string): Pick<DeployAzureInputs, 'swap' | 'createSlot' | 'createSlotFrom'> {
  const swap = bool('swap', false);
  if (swap && slot === 'production')
    throw new InputError("Input 'swap' needs 'slot-name': the slot to deploy into and then swap into production.");
  return {
    swap,
    createSlot: bool('create-slot', false),
    createSlotFrom: checkAppServiceName(
      'create-slot-from',
      optional('create-slot-from') ?? 'production',
      SLOT_NAME_MAX,
    ),
  };
}
