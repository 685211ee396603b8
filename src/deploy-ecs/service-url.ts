import * as core from '@actions/core';
import { describe } from '../lib/errors.js';
import type { LoadBalancer } from '@aws-sdk/client-ecs';
import type { ServiceReport } from './report.js';
import { findTestUrl, TEST_URL_PERMISSIONS } from './test-url.js';
import { findServiceUrl, type ServiceUrl } from './url.js';

/**
 * The service-url output after a successful rollout. A blue/green, canary or linear service's load balancer has a
 * production and a test listener: its URL is the production listener rule's (never the test listener's, whatever
 * port is lower); any other service's is its target group's load balancer's (url.ts). A failed lookup leaves it
 * empty with a warning: the deployment itself succeeded.
 */
export async function lookUpServiceUrl(services: ServiceReport[], region: string | undefined): Promise<ServiceUrl> {
  const options = { region, stage: 'deploy-ecs' };
  const ruled = services.find((s) => s.productionListenerRule);
  let found: ServiceUrl;
  if (ruled?.productionListenerRule) {
    try {
      found = {
        url: await findTestUrl(ruled.productionListenerRule, options, core.info, 'production'),
        service: ruled.service,
      };
    } catch (error) {
      found = {
        problem: `${describe(error).split('\n')[0]} To get service-url, allow ${TEST_URL_PERMISSIONS.join(', ')} to the job's AWS role.`,
      };
    }
  } else found = await findServiceUrl(services, options, core.info);
  if (found.problem) core.warning(`service-url is left empty (the deployment itself succeeded): ${found.problem}`);
  return found;
}

/** What service-url is found from: the service's target groups, and a blue/green service's production listener rule. */
export function recordBalancers(entry: ServiceReport, balanced: LoadBalancer[]): void {
  entry.targetGroupArns = balanced.flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : []));
  entry.productionListenerRule = balanced.find((lb) => lb.advancedConfiguration)?.advancedConfiguration
    ?.productionListenerRule;
}
