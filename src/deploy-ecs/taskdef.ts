import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../lib/errors.js';
import { checkImageReference } from '../lib/image.js';
import { dropEmptyValues } from './compat.js';
import type { RenderOptions } from './inputs.js';

/**
 * Task definitions as JSON: read from a file, checked, cleaned of what only DescribeTaskDefinition
 * returns, and rendered with the images, variables and secrets of this deployment. Pure, so it runs
 * before any AWS SDK is loaded.
 */

const container = z.looseObject({
  name: z.string().min(1, 'a container needs a name'),
  image: z.string().optional(),
  essential: z.boolean().optional(),
  // An empty value is dropped from a file (as the deploy action drops it), so value may be missing.
  environment: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional(),
  secrets: z.array(z.looseObject({ name: z.string(), valueFrom: z.string() })).optional(),
  command: z.array(z.string()).optional(),
  dockerLabels: z.record(z.string(), z.string()).optional(),
  logConfiguration: z
    .looseObject({ logDriver: z.string(), options: z.record(z.string(), z.string()).optional() })
    .optional(),
});
const taskDefinition = z.looseObject({
  family: z.string().regex(/^[a-zA-Z0-9_-]{1,255}$/, 'family must be 1-255 letters, digits, hyphens or underscores'),
  containerDefinitions: z.array(container).min(1, 'containerDefinitions must list at least one container'),
});

export type ContainerDefinition = z.infer<typeof container>;
export type TaskDefinition = z.infer<typeof taskDefinition>;

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not accept. */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

export function stripReadOnly(definition: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...definition };
  for (const field of READ_ONLY_FIELDS) delete copy[field];
  // Empty values come back from Describe for unset fields; registering them as-is can be rejected.
  for (const [key, value] of Object.entries(copy)) if (value === null) delete copy[key];
  return copy;
}

/** JSON.parse does not say where; the YAML parser (YAML is a superset of JSON) does. Only used on failure. */
async function whereJsonBreaks(text: string): Promise<string> {
  const { parseDocument } = await import('yaml');
  const error = parseDocument(text).errors[0];
  const at = error?.linePos?.[0];
  return at ? ` (line ${at.line}, column ${at.col})` : '';
}

/** Checks the shape of a task definition and returns it without read-only fields. */
export function parseTaskDefinition(value: unknown, origin: string): TaskDefinition {
  // `aws ecs describe-task-definition` prints { taskDefinition, tags }: accept that file as it is.
  const body =
    value && typeof value === 'object' && 'taskDefinition' in value
      ? (value as { taskDefinition: unknown }).taskDefinition
      : value;
  const result = taskDefinition.safeParse(
    body && typeof body === 'object' ? stripReadOnly(body as Record<string, unknown>) : body,
  );
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new InputError(
      `The task definition in ${origin} is not valid: ${problems.join('; ')}.`,
      'See the RegisterTaskDefinition API reference for the fields of a task definition.',
    );
  }
  const names = result.data.containerDefinitions.map((c) => c.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new InputError(`The task definition in ${origin} has two containers named '${duplicate}'.`);
  return result.data;
}

/**
 * Reads a task definition file: JSON, or YAML (as aws-actions/amazon-ecs-deploy-task-definition accepts).
 * Empty strings, lists and objects are dropped as that action drops them, except under `keepEmpty` keys.
 */
