import { AwsFault } from '../aws/json-server.js';
import type { Json, Tag, TaskDefinition } from './model.js';

/**
 * Checks of ECS requests that need no state beyond their arguments: launch type, network and volume
 * configuration, tags, and the order and pages of ListTaskDefinitions. Each names the API Reference section
 * it follows.
 */

/** API Reference, CreateService / RunTask `launchType`: the definition must be compatible with FARGATE. */
export function checkLaunchType(definition: TaskDefinition, launchType: unknown) {
  const compatible = (definition.compatibilities as string[] | undefined) ?? [];
  if (launchType === 'FARGATE' && !compatible.includes('FARGATE'))
    throw new AwsFault('InvalidParameterException', 'Task definition does not support launch_type FARGATE.');
}

/**
 * API Reference, ServiceVolumeConfiguration / TaskVolumeConfiguration: each names a volume of the task
 * definition that is `configuredAtLaunch`, and its managedEBSVolume needs the infrastructure `roleArn`.
 */
export function checkVolumes(definition: TaskDefinition, given: unknown) {
  const volumes = (definition.volumes as Json[] | undefined) ?? [];
  for (const volume of (given as Json[] | undefined) ?? []) {
    const match = volumes.find((v) => v.name === volume.name);
    if (!match || match.configuredAtLaunch !== true)
      throw new AwsFault(
        'InvalidParameterException',
        `The volume '${String(volume.name)}' is not a volume of the task definition that is configuredAtLaunch.`,
      );
    if (!(volume.managedEBSVolume as Json | undefined)?.roleArn)
      throw new AwsFault('InvalidParameterException', 'roleArn is required for a managed EBS volume.');
  }
}

/** API Reference, NetworkConfiguration: required for awsvpc, with at least one subnet and 16 at most. */
export function checkNetwork(definition: TaskDefinition, body: Json) {
  if (definition.networkMode !== 'awsvpc') return;
  const vpc = (body.networkConfiguration as Json | undefined)?.awsvpcConfiguration as Json | undefined;
  if (!vpc)
    throw new AwsFault(
      'InvalidParameterException',
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    );
  const subnets = (vpc.subnets as string[] | undefined) ?? [];
  if (subnets.length === 0 || subnets.length > 16)
    throw new AwsFault('InvalidParameterException', 'subnets can not be empty.');
  if (vpc.assignPublicIp !== undefined && !['ENABLED', 'DISABLED'].includes(String(vpc.assignPublicIp)))
    throw new AwsFault('InvalidParameterException', `Invalid assignPublicIp value: ${String(vpc.assignPublicIp)}.`);
}

/** API Reference, Tag: keys 1-128 characters, values up to 256, at most 50 tags, no `aws:` prefix. */
export function checkTags(given: unknown) {
  const list = (given as Tag[] | undefined) ?? [];
  if (list.length === 0 || list.length > 50)
    throw new AwsFault('InvalidParameterException', 'Tags must contain between 1 and 50 tags.');
  for (const tag of list) {
    if (!tag.key || tag.key.length > 128 || (tag.value ?? '').length > 256)
      throw new AwsFault('InvalidParameterException', `Invalid tag: ${tag.key}.`);
    if (tag.key.toLowerCase().startsWith('aws:'))
      throw new AwsFault('InvalidParameterException', 'Tag keys with the prefix aws: are reserved for AWS use.');
  }
}

/**
 * The order ListTaskDefinitions lists revisions in. `sorted` is what the API Reference documents (below). The
 * others are faults a test turns on to show a caller never depends on the server's order: `string` sorts the
 * ARNs as strings, as a client merging pages or a cache meets them (`web:10` before `web:9` ascending, `web:1`
 * after `web:10` descending); `reversed` answers the opposite of the `sort` asked for.
 */
export type ListOrder = 'sorted' | 'string' | 'reversed';

/**
 * API Reference, ListTaskDefinitions: `sort` ASC (the default) lists families lexicographically and each
 * family's revisions in ascending order, DESC the reverse; `maxResults` 1-100 (default 100) with an opaque
 * `nextToken` for the next page. `familyPrefix` is the full family name.
 */
export function listTaskDefinitions(
  definitions: Map<string, TaskDefinition[]>,
  body: Json,
  order: ListOrder = 'sorted',
): Json {
  const status = String(body.status ?? 'ACTIVE');
  if (!['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'].includes(status))
    throw new AwsFault('InvalidParameterException', `Invalid status: ${status}.`);
  const sort = String(body.sort ?? 'ASC');
  if (sort !== 'ASC' && sort !== 'DESC') throw new AwsFault('InvalidParameterException', `Invalid sort: ${sort}.`);
  const size = Number(body.maxResults ?? 100);
  if (!Number.isInteger(size) || size < 1 || size > 100)
    throw new AwsFault('InvalidParameterException', 'maxResults must be between 1 and 100.');
  const prefix = body.familyPrefix as string | undefined;
  const all = [...definitions.entries()]
    .filter(([family]) => !prefix || family === prefix)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([, revisions]) => [...revisions].sort((a, b) => a.revision - b.revision))
    .filter((d) => d.status === status)
    .map((d) => d.taskDefinitionArn);
  if (order === 'string') all.sort();
  if (sort === 'DESC') all.reverse();
  if (order === 'reversed') all.reverse();
  let start = 0;
  if (body.nextToken !== undefined) {
    const decoded = /^\d+$/.exec(Buffer.from(String(body.nextToken), 'base64').toString('utf8'))?.[0];
    if (decoded === undefined) throw new AwsFault('InvalidParameterException', 'Invalid nextToken.');
    start = Number(decoded);
  }
  const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
  return { taskDefinitionArns: all.slice(start, start + size), ...(next ? { nextToken: next } : {}) };
}
