import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  paginateListTaskDefinitions,
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { taskDefinitionRevision } from '../lib/arn.js';
import { aws } from '../lib/aws.js';
import { parseTaskDefinition, type TaskDefinition } from './taskdef.js';

/** Task definition revisions: read the one to start from, register the rendered one, prune old ones. */

export interface Registered {
  arn: string;
  family: string;
  revision: number;
  /** False when an existing revision is deployed as it is. */
  registered: boolean;
}

export async function describeTaskDefinition(
  client: ECSClient,
  reference: string,
): Promise<{ arn: string; definition: TaskDefinition }> {
  const answer = await aws(`ecs:DescribeTaskDefinition (${reference})`, () =>
    client.send(new DescribeTaskDefinitionCommand({ taskDefinition: reference })),
  );
  const arn = answer.taskDefinition?.taskDefinitionArn ?? reference;
  return { arn, definition: parseTaskDefinition(JSON.parse(JSON.stringify(answer.taskDefinition)), arn) };
}

export async function register(
  client: ECSClient,
  definition: TaskDefinition,
  tags: { key: string; value: string }[],
): Promise<Registered> {
  const input = { ...definition, ...(tags.length ? { tags } : {}) } as RegisterTaskDefinitionCommandInput;
  const answer = await aws('ecs:RegisterTaskDefinition', () => client.send(new RegisterTaskDefinitionCommand(input)));
  const arn = answer.taskDefinition?.taskDefinitionArn ?? '';
  return { arn, ...taskDefinitionRevision(arn), registered: true };
}

/**
 * Deregisters the ACTIVE revisions of a family beyond the newest `keep`, never one in `protect` (the new
 * revision and what rollback would return to). Returns the ARNs deregistered.
 */
export async function deregisterOld(
  client: ECSClient,
  family: string,
  keep: number,
  protect: Set<string>,
): Promise<string[]> {
  const active: string[] = [];
  const pages = paginateListTaskDefinitions({ client }, { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' });
  await aws('ecs:ListTaskDefinitions', async () => {
    for await (const page of pages) active.push(...(page.taskDefinitionArns ?? []));
  });
  // Newest first by revision number, whatever order ECS listed them in.
  const old = active
    .filter((arn) => taskDefinitionRevision(arn).family === family)
    .sort((a, b) => taskDefinitionRevision(b).revision - taskDefinitionRevision(a).revision)
    .slice(keep)
    .filter((arn) => !protect.has(arn));
  for (const arn of old) {
    await aws(`ecs:DeregisterTaskDefinition (${arn})`, () =>
      client.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })),
    );
  }
  return old;
}
