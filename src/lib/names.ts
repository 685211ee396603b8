import { InputError } from './errors.js';

/**
 * The documented name rules of the clouds, checked on inputs before any request, so a bad name fails in the
 * time of a bare node start with the input named, instead of as a cloud's ValidationException (or worse, as a
 * request to another resource than meant). Each rule names the reference it follows.
 */
export interface NameRule {
  /** What the cloud accepts, said as the message says it. */
  readonly says: string;
  readonly test: (value: string) => boolean;
}

const pattern = (regex: RegExp, says: string): NameRule => ({ says, test: (value) => regex.test(value) });

/** Letters, digits, hyphens and underscores, 1-255 (ECS API Reference, CreateCluster clusterName, CreateService serviceName, RegisterTaskDefinition family, ContainerDefinition name). */
const ecsName = pattern(/^[A-Za-z0-9_-]{1,255}$/, 'up to 255 letters, digits, hyphens and underscores');

const arnOf = (service: string, resource: string) =>
  new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:${resource}$`);

export const names = {
  /** An ECS cluster name, or its ARN (ECS API Reference, CreateCluster; Amazon Resource Names). */
  ecsCluster: {
    says: `${ecsName.says}, or the cluster's ARN`,
    test: (value) => ecsName.test(value) || arnOf('ecs', 'cluster/[A-Za-z0-9_-]{1,255}').test(value),
  },
  /** An ECS service name, or its ARN (long or short form). */
  ecsService: {
    says: `${ecsName.says}, or the service's ARN`,
    test: (value) =>
      ecsName.test(value) || arnOf('ecs', 'service/([A-Za-z0-9_-]{1,255}/)?[A-Za-z0-9_-]{1,255}').test(value),
  },
  ecsFamily: ecsName,
  ecsContainer: ecsName,
  /** An AWS Region code (AWS General Reference, Regional endpoints). */
  awsRegion: pattern(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'a Region code such as us-east-1'),
  /** An IAM role ARN (IAM User Guide, IAM identifiers: role paths and names). */
  iamRoleArn: pattern(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/([\x21-\x7e]{1,510}\/)?[\w+=,.@-]{1,64}$/,
    'an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>',
  ),
  /** A tag key (Tagging AWS resources, tag naming limits): 1-128 characters, not starting with aws:. */
  awsTagKey: {
    says: '1-128 letters, digits, spaces and _ . : / = + - @, not starting with aws:',
    test: (value) => /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(value) && !/^aws:/i.test(value),
  },
  /** A tag value: 0-256 characters of the same set. */
  awsTagValue: pattern(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, 'up to 256 letters, digits, spaces and _ . : / = + - @'),
  /** A resource group (Azure naming rules, Microsoft.Resources/resourcegroups): 1-90, no trailing period. */
  azureResourceGroup: {
    says: '1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending in a period',
    test: (value) => /^[-\p{L}\p{N}_.()]{1,90}$/u.test(value) && !value.endsWith('.'),
  },
  /** A web app (Microsoft.Web/sites): 2-60 letters, digits and hyphens, not starting or ending with a hyphen. */
  azureWebApp: pattern(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])$/,
    '2-60 letters, digits and hyphens, not starting or ending with a hyphen',
  ),
  /** A deployment slot (Microsoft.Web/sites/slots): 2-59 letters, digits and hyphens. */
  azureSlot: pattern(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,57}[A-Za-z0-9])$/,
    '2-59 letters, digits and hyphens, not starting or ending with a hyphen',
  ),
  /** A container app or job (Microsoft.App/containerApps): 2-32 lower-case letters, digits and single hyphens. */
  azureContainerApp: {
    says: '2-32 lower-case letters, digits and hyphens, starting with a letter, ending with a letter or digit, no "--"',
    test: (value) => /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(value) && !value.includes('--'),
  },
  /** A subscription or tenant ID: a GUID. */
  azureGuid: pattern(
    /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i,
    'a GUID such as 00000000-0000-0000-0000-000000000000',
  ),
} satisfies Record<string, NameRule>;

/**
 * Refuses `value` of input `input` unless `rule` accepts it. The value is shown JSON-quoted, so control
 * characters in it print as escapes, never as a line of their own.
 */
export function checkName(input: string, value: string, rule: NameRule): string {
  if (!rule.test(value)) {
    throw new InputError(`Input '${input}' must be ${rule.says}, got ${JSON.stringify(value)}.`);
  }
  return value;
}
