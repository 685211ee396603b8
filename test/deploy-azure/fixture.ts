import {
  CLIENT_ID,
  CLIENT_SECRET,
  SUBSCRIPTION,
  TENANT,
  startFakeAzure,
  type FakeAzure,
} from '../fakes/azure/index.js';

/** A web app "hello" in rg-web running 1.0.0 with a staging slot, and the inputs that reach it. */

export const V1 = 'ghcr.io/octo-org/hello-service:1.0.0';
export const V2 = 'ghcr.io/octo-org/hello-service:2.0.0';
/** The app-name and resource-group-name inputs of that app. */
export const HELLO = { 'app-name': 'hello', 'resource-group-name': 'rg-web' };

export async function startAzure(options: { slots?: string[] } = {}): Promise<FakeAzure> {
  const azure = await startFakeAzure();
  await azure.addSite('hello', {
    image: V1,
    settings: { LOG_LEVEL: 'info', DB_HOST: 'db.internal' },
    slots: options.slots ?? ['staging'],
  });
  return azure;
}

/** The cloud and login inputs: the stand-in reached as Azure Stack is, through explicit endpoints. */
export function cloudInputs(azure: FakeAzure, login: 'secret' | 'oidc' = 'secret'): Record<string, string> {
  return {
    'client-id': CLIENT_ID,
    'tenant-id': TENANT,
    'subscription-id': SUBSCRIPTION,
    ...(login === 'secret' ? { 'client-secret': CLIENT_SECRET } : {}),
    'resource-manager-endpoint': azure.arm,
    'authority-host': azure.authority,
  };
}

export const fast = { 'poll-interval': '0.05', timeout: '20' };
