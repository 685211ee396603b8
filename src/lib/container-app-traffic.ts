import type { ContainerApp, TrafficWeight } from '@azure/arm-appcontainers';

/**
 * Traffic of a container app in multiple revision mode, as pure data (Container Apps docs, "Traffic splitting" and
 * "Revision labels"): which revision serves, and the entries that move it. Weights are whole numbers adding up to
 * 100; a label names one entry; `latestRevision: true` means the latest ready revision.
 */

/** The revision an entry routes to (latestRevision resolved to the app's latest ready one). */
export const revisionOfEntry = (app: ContainerApp, entry: TrafficWeight) =>
  entry.latestRevision ? app.latestReadyRevisionName : entry.revisionName;

/** The revision that takes most of the traffic now (undefined when none has any). */
export function servingRevision(app: ContainerApp): string | undefined {
  const weights = new Map<string, number>();
  for (const entry of app.configuration?.ingress?.traffic ?? []) {
    const revision = revisionOfEntry(app, entry);
    if (revision) weights.set(revision, (weights.get(revision) ?? 0) + (entry.weight ?? 0));
  }
  const [best] = [...weights].filter(([, w]) => w > 0).sort((a, b) => b[1] - a[1]);
  return best?.[0];
}

/** The weight a revision gets now. */
export function weightOf(app: ContainerApp, revision: string): number {
  return (app.configuration?.ingress?.traffic ?? [])
    .filter((entry) => revisionOfEntry(app, entry) === revision)
    .reduce((sum, entry) => sum + (entry.weight ?? 0), 0);
}

/** The revision a label names now. */
export const labelled = (app: ContainerApp, label: string) => {
  const entry = app.configuration?.ingress?.traffic?.find((e) => e.label === label);
  return entry && revisionOfEntry(app, entry);
};

/**
 * The traffic with `revision` at `weight` and `previous` at the rest: other revisions' labels are kept at weight 0
 * (so their label URLs keep working), `label` moves to `revision`, entries are pinned by name (never
 * latestRevision, which would hand traffic to a new revision the moment it is ready).
 */
export function split(
  app: ContainerApp,
  change: { revision: string; weight: number; previous?: string; label?: string },
): TrafficWeight[] {
  const { revision, weight, previous, label } = change;
  const labels = new Map<string, string>();
  for (const entry of app.configuration?.ingress?.traffic ?? []) {
    const target = revisionOfEntry(app, entry);
    if (entry.label && target && entry.label !== label) labels.set(entry.label, target);
  }
  if (label) labels.set(label, revision);
  const weights = new Map<string, number>([[revision, weight]]);
  if (previous && previous !== revision) weights.set(previous, 100 - weight);
  else weights.set(revision, 100);
  const entries: TrafficWeight[] = [];
  for (const [name, w] of weights) {
    const own = [...labels].filter(([, target]) => target === name).map(([l]) => l);
    entries.push({ revisionName: name, weight: w, ...(own[0] ? { label: own[0] } : {}) });
    for (const extra of own.slice(1)) entries.push({ revisionName: name, weight: 0, label: extra });
  }
  for (const [l, target] of labels)
    if (!weights.has(target)) entries.push({ revisionName: target, weight: 0, label: l });
  return entries;
}

/**
 * The canary steps as given (`10,50,100`): whole percentages rising to 100; `0` alone: no traffic moves (the revision
 * is only made, labelled and proven). Undefined when malformed.
 */
export function parseSteps(raw: string): number[] | undefined {
  if (raw.trim() === '0') return [];
  const steps = raw.split(',').map((s) => s.trim());
  if (!steps.every((s) => /^\d{1,3}$/.test(s))) return undefined;
  const weights = steps.map(Number);
  const rising = weights.every((w, i) => w >= 1 && w <= 100 && (i === 0 || w > (weights[i - 1] ?? 0)));
  return rising && weights.at(-1) === 100 ? weights : undefined;
}

/** The traffic with `label` on `revision` (moved off any other entry), every weight unchanged, pinned by name. */
export function relabel(app: ContainerApp, label: string, revision: string): TrafficWeight[] {
  const entries: TrafficWeight[] = (app.configuration?.ingress?.traffic ?? []).map((entry) => ({
    revisionName: revisionOfEntry(app, entry),
    weight: entry.weight,
    ...(entry.label && entry.label !== label ? { label: entry.label } : {}),
  }));
  const mine = entries.find((e) => e.revisionName === revision && !e.label);
  if (mine) mine.label = label;
  else entries.push({ revisionName: revision, weight: 0, label });
  return entries;
}

/**
 * The traffic without `label` (a pull request preview's, on close), every weight unchanged, pinned by name; an entry
 * left with weight 0 and no label routes nothing and is dropped.
 */
export function withoutLabel(app: ContainerApp, label: string): TrafficWeight[] {
  return (app.configuration?.ingress?.traffic ?? []).flatMap((entry) => {
    const kept = entry.label && entry.label !== label ? { label: entry.label } : {};
    if (!kept.label && !entry.weight) return [];
    return [{ revisionName: revisionOfEntry(app, entry), weight: entry.weight ?? 0, ...kept }];
  });
}

/** Why a revision must stay active: the traffic it takes, or another label naming it; undefined when nothing uses it. */
export function usedBy(app: ContainerApp, revision: string): string | undefined {
  const weight = weightOf(app, revision);
  if (weight > 0) return `it takes ${weight}% of the traffic`;
  const labels = (app.configuration?.ingress?.traffic ?? [])
    .filter((entry) => entry.label && revisionOfEntry(app, entry) === revision)
    .map((entry) => entry.label);
  return labels.length ? `label ${labels.join(', ')} still names it` : undefined;
}
