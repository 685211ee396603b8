import type { ECSClient } from '@aws-sdk/client-ecs';
import { bounded, clientConfig, type AwsOptions } from './aws.js';

/**
 * The ECS client, made as aws.ts makes the others. In a module of its own: a bundle holds every SDK that one of
 * its modules imports, even lazily, so in aws.ts it put the ECS SDK into build-push, which never calls ECS.
 */
export async function ecsClient(options: AwsOptions): Promise<ECSClient> {
  const { ECSClient } = await import('@aws-sdk/client-ecs');
  return bounded(new ECSClient(clientConfig(options)), 'ecs', options);
}
