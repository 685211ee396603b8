import { InputError } from '../lib/errors.js';
import { checkName, names, type NameRule } from '../lib/names.js';

/**
 * The name rules deploy-ecs checks beyond src/lib/names.ts, each from the reference it names, and the checks of
 * its inputs that are lists or maps of names. All run before any request, so a bad name never reaches ECS.
 */

const pattern = (regex: RegExp, says: string): NameRule => ({ says, test: (value) => regex.test(value) });

export const ecsRules = {
  /**
   * A target group ARN (Elastic Load Balancing API Reference, CreateTargetGroup Name: up to 32 alphanumerics
   * and hyphens; the ARN ends in a 16-digit hex id).
   */
  targetGroupArn: pattern(
    /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/,
    'a target group ARN, arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<16 hex digits>',
  ),
  /** A subnet id (Amazon EC2 API Reference, Subnet SubnetId: subnet- and 8 or 17 hex digits). */
  subnet: pattern(/^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/, 'a subnet id such as subnet-0123456789abcdef0'),
  /** A security group id (Amazon EC2 API Reference, SecurityGroup GroupId). */
  securityGroup: pattern(/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/, 'a security group id such as sg-0123456789abcdef0'),
  /** A task definition ARN (ECS API Reference, TaskDefinition taskDefinitionArn). */
  taskDefinitionArn: pattern(
    /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/,
    'a task definition ARN, arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>',
  ),
  /** An S3 object ARN (ECS API Reference, EnvironmentFile value; Amazon S3 User Guide, ARN format). */
  s3ObjectArn: pattern(
    /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+$/,
    'an S3 object ARN such as arn:aws:s3:::bucket/path/app.env',
  ),
  /**
   * A secret's valueFrom (ECS Developer Guide, "Pass sensitive data to a container"): the ARN of a Secrets
   * Manager secret or of an SSM parameter, or the name of a parameter in the same Region.
   */
  secretReference: pattern(
    /^(arn:aws[a-z-]*:(secretsmanager|ssm):\S+|\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*)$/,
    'the ARN of a Secrets Manager secret or an SSM parameter, or the name of a parameter',
  ),
  /** ECS API Reference, LogConfiguration logDriver: the drivers ECS accepts. */
  logDriver: pattern(
    /^(awslogs|awsfirelens|fluentd|gelf|journald|json-file|splunk|syslog)$/,
    'one of awslogs, awsfirelens, fluentd, gelf, journald, json-file, splunk, syslog',
  ),
  /** ECS API Reference, RunTask startedBy: up to 128 letters, digits, hyphens, forward slashes and underscores. */
  startedBy: pattern(/^[A-Za-z0-9_/-]{1,128}$/, 'up to 128 letters, digits, hyphens, slashes and underscores'),
  /**
   * An environment variable name (ECS API Reference, KeyValuePair name): the container's environment cannot hold
   * a name with '=', white space or control characters (POSIX Base Definitions, 8.1 Environment Variable
   * Definition).
   */
  variableName: pattern(/^[^\s=\p{Cc}]{1,255}$/u, "a variable name without '=', spaces or control characters"),
} satisfies Record<string, NameRule>;

/** Checks every item of a list input with one rule. */
export function checkEach(input: string, values: string[], rule: NameRule): string[] {
  for (const value of values) checkName(input, value, rule);
  return values;
}

/** Tags given as key=value lines or a JSON array: each key and value by the AWS tag rules. */
export function checkTags(input: string, tags: { key: string; value: string }[]): { key: string; value: string }[] {
  for (const { key, value } of tags) {
    checkName(`${input} (key)`, key, names.awsTagKey);
    checkName(`${input} (value of ${key})`, value, names.awsTagValue);
  }
  return tags;
}

/** A one-line value that is only text where a number or a name was expected: refused without printing it. */
export function refuseSecretShaped(input: string, value: string, rule: NameRule): void {
  if (rule.test(value)) return;
  throw new InputError(
    `Input '${input}' must be ${rule.says}; the value given is not one (it is not printed, as it may be a secret).`,
    'Give the reference (ARN or parameter name) of the secret, never its value.',
  );
}
