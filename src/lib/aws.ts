import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { CloudError, InputError } from './errors.js';

/**
 * The one place AWS clients are made. The SDK finds credentials and endpoints itself (the job's
 * credentials, `AWS_ENDPOINT_URL_ECS` / `AWS_ENDPOINT_URL`), so the local stand-ins need no special path.
 * SDKs are imported lazily: a stage validates its inputs before paying for loading them.
 */

export interface AwsOptions {
  region?: string;
  /** Shown in the User-Agent so CloudTrail tells this suite's calls apart. */
  stage: string;
  /** Retries after a failed attempt (max-retries of aws-actions/amazon-ecs-deploy-task-definition). */
  maxRetries?: number;
}

/** The region from the input, else from the environment that configure-aws-credentials sets. */
export function resolveRegion(explicit: string | undefined): string {
  const region = explicit ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new InputError(
      'No AWS region is set.',
      "Give the 'aws-region' input, or run aws-actions/configure-aws-credentials (which sets AWS_REGION) before this step.",
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new InputError(
      `AWS region '${region}' is not a region name.`,
      'Use a region such as us-east-1 or eu-west-1.',
    );
  }
  return region;
}

export function clientConfig(options: AwsOptions) {
  return {
    region: resolveRegion(options.region),
    customUserAgent: `deploy-actions/${options.stage}`,
    // Throttling and 5xx are retried by the SDK with jittered backoff; five tries ride out a short burst.
    // AWS_MAX_ATTEMPTS, when set, is the user's choice and wins.
    // An explicit max-retries input wins over both.
    ...(options.maxRetries !== undefined
      ? { maxAttempts: options.maxRetries + 1 }
      : process.env.AWS_MAX_ATTEMPTS
        ? {}
        : { maxAttempts: 5 }),
  };
}

export async function ecsClient(options: AwsOptions): Promise<ECSClient> {
  const { ECSClient } = await import('@aws-sdk/client-ecs');
  return new ECSClient(clientConfig(options));
}

export async function ecrClient(options: AwsOptions): Promise<ECRClient> {
  const { ECRClient } = await import('@aws-sdk/client-ecr');
  return new ECRClient(clientConfig(options));
}

const hints: Record<string, string> = {
  AccessDeniedException:
    'The job\'s AWS role is not allowed this call: add the action named above to its IAM policy (see the README\'s "Permissions").',
  UnrecognizedClientException: 'The AWS credentials are not valid: check the role the job assumes.',
  ExpiredTokenException: 'The AWS credentials expired: raise role-duration-seconds in configure-aws-credentials.',
  InvalidSignatureException: 'The AWS secret key does not match the access key.',
  CredentialsProviderError:
    'No AWS credentials were found: run aws-actions/configure-aws-credentials before this step (with id-token: write for OIDC).',
  ClusterNotFoundException: 'Check the cluster name and the region.',
  ServiceNotFoundException: 'Check the service name, or give the create-service inputs to create it.',
  ServiceNotActiveException: 'The service was deleted or is draining: create it again, or deploy to another service.',
};

/** Turns an AWS SDK error into a CloudError that names the call, the AWS error code and what to check. */
export function awsError(error: unknown, operation: string): CloudError {
  if (error instanceof CloudError) return error;
  const err = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const code = err.name && err.name !== 'Error' ? err.name : (err.code ?? 'Error');
  const status = err.$metadata?.httpStatusCode;
  const message = `${operation} failed: ${code}${status ? ` (HTTP ${status})` : ''}: ${err.message ?? String(error)}`;
  return new CloudError(message, code, hints[code], { cause: error });
}

/** Runs one AWS call and reports its failure as a CloudError naming the operation. */
export async function aws<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw awsError(error, operation);
  }
}
