/**
 * Reading AWS ARNs (`arn:partition:service:region:account:resource`) without slicing them by hand.
 * See "Amazon Resource Names (ARNs)" in the IAM User Guide for the format.
 */

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the account: `service/cluster/name`, `task-definition/web:12`, `loadbalancer/app/x/id`. */
  resource: string;
}

/** The parts of an ARN, or undefined when the text is not one. */
export function parseArn(text: string): Arn | undefined {
  const match = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(text);
  if (!match) return undefined;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = match;
  return { partition, service, region, account, resource };
}

/**
 * The short name people read: what follows the last `/` (`web:12` of a task definition, a task's id), or the
 * text itself when it has no `/`. Undefined stays undefined, so optional ARNs pass through.
 */
export function shortArn(arn: string): string;
export function shortArn(arn: string | undefined): string | undefined;
export function shortArn(arn: string | undefined): string | undefined {
  return arn === undefined ? undefined : arn.slice(arn.lastIndexOf('/') + 1);
}

/** The resource without its type: `app/web/0123` of `loadbalancer/app/web/0123`, `prod/web` of `service/prod/web`. */
export function resourcePath(arn: string): string {
  const resource = parseArn(arn)?.resource ?? arn;
  return resource.slice(resource.indexOf('/') + 1);
}

/** A task definition's family and revision, from its ARN or `family:revision`. */
export function taskDefinitionRevision(arnOrName: string): { family: string; revision: number } {
  const [family = '', revision = '0'] = shortArn(arnOrName).split(':');
  return { family, revision: Number(revision) };
}
