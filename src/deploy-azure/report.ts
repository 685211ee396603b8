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
  /**
   * Production was changed (its settings or image in place, or a swap started): set the moment the first such
   * request is sent, and never unset, since a request whose answer is lost may have changed it.
   */
  changed: boolean;
  /** After a failure, the previous version is back on production and proven by the same check. */
  rolledBack: boolean;
  /** How the previous version was put back (swapped back, previous image set) and how it was proven. */
  putBack?: string;
  /**
   * After a failure once production was changed, the exact end state: what production runs and whether it is
   * proven ("app X runs I, which is NOT proven; rollback failed: R" when the previous version could not be put back).
   */
  endState?: string;
  /** What was read back after an answer was lost (which image production and the slot run). */
  readBack?: string;
  /** Set in delete-slot mode: whether the slot was there to delete. */
  deletedSlot?: boolean;
}

export function emptyReport(): AzureReport {
  return {
    app: '',
    slot: '',
    image: '',
    changing: false,
    createdSlot: false,
    settingsChanged: [],
    swapped: false,
    changed: false,
    rolledBack: false,
  };
}
