import type { Served } from '../lib/app-service-wait.js';

/** What a deployment did, filled as it goes: the outputs and the job summary are made from it. */
export interface AzureReport {
  /** The app, slot and image, once the inputs are read ('' before). */
  app: string;
  slot: string;
  image: string;
  /** Production's image before a swap, else the slot's ('' for a new slot); known once read. */
  previousImage?: string;
  /** Where the deployed image serves: the slot's URL, production's after a swap (azure/webapps-deploy's webapp-url). */
  webappUrl?: string;
  productionUrl?: string;
  slotUrl?: string;
  /** True from the first change on: a failure before it left the app as it was. */
  changing: boolean;
  createdSlot: boolean;
  settingsChanged: string[];
  slotProbe?: Served;
  swapped: boolean;
  swapMs?: number;
  productionProbe?: Served;
  /** Deployed in place to production: the plan has no deployment slots. */
  inPlace?: boolean;
  /** In place, the new image failed and the previous one was set back on production. */
  putBack?: boolean;
  /** Set in delete-slot mode: whether the slot was there to delete. */
  deletedSlot?: boolean;
}

export function emptyReport(): AzureReport {
  return { app: '', slot: '', image: '', changing: false, createdSlot: false, settingsChanged: [], swapped: false };
}
