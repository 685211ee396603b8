import { formatDuration } from './duration.js';
import { CloudError, DeployError, InputError, TimeoutError } from './errors.js';
import { scrub } from './secrets.js';

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
  /** How long one attempt may go unanswered before it is cut (and retried by the SDK); default 30 s. */
  requestTimeoutMs?: number;
  /** The stage's deadline: no request is waited on past it (ecsClient, ecrClient). */
  deadline?: Deadline;
}

/**
 * The time a stage has, and the input that gave it (named when a request is cut at it). Mutable: a stage that
 * must still put things back after its deadline (deploy-ecs's rollback) gives that phase a new one.
 */
export interface Deadline {
  /** Milliseconds since the epoch. */
  at: number;
  input: string;
}

/** The per-attempt timeout when no request-timeout is given: longer than any answer ECS or ECR takes. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

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
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return {
    region: resolveRegion(options.region),
    customUserAgent: `deploy-actions/${options.stage}`,
    // A hung attempt is cut (a TimeoutError, which the SDK retries as transient) instead of waited on forever;
    // a connection that cannot even be opened is given up on sooner.
    requestHandler: {
      requestTimeout,
      throwOnRequestTimeout: true,
      connectionTimeout: Math.min(requestTimeout, 10_000),
    },
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

/** What every AWS SDK v3 client has: send(command, options). */
interface Sender {
  // The SDK's own send is overloaded per command; any command and options pass through unchanged.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  send(command: any, options?: any): Promise<any>;
}

/**
 * Bounds every request of a client: each attempt by the request timeout (never longer than the time left), and
 * the whole call, retries included, by the deadline, as an abort signal (AWS SDK for JavaScript v3 Developer
 * Guide, "Abort requests": `send(command, { abortSignal })`). A call cut at the deadline fails as a
 * TimeoutError that names the operation, how long it waited and the input the deadline came from.
 */
export function bounded<Client extends Sender>(client: Client, service: string, options: AwsOptions): Client {
  const send = client.send.bind(client);
  const perAttempt = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  client.send = (async (command: { constructor: { name: string } }, sendOptions?: Record<string, unknown>) => {
    const operation = `${service}:${command.constructor.name.replace(/Command$/, '')}`;
    const { deadline } = options;
    const started = Date.now();
    const left = deadline ? deadline.at - started : Number.POSITIVE_INFINITY;
    if (left <= 0) throw pastDeadline(operation, deadline as Deadline, 0);
    const signal = Number.isFinite(left) ? AbortSignal.timeout(left) : undefined;
    try {
      return await send(command, {
        ...sendOptions,
        ...(signal ? { abortSignal: signal } : {}),
        requestTimeout: Math.max(1, Math.min(perAttempt, left)),
      });
    } catch (error) {
      if (signal?.aborted && deadline) throw pastDeadline(operation, deadline, Date.now() - started, error);
      throw error;
    }
  }) as Client['send'];
  return client;
}

function pastDeadline(operation: string, deadline: Deadline, waitedMs: number, cause?: unknown): TimeoutError {
  const waited = waitedMs > 0 ? ` after waiting ${formatDuration(waitedMs)} for an answer` : ' before it was sent';
  return new TimeoutError(
    `${operation} was cut at the deadline (${deadline.input})${waited}.`,
    `AWS did not answer in time; raise ${deadline.input}, or look at the AWS Health Dashboard for the region.`,
    { cause },
  );
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

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/**
 * Turns an AWS SDK error into a CloudError that names the call, the AWS error code and what to check. AWS
 * error messages can quote the request (a ValidationException quoting a container definition, an environment
 * value): the message is scrubbed of every masked value before it is printed or becomes a failure reason.
 */
export function awsError(error: unknown, operation: string): DeployError {
  if (error instanceof DeployError) return error;
  const err = error as SdkError;
  const code = err.name && err.name !== 'Error' ? err.name : (err.code ?? 'Error');
  const status = err.$metadata?.httpStatusCode;
  const attempts = err.$metadata?.attempts;
  const said = code === 'TimeoutError' ? 'no answer in time (request-timeout)' : (err.message ?? String(error));
  const tries = attempts && attempts > 1 ? ` (${attempts} attempts)` : '';
  const message = `${operation} failed: ${code}${status ? ` (HTTP ${status})` : ''}${tries}: ${said}`;
  return new CloudError(scrub(message), code, hints[code], { cause: error });
}

/**
 * Whether a failed call may still have been applied: its answer was lost (a reset, a timeout, a cut at the
 * deadline) or the service failed with a 5xx after accepting it. A 4xx is a refusal: nothing was applied.
 */
export function mayHaveApplied(error: unknown): boolean {
  const err = ((error as { cause?: unknown }).cause ?? error) as SdkError;
  if (error instanceof TimeoutError) return true;
  if (error instanceof DeployError && !(error instanceof CloudError)) return false;
  const status = err.$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

/** Runs one AWS call and reports its failure as a CloudError naming the operation. */
export async function aws<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw awsError(error, operation);
  }
}
