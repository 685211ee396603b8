import { resourcePath } from '../lib/arn.js';
import type { AwsOptions } from '../lib/aws.js';
import { listenerAddress } from './test-url.js';
import { elbv2, urlOf } from './url.js';

/**
 * The test-url of a deployment held at CodeDeploy's gate: the address of the deployment group's test traffic route
 * (CodeDeploy API Reference, TargetGroupPairInfo `testTrafficRoute`), a listener of the service's load balancer
 * that sends its requests to the replacement task set (ELBv2 API Reference, DescribeListeners,
 * DescribeLoadBalancers). Undefined, with the reason, when the group has no test listener.
 */
export async function testTrafficUrl(
  listenerArn: string | undefined,
  options: AwsOptions,
  log: (line: string) => void,
): Promise<{ url?: string; problem?: string }> {
  if (!listenerArn)
    return {
      problem:
        'the deployment group has no test traffic route (a test listener in its load balancer info): add one to probe the new revision before production traffic moves',
    };
  const elb = await elbv2(options);
  let found: Awaited<ReturnType<typeof listenerAddress>>;
  try {
    found = await listenerAddress(elb, listenerArn);
  } finally {
    elb.client.destroy();
  }
  const { listener, dnsName } = found;
  // The test listener alone decides the URL: its own protocol, and its port even when it is the scheme's own.
  const url = dnsName && listener ? urlOf(dnsName, [listener]) : undefined;
  log(
    url
      ? `test traffic route ${resourcePath(listenerArn)}: ${url}`
      : `test listener ${resourcePath(listenerArn)} is not HTTP, HTTPS or TCP`,
  );
  return url ? { url } : { problem: `the test listener ${resourcePath(listenerArn)} has no URL a probe can use` };
}
