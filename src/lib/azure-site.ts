import type { WebSiteManagementClient } from '@azure/arm-appservice';
import { azure } from './azure.js';
import { CloudError, InputError } from './errors.js';

/**
 * Finding a web app by its name alone, as azure/webapps-deploy does when resource-group-name is not given: the
 * subscription's sites (ARM: GET /subscriptions/{id}/providers/Microsoft.Web/sites) with that name.
 */
export async function findResourceGroup(client: WebSiteManagementClient, app: string): Promise<string> {
  const groups = await azure(`List the web apps of the subscription to find ${app}`, async () => {
    const found: string[] = [];
    for await (const site of client.webApps.list()) {
      if (site.name?.toLowerCase() === app.toLowerCase()) found.push(site.resourceGroup ?? groupOf(site.id));
    }
    return found;
  });
  if (groups.length === 1) return groups[0] ?? '';
  if (groups.length === 0) {
    throw new CloudError(
      `No web app named '${app}' in the subscription.`,
      'ResourceNotFound',
      'Check app-name and subscription-id (or the subscription the az session selected), or give resource-group-name.',
    );
  }
  throw new InputError(
    `Web apps named '${app}' are in several resource groups (${groups.join(', ')}): which one is meant is ambiguous.`,
    'Give resource-group-name.',
  );
}

const groupOf = (id: string | undefined) => /\/resourceGroups\/([^/]+)\//i.exec(id ?? '')?.[1] ?? '';
