import { AwsFault } from '../aws/json-server.js';
import type { ContainerDefinition, Json } from './model.js';

/**
 * What RegisterTaskDefinition refuses and what it fills in, as the Amazon ECS API Reference
 * (RegisterTaskDefinition, ContainerDefinition, PortMapping) and the Developer Guide ("Amazon ECS task
 * definition parameters for Fargate", "Task size", "Troubleshoot Amazon ECS task definition invalid CPU or
 * memory errors") document. Every refusal is a ClientException, the exception RegisterTaskDefinition throws
 * for a definition it cannot accept.
 */

const refuse = (message: string) => new AwsFault('ClientException', message);

/** API Reference, RegisterTaskDefinition `family`: up to 255 letters, numbers, underscores and hyphens. */
const NAME = /^[a-zA-Z0-9_-]{1,255}$/;

/**
 * Developer Guide, "Task size" (Fargate): the task CPU units and, for each, the memory (MiB) it accepts:
 * 256 with 512, 1024 or 2048; 512 with 1-4 GB; 1024 with 2-8 GB; 2048 with 4-16 GB and 4096 with 8-30 GB in
 * 1 GB steps; 8192 with 16-60 GB in 4 GB steps; 16384 with 32-120 GB in 8 GB steps.
 */
const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: steps(1024, 4096, 1024),
  1024: steps(2048, 8192, 1024),
  2048: steps(4096, 16384, 1024),
  4096: steps(8192, 30720, 1024),
  8192: steps(16384, 61440, 4096),
  16384: steps(32768, 122880, 8192),
};

function steps(from: number, to: number, by: number): number[] {
  const out: number[] = [];
  for (let value = from; value <= to; value += by) out.push(value);
  return out;
}

/**
 * API Reference, RegisterTaskDefinition `cpu` and `memory`: strings, in units or with a unit ("1 vCPU",
 * "2 GB"), converted to an integer of CPU units or MiB when the definition is registered.
 */
