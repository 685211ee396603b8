/** The parts of `terraform show -json <planfile>` this stage reads. */
export interface PlanJson {
  variables?: Record<string, { value?: unknown }>;
  resource_changes?: ResourceChange[];
  output_changes?: Record<string, Change>;
  configuration?: { root_module?: { variables?: Record<string, { sensitive?: boolean }> } };
}

interface Change {
  actions: string[];
  /** Set when an `import` block brings an existing object under management. */
  importing?: unknown;
  before?: unknown;
  after?: unknown;
  after_unknown?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
  replace_paths?: unknown;
}

interface ResourceChange {
  address: string;
  /** Set when a `moved` block (or `terraform state mv` in config) gives the resource a new address. */
  previous_address?: string;
  type: string;
  mode?: string;
  change: Change;
}

export interface Counts {
  add: number;
  change: number;
  destroy: number;
}

export interface PlanSummary extends Counts {
  /** Per resource type, sorted by type. */
  byType: [string, Counts][];
  /** Root outputs whose value changes. */
  outputs: string[];
  /** Resources that move to a new address (dflook's to_move), and that are imported (to_import). */
  move: number;
  import: number;
}

const isNoop = (actions: string[]) => actions.every((action) => action === 'no-op' || action === 'read');

/** Counts as Terraform's own "Plan: 1 to add, 0 to change, 0 to destroy" does: a replacement is one of each. */
export function summarisePlan(plan: PlanJson): PlanSummary {
  const total: Counts = { add: 0, change: 0, destroy: 0 };
  const byType = new Map<string, Counts>();
  for (const resource of plan.resource_changes ?? []) {
    const { actions } = resource.change;
    if (resource.mode === 'data' || isNoop(actions)) continue;
    const counts = byType.get(resource.type) ?? { add: 0, change: 0, destroy: 0 };
    for (const action of actions) {
      const key =
        action === 'create' ? 'add' : action === 'update' ? 'change' : action === 'delete' ? 'destroy' : undefined;
      if (!key) continue;
      counts[key]++;
      total[key]++;
    }
    byType.set(resource.type, counts);
  }
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, change]) => !isNoop(change.actions))
    .map(([name]) => name)
    .sort();
  const changes = plan.resource_changes ?? [];
  const move = changes.filter((r) => r.previous_address && r.previous_address !== r.address).length;
  const imported = changes.filter((r) => r.change.importing !== undefined && r.change.importing !== null).length;
  return {
    ...total,
    byType: [...byType].sort(([a], [b]) => a.localeCompare(b)),
    outputs,
    move,
    import: imported,
  };
}

/** JSON with object keys sorted, so equal plans serialise to equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A hash of what the plan will do, and nothing else: each changing resource's address, actions and
 * before/after values, and each changing output. Timestamps, prior state, unchanged resources and the
 * order Terraform lists things in are left out, so re-planning the same change gives the same hash.
 */
export function planHash(plan: PlanJson): string {
  const pick = (change: Change) => ({
    actions: change.actions,
    before: change.before,
    after: change.after,
    after_unknown: change.after_unknown,
    replace_paths: change.replace_paths,
  });
  const resources = (plan.resource_changes ?? [])
    .filter((resource) => !isNoop(resource.change.actions))
    .map((resource) => ({ address: resource.address, ...pick(resource.change) }))
    .sort((a, b) => (a.address < b.address ? -1 : 1));
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, change]) => !isNoop(change.actions))
    .map(([name, change]) => ({ name, ...pick(change) }));
  // Loaded here rather than with the module, which the summary imports on every run, a mistyped input's too.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(stableJson({ resources, outputs })).digest('hex');
}

function stringLeaves(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (typeof value === 'number' || typeof value === 'boolean') into.add(String(value));
  else if (Array.isArray(value)) for (const item of value) stringLeaves(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) stringLeaves(item, into);
}

/** The values under a `*_sensitive` mask: `true` marks the whole value, objects and arrays mark parts. */
function maskedLeaves(value: unknown, mask: unknown, into: Set<string>): void {
  if (mask === true) return stringLeaves(value, into);
  if (!mask || typeof mask !== 'object' || !value || typeof value !== 'object') return;
  for (const [key, part] of Object.entries(mask)) {
    maskedLeaves((value as Record<string, unknown>)[key], part, into);
  }
}

/** Every value the plan marks sensitive: sensitive variables, and sensitive attributes and outputs. */
export function sensitiveValues(plan: PlanJson): Set<string> {
  const values = new Set<string>();
  for (const [name, declared] of Object.entries(plan.configuration?.root_module?.variables ?? {})) {
    if (declared.sensitive) stringLeaves(plan.variables?.[name]?.value, values);
  }
  const changes = [...(plan.resource_changes ?? []).map((r) => r.change), ...Object.values(plan.output_changes ?? {})];
  for (const change of changes) {
    maskedLeaves(change.before, change.before_sensitive, values);
    maskedLeaves(change.after, change.after_sensitive, values);
  }
  return values;
}

export interface Secrets {
  /** Given as secrets (secret inputs, the token): hidden whatever their length. */
  given: Iterable<string>;
  /** Found sensitive in the plan or outputs. Very short ones (`true`, `80`) are left alone: hiding them
   * would garble the plan, not protect it. */
  found: Iterable<string>;
}

/** Replaces each secret in the text with `***`, longest first so a secret containing another is hidden whole. */
export function redact(text: string, secrets: Secrets): string {
  const values = [...[...secrets.given].filter((s) => s !== ''), ...[...secrets.found].filter((s) => s.length >= 4)];
  const sorted = [...new Set(values)].sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of sorted) result = result.split(secret).join('***');
  return result;
}
