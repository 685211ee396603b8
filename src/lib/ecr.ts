import type { ECRClient } from '@aws-sdk/client-ecr';
import { bounded, clientConfig, type AwsOptions } from './aws.js';

/**
 * The ECR client, made as aws.ts makes the others. In a module of its own: a bundle holds every SDK that one of
 * its modules imports, even lazily, so in aws.ts it put the ECR SDK into deploy-ecs and rollback, which never log
 * in to a registry.
 */
export async function ecrClient(options: AwsOptions): Promise<ECRClient> {
  const { ECRClient } = await import('@aws-sdk/client-ecr');
  return bounded(new ECRClient(clientConfig(options)), 'ecr', options);
}