export async function readTaskDefinitionFile(path: string, keepEmpty: string[] = []): Promise<TaskDefinition> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`Cannot read the task definition file ${path}: ${(error as Error).message}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    value = await readYaml(text);
    if (value === undefined || typeof value !== 'object') {
      const message = (error as Error).message;
      const yaml = /\.ya?ml$/i.test(path) ? 'YAML' : 'JSON';
      throw new InputError(
        `The task definition file ${path} is not valid ${yaml}${await whereJsonBreaks(text)}: ${message}.`,
      );
    }
  }
  return parseTaskDefinition(dropEmptyValues(value, new Set(keepEmpty)), path);
}

/** A YAML document's value, or undefined when the text is not YAML either. */
async function readYaml(text: string): Promise<unknown> {
  const { parseDocument } = await import('yaml');
  const document = parseDocument(text);
  return document.errors.length > 0 ? undefined : (document.toJS() as unknown);
}

/** The container that unprefixed variables, logs, labels and commands apply to. */
function targetContainer(definition: TaskDefinition, options: RenderOptions, what: string): ContainerDefinition {
  const names = definition.containerDefinitions.map((c) => c.name);
  const name = options.containerName ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined) {
    throw new InputError(
      `${what} does not say which container it is for, and the task definition has ${names.length}: ${names.join(', ')}.`,
      "Set 'container-name', or prefix the line with the container: worker:KEY=value.",
    );
  }
  return findContainer(definition, name, 'container-name');
}

function findContainer(definition: TaskDefinition, name: string, input: string): ContainerDefinition {
  const found = definition.containerDefinitions.find((c) => c.name === name);
  if (!found) {
    const names = definition.containerDefinitions.map((c) => c.name).join(', ');
    throw new InputError(
      `Input '${input}' names container '${name}', which the task definition does not have.`,
      `Its containers are: ${names}.`,
    );
  }
  return found;
}

function upsert<T extends { name: string }>(items: T[] | undefined, item: T): T[] {
  const list = (items ?? []).filter((existing) => existing.name !== item.name);
  return [...list, item];
}

/**
 * Renders this deployment into a copy of the task definition. `changed` is false when the result is the
 * same as the input, so a registered revision is deployed as it is.
 */
export function render(base: TaskDefinition, options: RenderOptions): { definition: TaskDefinition; changed: boolean } {
  const definition = structuredClone(base);
  const needsTarget = (label: string, count: number) =>
    count > 0 ? targetContainer(definition, options, label) : undefined;
  for (const [name, image] of options.images) findContainer(definition, name, 'images').image = image;
  for (const variable of options.environment) {
    const target = variable.container
      ? findContainer(definition, variable.container, 'environment-variables')
      : needsTarget(`environment-variables line ${variable.name}`, 1);
    if (target) target.environment = upsert(target.environment, { name: variable.name, value: variable.value });
  }
  for (const secret of options.secrets) {
    const target = secret.container
      ? findContainer(definition, secret.container, 'secrets')
      : needsTarget(`secrets line ${secret.name}`, 1);
    if (target) target.secrets = upsert(target.secrets, { name: secret.name, valueFrom: secret.valueFrom });
  }
  const logTarget = needsTarget('log-configuration-log-driver', options.logDriver ? 1 : 0);
  if (logTarget && options.logDriver) {
    logTarget.logConfiguration = { logDriver: options.logDriver, options: Object.fromEntries(options.logOptions) };
  } else if (options.logOptions.size > 0) {
    const target = targetContainer(definition, options, 'log-configuration-options');
    if (!target.logConfiguration)
      throw new InputError(
        "Input 'log-configuration-options' needs 'log-configuration-log-driver': the container has no log configuration to add them to.",
      );
    target.logConfiguration.options = { ...target.logConfiguration.options, ...Object.fromEntries(options.logOptions) };
  }
  const labelTarget = needsTarget('docker-labels', options.dockerLabels.size);
  if (labelTarget)
    labelTarget.dockerLabels = { ...labelTarget.dockerLabels, ...Object.fromEntries(options.dockerLabels) };
  const commandTarget = needsTarget('command', options.command ? 1 : 0);
  if (commandTarget && options.command) commandTarget.command = options.command;
  renderRolesAndFiles(definition, options, needsTarget('env-files', options.envFiles?.length ?? 0));

  for (const c of definition.containerDefinitions) {
    if (!c.image)
      throw new InputError(
        `Container '${c.name}' has no image.`,
        "Give it one in the file, or with 'image' / 'images'.",
      );
    checkImageReference(`image of container ${c.name}`, c.image);
  }
  return { definition, changed: JSON.stringify(definition) !== JSON.stringify(base) };
}

/** The render action's task-role-arn, execution-role-arn and env-files (S3 object ARNs, type s3). */
function renderRolesAndFiles(
  definition: TaskDefinition,
  options: RenderOptions,
  target: ContainerDefinition | undefined,
): void {
  if (options.taskRoleArn) definition.taskRoleArn = options.taskRoleArn;
  if (options.executionRoleArn) definition.executionRoleArn = options.executionRoleArn;
  if (!target) return;
  const files = ((target.environmentFiles as { value: string; type: string }[] | undefined) ?? []).filter(
    (f) => !options.envFiles.includes(f.value),
  );
  target.environmentFiles = [...files, ...options.envFiles.map((value) => ({ value, type: 's3' }))];
}

/** The images of a task definition, container by container, for logs and the summary. */
export function imagesOf(definition: { containerDefinitions?: { name?: string; image?: string }[] }): string[] {
  return (definition.containerDefinitions ?? []).map((c) => `${c.name ?? '?'}=${c.image ?? '?'}`);
}
