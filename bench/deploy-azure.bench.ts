import { CLIENT_ID, SUBSCRIPTION, TENANT, startFakeAzure } from '../test/fakes/azure/index.js';
import { startFigures, timedStep, type Figure } from './lib.js';

/** deploy-azure: bundle size, cold start, and the requests of one deploy into a slot with swap. */

/** ARM and token requests of one deploy into a slot with swap, against the local Azure. */
async function requests(): Promise<Figure[]> {
  const azure = await startFakeAzure();
  try {
    await azure.addSite('hello', { image: 'ghcr.io/octo-org/hello-service:1.0.0', slots: ['staging'] });
    const step = await timedStep('deploy-azure', {
      inputs: {
        'app-name': 'hello',
        'resource-group-name': 'rg-web',
        'slot-name': 'staging',
        images: 'ghcr.io/octo-org/hello-service:2.0.0',
        swap: 'true',
        'client-id': CLIENT_ID,
        'tenant-id': TENANT,
        'subscription-id': SUBSCRIPTION,
        'resource-manager-endpoint': azure.arm,
        'authority-host': azure.authority,
        'poll-interval': '0.05',
        'app-settings': 'LOG_LEVEL=debug',
      },
      env: azure.env(true),
    });
    if (step.exitCode !== 0) throw new Error(`the benchmark deploy failed (exit ${step.exitCode}):\n${step.log}`);
    return [
      { name: 'ARM requests, one deploy with swap (OIDC login)', value: azure.armCalls.length, unit: 'requests' },
      { name: 'Entra token requests, same deploy', value: azure.tokenRequests.length, unit: 'requests' },
      { name: 'GitHub ID token requests, same deploy', value: azure.oidcRequests, unit: 'requests' },
    ];
  } finally {
    await azure.close();
  }
}

export default async function deployAzureBench(): Promise<Figure[]> {
  const start = await startFigures('deploy-azure');
  return [...start, ...(await requests())];
}
