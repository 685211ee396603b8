import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { InputError } from '../lib/errors.js';

/**
 * The AppSpec of a CodeDeploy ECS deployment (CodeDeploy User Guide, "AppSpec File reference", the 'resources'
 * section for Amazon ECS deployments): given as a YAML or JSON file whose TaskDefinition is filled in with the
 * revision just registered, or written from the service's load balancer. Sent as AppSpecContent, a JSON string
 * and its SHA-256, as aws-actions/amazon-ecs-deploy-task-definition sends it. Keys are matched case-blind to fill
 * TaskDefinition in, as the anchor matches them, so a file that worked there works here.
 */

export type AppSpecDocument = Record<string, unknown>;

export interface AppSpecContent {
  content: string;
  sha256: string;
}

function keyOf(object: unknown, key: string): string | undefined {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return undefined;
  return Object.keys(object).find((k) => k.toLowerCase() === key.toLowerCase());
}

function malformed(path: string, what: string): InputError {
  return new InputError(
    `The AppSpec file ${path} (codedeploy-appspec) ${what}.`,
    'Write it as the CodeDeploy User Guide shows for an ECS deployment: version, Resources with one TargetService (Type AWS::ECS::Service, Properties with TaskDefinition and LoadBalancerInfo), and optional Hooks.',
  );
}

/** Reads and checks an AppSpec file before any request, so a broken one fails before anything is registered. */
export async function readAppSpec(path: string, shown: string): Promise<AppSpecDocument> {
  let doc: unknown;
  try {
    doc = parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw malformed(shown, `is not YAML or JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw malformed(shown, 'is not a mapping');
  const resourcesKey = keyOf(doc, 'resources');
  const resources = resourcesKey ? (doc as AppSpecDocument)[resourcesKey] : undefined;
  if (!Array.isArray(resources) || resources.length === 0) throw malformed(shown, "has no 'Resources' list");
  for (const resource of resources) {
    const entries = resource && typeof resource === 'object' ? Object.values(resource as object) : [];
    if (entries.length === 0) throw malformed(shown, 'has an empty resource in Resources');
    for (const contents of entries) {
      const properties = keyOf(contents, 'properties');
      if (!properties || !keyOf((contents as AppSpecDocument)[properties], 'taskDefinition'))
        throw malformed(shown, "has a resource without 'Properties.TaskDefinition'");
    }
  }
  return doc as AppSpecDocument;
}

/** The document with every resource's TaskDefinition set to the new revision (the placeholder filled in). */
export function fillAppSpec(doc: AppSpecDocument, taskDefinitionArn: string): AppSpecDocument {
  const copy = structuredClone(doc);
  const resources = copy[keyOf(copy, 'resources') as string] as Record<string, AppSpecDocument>[];
  for (const resource of resources)
    for (const contents of Object.values(resource)) {
      const properties = contents[keyOf(contents, 'properties') as string] as AppSpecDocument;
      properties[keyOf(properties, 'taskDefinition') as string] = taskDefinitionArn;
    }
  return copy;
}

/** An AppSpec written from the service's load balancer: the container and port CodeDeploy routes traffic to. */
export function generateAppSpec(
  taskDefinitionArn: string,
  loadBalancer: { containerName?: string; containerPort?: number } | undefined,
  service: string,
): AppSpecDocument {
  if (!loadBalancer?.containerName || !loadBalancer.containerPort)
    throw new InputError(
      `Service '${service}' has no load balancer container and port to write an AppSpec from, and no codedeploy-appspec was given.`,
      'Give codedeploy-appspec (a YAML or JSON AppSpec file in the workspace); its TaskDefinition is filled in with the new revision.',
    );
  return {
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: taskDefinitionArn,
            LoadBalancerInfo: { ContainerName: loadBalancer.containerName, ContainerPort: loadBalancer.containerPort },
          },
        },
      },
    ],
  };
}

export function appSpecContent(doc: AppSpecDocument): AppSpecContent {
  const content = JSON.stringify(doc);
  return { content, sha256: createHash('sha256').update(content).digest('hex') };
}
