import type { Listener, Rule } from '@aws-sdk/client-elastic-load-balancing-v2';
import { resourcePath } from '../lib/arn.js';
import { aws, type AwsOptions } from '../lib/aws.js';
import { CloudError } from '../lib/errors.js';
import { elbv2, type Elbv2 } from './url.js';

/**
 * The test-url output: where the test listener rule of a blue/green service takes requests, so a smoke test
 * reaches only the new revision while production stays on the old one. ELBv2 DescribeRules gives the rule
 * (its path-pattern), the rule's ARN names its listener (Elastic Load Balancing API Reference, Rule RuleArn:
 * listener-rule/app/<lb>/<lb id>/<listener id>/<rule id>), DescribeListeners its port and protocol,
 * DescribeLoadBalancers the DNS name.
 */

export const TEST_URL_PERMISSIONS = [
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeLoadBalancers',
];

/** The listener of a rule, from the rule's ARN. */
export function listenerOf(ruleArn: string): string {
  const match = /^(arn:[^:]+:elasticloadbalancing:[^:]+:\d{12}:)listener-rule\/(.+)\/[0-9a-f]{16}$/.exec(ruleArn);
  if (!match) throw new CloudError(`'${ruleArn}' is not a listener rule ARN.`, 'InvalidRuleArn');
  return `${match[1]}listener/${match[2]}`;
}

/**
 * The path a rule's path-pattern condition starts with, up to its first wildcard and without a trailing slash
 * (/api/* gives /api); empty without one.
 */
export function pathPrefix(rule: Rule): string {
  const condition = rule.Conditions?.find((c) => c.Field === 'path-pattern');
  const pattern = condition?.PathPatternConfig?.Values?.[0] ?? condition?.Values?.[0];
  if (!pattern) return '';
  const fixed = pattern.split(/[*?]/)[0] ?? '';
  return fixed.replace(/\/+$/, '');
}

const SCHEMES: Record<string, [string, number]> = {
  HTTP: ['http', 80],
  HTTPS: ['https', 443],
  TCP: ['http', 80],
  TLS: ['https', 443],
};

export function urlFor(dnsName: string, listener: { Protocol?: string; Port?: number }, path: string): string {
  const [scheme, usual] = SCHEMES[listener.Protocol ?? ''] ?? [];
  if (!scheme)
    throw new CloudError(
      `The test listener speaks ${listener.Protocol ?? 'no protocol'}, which no HTTP probe can reach.`,
      'UnsupportedProtocol',
    );
  const port = listener.Port === undefined || listener.Port === usual ? '' : `:${listener.Port}`;
  return `${scheme}://${dnsName}${port}${path}`;
}

/** A listener (DescribeListeners: its port and protocol) and its load balancer's DNS name (DescribeLoadBalancers). */
export async function listenerAddress(
  { sdk, client }: Elbv2,
  listenerArn: string,
): Promise<{ listener?: Listener; dnsName?: string }> {
  const listeners = await aws('elasticloadbalancing:DescribeListeners', () =>
    client.send(new sdk.DescribeListenersCommand({ ListenerArns: [listenerArn] })),
  );
  const listener = listeners.Listeners?.[0];
  const balancers = await aws('elasticloadbalancing:DescribeLoadBalancers', () =>
    client.send(new sdk.DescribeLoadBalancersCommand({ LoadBalancerArns: [listener?.LoadBalancerArn ?? ''] })),
  );
  return { listener, dnsName: balancers.LoadBalancers?.[0]?.DNSName };
}

/**
 * The URL of a listener rule's traffic: the test listener rule's (throws: the gate cannot be tested without it), or
 * for service-url the production listener rule's of a blue/green service (whose load balancer also has the test one).
 */
export async function findTestUrl(
  ruleArn: string,
  options: AwsOptions,
  log: (line: string) => void,
  which: 'test' | 'production' = 'test',
): Promise<string> {
  const { sdk, client } = await elbv2(options);
  try {
    const rules = await aws('elasticloadbalancing:DescribeRules', () =>
      client.send(new sdk.DescribeRulesCommand({ RuleArns: [ruleArn] })),
    );
    const rule = rules.Rules?.[0];
    if (!rule) throw new CloudError(`ELBv2 does not know the ${which} listener rule ${ruleArn}.`, 'RuleNotFound');
    const { listener, dnsName } = await listenerAddress({ sdk, client }, listenerOf(ruleArn));
    if (!listener || !dnsName) throw new CloudError(`The load balancer of ${ruleArn} has no DNS name.`, 'NoDnsName');
    const url = urlFor(dnsName, listener, pathPrefix(rule));
    const host = rule.Conditions?.find((c) => c.Field === 'host-header');
    log(`${which} listener rule ${resourcePath(ruleArn)} on port ${listener.Port}: ${url}`);
    if (host)
      log(
        `the rule also matches host ${(host.HostHeaderConfig?.Values ?? host.Values ?? []).join(', ')}: send that Host header when probing`,
      );
    return url;
  } finally {
    client.destroy();
  }
}