export function taskSize(value: unknown, unit: 'vcpu' | 'gb'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim();
  const scaled = new RegExp(`^(\\d+(?:\\.\\d+)?)\\s*${unit === 'vcpu' ? 'vcpu' : 'gb'}$`, 'i').exec(text);
  if (scaled) return Math.round(Number(scaled[1]) * 1024);
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

function checkNames(body: Json, containers: ContainerDefinition[]) {
  if (!NAME.test(String(body.family ?? '')))
    throw refuse(
      'Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.',
    );
  const seen = new Set<string>();
  for (const container of containers) {
    if (!container.name || !container.image)
      throw refuse('Container.name and Container.image should not be null or empty.');
    // API Reference, ContainerDefinition `name`: the same pattern as a family.
    if (!NAME.test(container.name)) throw refuse(`Container.name contains invalid characters: '${container.name}'.`);
    if (seen.has(container.name))
      throw refuse(`Duplicate container name '${container.name}' in the container definitions.`);
    seen.add(container.name);
  }
  // API Reference, ContainerDefinition `essential`: a task definition must have at least one essential container.
  if (!containers.some((c) => c.essential !== false))
    throw refuse('Task definition must have at least one essential container.');
}

/** ContainerDefinition `memory` / `memoryReservation`: which a container needs, and how they relate. */
function checkContainerMemory(container: ContainerDefinition, taskMemory: number | undefined) {
  const hard = container.memory as number | undefined;
  const soft = container.memoryReservation as number | undefined;
  // ContainerDefinition `memory`: without task-level memory every container must give memory or memoryReservation.
  if (taskMemory === undefined && hard === undefined && soft === undefined)
    throw refuse(
      `Invalid setting for container '${container.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
    );
  // ContainerDefinition `memory`: the Docker daemon reserves at least 6 MiB for a container.
  for (const [field, value] of [
    ['memory', hard],
    ['memoryReservation', soft],
  ] as const)
    if (value !== undefined && value < 6)
      throw refuse(`Invalid '${field}' setting for container '${container.name}'. The minimum is 6 MiB.`);
  // ContainerDefinition `memoryReservation`: it must be lower than `memory` when both are given.
  if (hard !== undefined && soft !== undefined && soft > hard)
    throw refuse(
      `Invalid setting for container '${container.name}'. 'memoryReservation' must be less than or equal to 'memory'.`,
    );
  // ContainerDefinition `memory`: a container cannot have more than the task.
  if (taskMemory !== undefined && (hard ?? soft ?? 0) > taskMemory)
    throw refuse(
      `Invalid 'memory' setting for container '${container.name}'. The container memory cannot be greater than the task memory (${taskMemory}).`,
    );
}

/** PortMapping `hostPort`: with awsvpc it must be left out or equal the containerPort. */
function checkPorts(container: ContainerDefinition, networkMode: string) {
  for (const mapping of (container.portMappings as Json[] | undefined) ?? []) {
    const port = mapping.containerPort as number | undefined;
    if (port !== undefined && (port < 1 || port > 65535))
      throw refuse(`Invalid 'containerPort' for container '${container.name}': ${port}.`);
    if (networkMode === 'awsvpc' && mapping.hostPort !== undefined && mapping.hostPort !== port)
      throw refuse('When networkMode=awsvpc, the host ports and container ports in port mappings must match.');
  }
}

/** Developer Guide, "Amazon ECS task definition parameters for Fargate": what a FARGATE definition needs. */
function checkFargate(body: Json, containers: ContainerDefinition[], cpu?: number, memory?: number) {
  // "Network mode": Fargate only supports awsvpc.
  if (body.networkMode !== 'awsvpc') throw refuse("Fargate only supports network mode 'awsvpc'.");
  // "Task size": task-level cpu and memory are required on Fargate.
  if (cpu === undefined) throw refuse("Fargate requires that 'cpu' be defined at the task level.");
  if (memory === undefined) throw refuse("Fargate requires that 'memory' be defined at the task level.");
  // Troubleshooting, "invalid CPU or memory errors": a pair outside the table is refused.
  if (!FARGATE_SIZES[cpu]?.includes(memory))
    throw refuse(`No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory.`);
  // "Storage and logging": the awslogs driver on Fargate pulls credentials through the task execution role.
  if (!body.executionRoleArn)
    for (const c of containers)
      if ((c.logConfiguration as Json | undefined)?.logDriver === 'awslogs')
        throw refuse('Fargate requires task definition to have execution role ARN to support log driver awslogs.');
}

/**
 * Developer Guide, "Amazon ECS task execution IAM role": secrets (Secrets Manager, SSM) and private registry
 * credentials are read with the execution role, so a definition that uses them must name one.
 */
function checkExecutionRole(body: Json, containers: ContainerDefinition[]) {
  if (body.executionRoleArn) return;
  for (const c of containers) {
    if ((c.secrets as unknown[] | undefined)?.length)
      throw refuse("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
    if (c.repositoryCredentials)
      throw refuse(
        "When you are specifying container repositoryCredentials, you must also specify a value for 'executionRoleArn'.",
      );
  }
}

/** Checks a RegisterTaskDefinition request; returns the task size as registered (integers as strings). */
export function validateRegistration(body: Json): { cpu?: string; memory?: string } {
  const containers = body.containerDefinitions as ContainerDefinition[] | undefined;
  if (!Array.isArray(containers) || containers.length === 0) throw refuse('Container list cannot be empty.');
  checkNames(body, containers);
  const cpu = taskSize(body.cpu, 'vcpu');
  const memory = taskSize(body.memory, 'gb');
  if (Number.isNaN(cpu)) throw refuse("Invalid 'cpu' setting for task.");
  if (Number.isNaN(memory)) throw refuse("Invalid 'memory' setting for task.");
  const compatibilities = (body.requiresCompatibilities as string[] | undefined) ?? [];
  for (const value of compatibilities)
    if (!['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'].includes(value))
      throw refuse(`Invalid requiresCompatibilities value: ${value}.`);
  if (compatibilities.includes('FARGATE')) checkFargate(body, containers, cpu, memory);
  checkExecutionRole(body, containers);
  const networkMode = String(body.networkMode ?? 'bridge');
  for (const container of containers) {
    checkContainerMemory(container, memory);
    checkPorts(container, networkMode);
  }
  return {
    ...(cpu !== undefined ? { cpu: String(cpu) } : {}),
    ...(memory !== undefined ? { memory: String(memory) } : {}),
  };
}

/** Whether a registered definition could run on Fargate: what `compatibilities` says (API Reference, TaskDefinition). */
function fargateCompatible(definition: Json): boolean {
  const cpu = taskSize(definition.cpu, 'vcpu');
  const memory = taskSize(definition.memory, 'gb');
  return (
    definition.networkMode === 'awsvpc' &&
    cpu !== undefined &&
    memory !== undefined &&
    (FARGATE_SIZES[cpu]?.includes(memory) ?? false)
  );
}

/**
 * The fields DescribeTaskDefinition shows that the request left out (API Reference, TaskDefinition and
 * ContainerDefinition): networkMode bridge, essential true, cpu 0, empty lists, the hostPort awsvpc fills in,
 * protocol tcp, and `compatibilities` computed from the definition: EC2 always, FARGATE when it fits Fargate.
 */
export function withDefaults(body: Json): Json {
  const networkMode = String(body.networkMode ?? 'bridge');
  const containers = (body.containerDefinitions as ContainerDefinition[]).map((c) => ({
    cpu: 0,
    essential: true,
    environment: [],
    mountPoints: [],
    volumesFrom: [],
    systemControls: [],
    ...c,
    portMappings: ((c.portMappings as Json[] | undefined) ?? []).map((p) => ({
      ...p,
      ...(networkMode === 'awsvpc' && p.hostPort === undefined ? { hostPort: p.containerPort } : {}),
      protocol: p.protocol ?? 'tcp',
    })),
  }));
  return {
    volumes: [],
    placementConstraints: [],
    ...body,
    networkMode,
    containerDefinitions: containers,
    compatibilities: fargateCompatible({ ...body, networkMode }) ? ['EC2', 'FARGATE'] : ['EC2'],
  };
}
