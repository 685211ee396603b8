import { join } from 'node:path';
import type { FakeEcs } from './index.js';
import type { LocalImage } from './process-driver.js';

/**
 * The sample service (examples/hello-service) as images the process driver runs: each image reference is the
 * server with the environment baked into it (VERSION, BUG=crash|unhealthy), as an image's ENV would be.
 */

const server = join(import.meta.dirname, '..', '..', '..', 'examples', 'hello-service', 'server.mjs');

export function helloImages(images: Record<string, Record<string, string>>): (image: string) => LocalImage | undefined {
  return (image) => {
    const env = images[image];
    return env && { command: [process.execPath, server], env: { ...env } };
  };
}

/**
 * Registers a Fargate revision of family hello running `image`, with the container health check ECS runs
 * (HTTP on the task's port; 1 s interval, 2 retries); returns its ARN.
 */
export function helloDefinition(ecs: FakeEcs, image: string, healthPath = '/live'): string {
  return ecs.register({
    family: 'hello',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'hello',
        image,
        essential: true,
        portMappings: [{ containerPort: 8080 }],
        healthCheck: {
          command: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:$PORT${healthPath} || exit 1`],
          interval: 1,
          timeout: 1,
          retries: 2,
        },
      },
    ],
  }).taskDefinitionArn;
}
