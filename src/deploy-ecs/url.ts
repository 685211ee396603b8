import type * as Elbv2Sdk from '@aws-sdk/client-elastic-load-balancing-v2';
import { resourcePath } from '../lib/arn.js';
import { aws, clientConfig, type AwsOptions } from '../lib/aws.js';
import { CloudError } from '../lib/errors.js';

/**
 * The service-url output: the address of the load balancer in front of a service, found from the target group
 * ECS registers the service's tasks in. It only helps later steps (a smoke test), so it never fails a deploy:
 * a refused or failed lookup leaves it empty, with a warning that says why and which permissions to add.
 * The ELBv2 SDK is loaded only for a service behind a load balancer.
 */

export const LOOKUP_PERMISSIONS = [
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeListeners',
];

export interface ServiceUrl {
  url?: string;
  /** The service whose load balancer gave the URL. */
  service?: string;
  /** Why there is no URL although a service has a target group: the lookup that failed, and what to do. */
  problem?: string;
}

/** What a listener says about itself that matters for a URL (ELBv2's Listener has it). */
type Endpoint = { Protocol?: string; Port?: number };

/** The usual port first, then the lowest. */
const byPort = (usual: number) => (a: Endpoint, b: Endpoint) =>
  Number(b.Port === usual) - Number(a.Port === usual) || (a.Port ?? 0) - (b.Port ?? 0);

/**
 * The URL a browser would open: https:// when the load balancer has an HTTPS listener (or TLS on 443), else
 * http:// through an HTTP listener, else a TCP one; with the port when it is not the scheme's own.
 * No such listener (none, or only UDP / TLS elsewhere than 443): no URL.
 */
export function urlOf(dnsName: string, listeners: Endpoint[]): string | undefined {
  const of = (protocol: string, usual: number) =>
    listeners.filter((l) => l.Protocol === protocol && (protocol !== 'TLS' || l.Port === 443)).sort(byPort(usual));
  const secure = [...of('HTTPS', 443), ...of('TLS', 443)][0];
  const plain = [...of('HTTP', 80), ...of('TCP', 80)][0];
  const chosen = secure
    ? { scheme: 'https', port: secure.Port, usual: 443 }
    : plain
      ? { scheme: 'http', port: plain.Port, usual: 80 }
      : undefined;
  if (!chosen) return undefined;
  const { scheme, port, usual } = chosen;
  return `${scheme}://${dnsName}${port === undefined || port === usual ? '' : `:${port}`}`;
}

/** The SDK module, imported once, and a client made with it. */
export interface Elbv2 {
  sdk: typeof Elbv2Sdk;
  client: Elbv2Sdk.ElasticLoadBalancingV2Client;
}

/**
 * Made as src/lib/aws.ts makes the others (same region, retries, User-Agent; the endpoint from
 * AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 or AWS_ENDPOINT_URL, which the SDK reads itself), but here:
 * every action bundles aws.ts, and a lazy import there would put the ELBv2 SDK into each of their dist/.
 */
export async function elbv2(options: AwsOptions): Promise<Elbv2> {
  const sdk = await import('@aws-sdk/client-elastic-load-balancing-v2');
  return { sdk, client: new sdk.ElasticLoadBalancingV2Client(clientConfig(options)) };
}

/** The URL of the load balancer that forwards to a target group; undefined when none does. */
async function lookUp(
  { sdk, client }: Elbv2,
  targetGroupArn: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  const groups = await aws('elasticloadbalancing:DescribeTargetGroups', () =>
    client.send(new sdk.DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] })),
  );
  const loadBalancerArn = groups.TargetGroups?.[0]?.LoadBalancerArns?.[0];
  if (!loadBalancerArn) {
    log(`target group ${resourcePath(targetGroupArn)} is not used by a load balancer`);
    return undefined;
  }
  const balancers = await aws('elasticloadbalancing:DescribeLoadBalancers', () =>
    client.send(new sdk.DescribeLoadBalancersCommand({ LoadBalancerArns: [loadBalancerArn] })),
  );
  const dnsName = balancers.LoadBalancers?.[0]?.DNSName;
  if (!dnsName) return undefined;
  const listeners = await aws('elasticloadbalancing:DescribeListeners', () =>
    client.send(new sdk.DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn })),
  );
  const url = urlOf(dnsName, listeners.Listeners ?? []);
  log(
    url
      ? `${resourcePath(targetGroupArn)} is behind ${resourcePath(loadBalancerArn)}: ${url}`
      : `load balancer ${resourcePath(loadBalancerArn)} has no HTTP, HTTPS or TCP listener`,
  );
  return url;
}

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);

/**
 * The URL of the first service, in the order given, whose load balancer has one. Services without a target
 * group cost no call.
 */
export async function findServiceUrl(
  services: { service: string; targetGroupArns?: string[] }[],
  options: AwsOptions,
  log: (line: string) => void,
): Promise<ServiceUrl> {
  try {
    let elb: Elbv2 | undefined;
    for (const { service, targetGroupArns = [] } of services) {
      for (const targetGroupArn of targetGroupArns) {
        elb ??= await elbv2(options);
        const url = await lookUp(elb, targetGroupArn, log);
        if (url) return { url, service };
      }
    }
    return {};
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/[.\s]*$/, '.');
    const denied = error instanceof CloudError && DENIED.has(error.code);
    return {
      problem: denied
        ? `${message} To get service-url, allow ${LOOKUP_PERMISSIONS.join(', ')} to the job's AWS role (read-only; see the README's "Permissions").`
        : message,
    };
  }
}
