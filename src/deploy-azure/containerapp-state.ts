import * as core from '@actions/core';
import { stateSlot } from '../lib/state.js';

/**
 * What deploy-azure's main step leaves for its post step (GITHUB_STATE) while a container app is being changed: the
 * app, the new revision and the one that served before, so a run cancelled meanwhile puts all traffic back on the
 * previous revision (containerapp-cancel.ts). Names only: no secret goes in it.
 */
export interface ContainerAppRollbackState {
  resourceGroup: string;
  app: string;
  revision: string;
  /** Undefined when no revision served before (the app had no traffic). */
  previousRevision?: string;
  /** A preview (traffic: 0): its label, and the revision it named before, which gets it back. */
  label?: string;
  labelBefore?: string;
}

const KEY = 'azure-containerapp-rollback';

function parse(value: unknown): ContainerAppRollbackState {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const wrong = ['resourceGroup', 'app', 'revision'].filter((key) => typeof v[key] !== 'string');
  for (const key of ['previousRevision', 'label', 'labelBefore'])
    if (v[key] !== undefined && typeof v[key] !== 'string') wrong.push(key);
  if (wrong.length)
    throw new Error(
      `The state saved by deploy-azure's main step is not a container app rollback plan: ${wrong.join(', ')}.`,
    );
  return {
    resourceGroup: v.resourceGroup as string,
    app: v.app as string,
    revision: v.revision as string,
    previousRevision: v.previousRevision as string | undefined,
    ...(typeof v.labelBefore === 'string' ? { label: v.label as string, labelBefore: v.labelBefore } : {}),
  };
}

/** Saved once the new revision is written, cleared when the main step ends: set only while a change is in flight. */
export const containerAppRollbackState = stateSlot(KEY, parse);

/** Whether the main step left a container app change in flight (read before choosing the post step's stage). */
export const containerAppChangeSaved = (): boolean => core.getState(KEY) !== '';
