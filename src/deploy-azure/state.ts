import { stateSlot } from '../lib/state.js';

/**
 * What the main step leaves for the post step (GITHUB_STATE) while production is being changed: the app, how it
 * is changed and what it ran before, so a run cancelled meanwhile puts the previous version back (cancel.ts). No
 * secret goes in it (app settings are not saved: the post step restores the image and swap only).
 */
export interface AzureRollbackState {
  resourceGroup: string;
  app: string;
  /** swap: the slot is swapped back when production runs the new image; in-place: the previous config is set. */
  how: 'swap' | 'in-place';
  slot: string;
  image: string;
  previousImage: string;
  startupCommand?: string;
  acrUseManagedIdentityCreds?: boolean;
}

const isText = (value: unknown): value is string => typeof value === 'string';

function parse(value: unknown): AzureRollbackState {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const wrong = ['resourceGroup', 'app', 'slot', 'image', 'previousImage'].filter((key) => !isText(v[key]));
  if (v.how !== 'swap' && v.how !== 'in-place') wrong.push('how');
  if (wrong.length)
    throw new Error(`The state saved by deploy-azure's main step is not a rollback plan: ${wrong.join(', ')}.`);
  return {
    resourceGroup: v.resourceGroup as string,
    app: v.app as string,
    how: v.how as AzureRollbackState['how'],
    slot: v.slot as string,
    image: v.image as string,
    previousImage: v.previousImage as string,
    startupCommand: isText(v.startupCommand) ? v.startupCommand : undefined,
    acrUseManagedIdentityCreds:
      typeof v.acrUseManagedIdentityCreds === 'boolean' ? v.acrUseManagedIdentityCreds : undefined,
  };
}

/** Saved when production is first changed, cleared when the main step ends: set only while a change is in flight. */
export const rollbackState = stateSlot('azure-rollback', parse);
