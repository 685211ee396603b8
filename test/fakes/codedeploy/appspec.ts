import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { AwsFault } from '../aws/json-server.js';

/**
 * What the local CodeDeploy reads of an ECS AppSpec (CodeDeploy User Guide, "AppSpec File reference": the
 * 'resources' section for Amazon ECS deployments and the 'hooks' section for an Amazon ECS deployment). YAML or
 * JSON (JSON is YAML); `version`, exactly one `TargetService` of `Type: AWS::ECS::Service` with `TaskDefinition`
 * and `LoadBalancerInfo` (`ContainerName`, `ContainerPort`), and `Hooks` naming one Lambda function per ECS
 * lifecycle event. CodeDeploy reads the keys as written (the aws-actions deploy action matches them case-blind
 * only to fill TaskDefinition in).
 */

/** The ECS lifecycle events in the order they run (User Guide, "Run order of hooks in an Amazon ECS deployment"). */
export const ECS_EVENTS = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
] as const;
export type EcsEvent = (typeof ECS_EVENTS)[number];

/** The events a hook may run at; Install, AllowTestTraffic and AllowTraffic are CodeDeploy's own (not scriptable). */
export const HOOK_EVENTS: EcsEvent[] = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
];

export interface EcsAppSpec {
  taskDefinition: string;
  containerName: string;
  containerPort: number;
  hooks: Partial<Record<EcsEvent, string>>;
}

const invalid = (message: string) => new AwsFault('InvalidRevisionException', message);

/**
 * API Reference, RevisionLocation / AppSpecContent: `content` is the AppSpec as a string and `sha256` its SHA-256
 * hash; CreateDeployment refuses a revision it cannot use (InvalidRevisionException, RevisionRequiredException).
 */
export function readRevision(revision: unknown): EcsAppSpec {
  if (!revision || typeof revision !== 'object')
    throw new AwsFault('RevisionRequiredException', 'Revision is required');
  const { revisionType, appSpecContent } = revision as { revisionType?: string; appSpecContent?: unknown };
  // API Reference, RevisionLocation `revisionType`: an ECS deployment's revision is AppSpecContent (or an S3 object).
  if (revisionType !== 'AppSpecContent')
    throw invalid(`Revision type ${String(revisionType)} is not supported for ECS`);
  const { content, sha256 } = (appSpecContent ?? {}) as { content?: unknown; sha256?: unknown };
  if (typeof content !== 'string' || content === '') throw invalid('AppSpec content is required');
  if (sha256 !== undefined && sha256 !== createHash('sha256').update(content).digest('hex'))
    throw invalid('The SHA256 of the AppSpec content does not match the sha256 given');
  return checkAppSpec(content);
}

function checkAppSpec(content: string): EcsAppSpec {
  let doc: unknown;
  try {
    doc = parse(content);
  } catch {
    throw invalid('The AppSpec file is not well-formed YAML or JSON');
  }
  const root = (doc ?? {}) as Record<string, unknown>;
  if (root.version === undefined) throw invalid("The AppSpec file is missing 'version'");
  const resources = root.Resources;
  if (!Array.isArray(resources) || resources.length !== 1)
    throw invalid("The AppSpec file must have exactly one resource in 'Resources' for an ECS deployment");
  const target = (resources[0] as Record<string, unknown>).TargetService as Record<string, unknown> | undefined;
  if (target?.Type !== 'AWS::ECS::Service')
    throw invalid("The AppSpec resource must be a 'TargetService' of Type AWS::ECS::Service");
  const properties = (target.Properties ?? {}) as Record<string, unknown>;
  const lb = (properties.LoadBalancerInfo ?? {}) as Record<string, unknown>;
  if (typeof properties.TaskDefinition !== 'string' || properties.TaskDefinition === '')
    throw invalid("The AppSpec 'TaskDefinition' property is missing");
  if (typeof lb.ContainerName !== 'string' || !Number.isInteger(Number(lb.ContainerPort)))
    throw invalid("The AppSpec 'LoadBalancerInfo' needs ContainerName and ContainerPort");
  return {
    taskDefinition: properties.TaskDefinition,
    containerName: lb.ContainerName,
    containerPort: Number(lb.ContainerPort),
    hooks: readHooks(root.Hooks),
  };
}

function readHooks(hooks: unknown): EcsAppSpec['hooks'] {
  if (hooks === undefined || hooks === null) return {};
  if (!Array.isArray(hooks)) throw invalid("The AppSpec 'Hooks' section must be a list");
  const found: EcsAppSpec['hooks'] = {};
  for (const entry of hooks as Record<string, unknown>[]) {
    for (const [event, fn] of Object.entries(entry ?? {})) {
      if (!HOOK_EVENTS.includes(event as EcsEvent))
        throw invalid(`The AppSpec hook '${event}' is not a lifecycle event of an ECS deployment`);
      if (typeof fn !== 'string' || fn === '') throw invalid(`The AppSpec hook '${event}' must name a Lambda function`);
      found[event as EcsEvent] = fn;
    }
  }
  return found;
}
