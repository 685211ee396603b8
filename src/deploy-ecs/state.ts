import { stateSlot } from '../lib/state.js';

/**
 * What the main step leaves for the post step (GITHUB_STATE): while the rollouts are watched, the services
 * and the revisions they ran before, so a run cancelled mid-watch can point them back (cancel.ts).
 * Checked by hand rather than with zod, which would double the post step's bundle.
 */

export interface RollbackState {
  region?: string;
  cluster: string;
  /** serviceDeploymentArn: the service deployment the update started, once named (stopped with rollback). */
  services: { service: string; previous: string; serviceDeploymentArn?: string }[];
}

const isText = (value: unknown): value is string => typeof value === 'string';

/** What is wrong with a saved value, or undefined when it is a rollback plan. */
function problemOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'it is not an object';
  const { region, cluster, services } = value as Record<string, unknown>;
  if (region !== undefined && !isText(region)) return 'region is not text';
  if (!isText(cluster)) return 'cluster is not text';
  if (!Array.isArray(services)) return 'services is not a list';
  const bad = services.findIndex(
    (entry: { service?: unknown; previous?: unknown; serviceDeploymentArn?: unknown } | null) =>
      !isText(entry?.service) ||
      !isText(entry?.previous) ||
      (entry.serviceDeploymentArn !== undefined && !isText(entry.serviceDeploymentArn)),
  );
  return bad >= 0 ? `services.${bad} needs a service and a previous revision` : undefined;
}

function parseRollback(value: unknown): RollbackState {
  const problem = problemOf(value);
  if (problem) throw new Error(`The state saved by deploy-ecs's main step is not a rollback plan: ${problem}.`);
  const { region, cluster, services } = value as RollbackState;
  return {
    region,
    cluster,
    services: services.map(({ service, previous, serviceDeploymentArn }) => ({
      service,
      previous,
      ...(serviceDeploymentArn ? { serviceDeploymentArn } : {}),
    })),
  };
}

/** Saved when the watch begins, cleared when it ends: set only while a rollout is in progress. */
export const rollbackState = stateSlot('rollback', parseRollback);
