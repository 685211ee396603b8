/**
 * The few kinds of failure a stage reports. Each carries a `hint`: what the user should do about it.
 * Only runStage (src/lib/action.ts) turns them into `core.setFailed`, a failure summary and `failure-reason`.
 */
export class DeployError extends Error {
  /** A stage-specific `failure-reason` (e.g. `plan-changed`), when the error type alone is too coarse. */
  readonly reason?: string;

  constructor(
    message: string,
    readonly hint?: string,
    options?: ErrorOptions & { reason?: string },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.reason = options?.reason;
  }
}

/** An input was missing, malformed or contradicts another. Raised before any cloud call. */
export class InputError extends DeployError {}

/** A cloud API refused a call (access denied, not found, invalid parameter, expired credentials). */
export class CloudError extends DeployError {
  constructor(
    message: string,
    readonly code: string,
    hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, hint, options);
  }
}

/** The new version was rolled out and did not become healthy. */
export class RolloutFailed extends DeployError {}

/** The outcome was still unknown when the time allowed ran out. */
export class TimeoutError extends DeployError {}

/** A stage failure with a machine-readable reason, exposed as the `failure-reason` output. */
export function failureReason(error: unknown): string {
  if (error instanceof DeployError && error.reason) return error.reason;
  if (error instanceof InputError) return 'invalid-input';
  if (error instanceof CloudError) return 'cloud-error';
  if (error instanceof RolloutFailed) return 'rollout-failed';
  if (error instanceof TimeoutError) return 'timeout';
  return 'unexpected';
}

/** One line for the log: the message, then what to do. */
export function describe(error: unknown): string {
  if (error instanceof DeployError) return error.hint ? `${error.message}\n${error.hint}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
