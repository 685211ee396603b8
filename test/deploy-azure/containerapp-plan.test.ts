import type { ContainerApp, Ingress } from '@azure/arm-appcontainers';
import { describe, expect, it } from 'vitest';
import { labelUrl, proofUrl } from '../../src/deploy-azure/containerapp-deploy.js';
import type { ContainerAppInputs } from '../../src/deploy-azure/containerapp-inputs.js';
import { planRevision, suffixFor } from '../../src/deploy-azure/containerapp-plan.js';
import { parseSteps, relabel, servingRevision, split } from '../../src/lib/container-app-traffic.js';

/** The pure parts of target: containerapp: traffic entries, canary steps, revision names and the write's body. */

const app = (ingress: Ingress): ContainerApp => ({
  location: 'West Europe',
  latestRevisionName: 'web--v2',
  latestReadyRevisionName: 'web--v2',
  environmentId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env',
  configuration: { activeRevisionsMode: 'Single', ingress, secrets: [{ name: 'db' }] },
  template: {
    revisionSuffix: 'v2',
    containers: [{ name: 'web', image: 'ghcr.io/o/web:2.0.0', env: [{ name: 'A', value: '1' }] }],
  },
});

describe('traffic', () => {
  it('pins a split by revision name, keeps other labels at 0, and moves the label to the new revision', () => {
    const current = app({
      fqdn: 'web.x.io',
      traffic: [
        { latestRevision: true, weight: 100, label: 'candidate' },
        { revisionName: 'web--v1', weight: 0, label: 'known-good' },
      ],
    });
    expect(servingRevision(current)).toBe('web--v2');
    expect(split(current, { revision: 'web--v3', weight: 10, previous: 'web--v2', label: 'candidate' })).toEqual([
      { revisionName: 'web--v3', weight: 10, label: 'candidate' },
      { revisionName: 'web--v2', weight: 90 },
      { revisionName: 'web--v1', weight: 0, label: 'known-good' },
    ]);
    expect(relabel(current, 'known-good', 'web--v2')).toEqual([
      { revisionName: 'web--v2', weight: 100, label: 'candidate' },
      { revisionName: 'web--v1', weight: 0 },
      { revisionName: 'web--v2', weight: 0, label: 'known-good' },
    ]);
  });

  it('takes canary steps that rise to 100, and nothing else', () => {
    expect(parseSteps('10, 50,100')).toEqual([10, 50, 100]);
    expect(parseSteps('100')).toEqual([100]);
    expect(parseSteps('0')).toEqual([]);
    for (const bad of ['50,10,100', '10,50', '0,100', '10,,100', '10.5,100', '10,50,150'])
      expect(parseSteps(bad)).toBeUndefined();
  });

  it("derives a label's URL from the app's FQDN, as Container Apps names it", () => {
    expect(labelUrl('https://web.happy-hill-1.westeurope.azurecontainerapps.io', 'web', 'candidate')).toBe(
      'https://web---candidate.happy-hill-1.westeurope.azurecontainerapps.io',
    );
    expect(labelUrl('https://127.0.0.1:4443', 'web', 'candidate')).toBeUndefined();
  });

  it("proves a preview (traffic: 0) on its label's URL when Azure names one, else on the revision's own", () => {
    const urls = {
      labelUrl: 'https://web---pr-42.happy-hill-1.westeurope.azurecontainerapps.io',
      revisionUrl: 'https://web--pr42-a.happy-hill-1.westeurope.azurecontainerapps.io',
    };
    expect(proofUrl([], urls)).toBe(urls.labelUrl);
    expect(proofUrl([10, 100], urls)).toBe(urls.revisionUrl);
    expect(proofUrl([], { revisionUrl: 'https://127.0.0.1:4443' })).toBe('https://127.0.0.1:4443');
  });
});

describe('the write that makes the new revision', () => {
  const inputs = {
    app: 'web',
    image: 'ghcr.io/o/web:3.0.0',
    env: new Map([['B', { secretRef: 'db' }]]),
    secrets: new Map([['api-key', 'k3y']]),
    keyVaultSecrets: new Map([['cert', 'https://v.vault.azure.net/secrets/cert']]),
    keyVaultIdentity: 'system',
    registry: { server: 'myacr.azurecr.io', username: 'bot', password: 'pw' },
    targetPort: 3000,
    label: 'candidate',
    steps: [100],
  } as unknown as ContainerAppInputs;

  it('switches to multiple revision mode, keeps secret values, and pins traffic with the new revision at 0', () => {
    const plan = planRevision(
      app({ fqdn: 'web.x.io', traffic: [{ latestRevision: true, weight: 100 }] }),
      [{ name: 'db', value: 'v' }],
      inputs,
      'web--v2',
    );
    expect(plan.changed).toBe(true);
    expect(plan.revision).toMatch(/^web--3-0-0-[0-9a-f]{6}$/);
    const { configuration, template } = plan.envelope;
    expect(configuration?.activeRevisionsMode).toBe('Multiple');
    expect(configuration?.ingress?.traffic).toEqual([
      { revisionName: plan.revision, weight: 0, label: 'candidate' },
      { revisionName: 'web--v2', weight: 100 },
    ]);
    expect(configuration?.secrets).toEqual([
      { name: 'db', value: 'v' },
      { name: 'api-key', value: 'k3y' },
      { name: 'cert', keyVaultUrl: 'https://v.vault.azure.net/secrets/cert', identity: 'system' },
      { name: 'myacrazurecrio-password', value: 'pw' },
    ]);
    expect(configuration?.registries).toEqual([
      {
        server: 'myacr.azurecr.io',
        username: 'bot',
        passwordSecretRef: 'myacrazurecrio-password',
        identity: undefined,
      },
    ]);
    expect(configuration?.ingress?.targetPort).toBe(3000);
    expect(template?.containers?.[0]).toMatchObject({
      image: 'ghcr.io/o/web:3.0.0',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', secretRef: 'db' },
      ],
    });
  });

  it('names the same template the same way on a rerun, and fits the suffix in the 54 characters of a revision name', () => {
    const template = { containers: [{ name: 'web', image: 'x' }] };
    expect(suffixFor('web', template, inputs)).toBe(suffixFor('web', template, inputs));
    const long = { ...inputs, image: `ghcr.io/o/web:${'release-candidate-'.repeat(5)}1` } as ContainerAppInputs;
    expect(`${'a'.repeat(30)}--${suffixFor('a'.repeat(30), template, long)}`.length).toBeLessThanOrEqual(54);
  });
});
