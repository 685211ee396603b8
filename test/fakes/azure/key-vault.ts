import type { FakeAzure } from './index.js';

/**
 * How App Service resolves the Key Vault references among a slot's app settings, as ARM reports them
 * (WebApps_GetAppSettingsKeyVaultReferences: ApiKVReference with ResolveStatus), following the App Service docs
 * "Use Key Vault references as app settings" (reference syntax; "Troubleshooting Key Vault references": the app
 * needs a managed identity, the identity needs access to the vault, the vault and secret must exist). A setting
 * whose value is not a reference is not listed. The details texts are this stand-in's own wording.
 */

const PREFIX = /^@Microsoft\.KeyVault\((.*)\)$/i;

interface Named {
  vaultName: string;
  secretName: string;
  secretVersion?: string;
}

/** The parts of a reference, as its own small reading of the documented syntax; undefined when malformed. */
function parse(value: string): Named | undefined {
  const body = PREFIX.exec(value.trim())?.[1];
  if (body === undefined) return undefined;
  const parts = Object.fromEntries(
    body.split(';').map((part) => [part.split('=')[0]?.trim().toLowerCase() ?? '', part.slice(part.indexOf('=') + 1)]),
  );
  if (parts.secreturi) {
    const uri = /^https:\/\/([a-z0-9-]+)\.vault\.azure\.net\/secrets\/([a-z0-9-]+)\/?([0-9a-f]{32})?\/?$/i.exec(
      parts.secreturi.trim(),
    );
    return uri?.[1] && uri[2] ? { vaultName: uri[1], secretName: uri[2], secretVersion: uri[3] } : undefined;
  }
  if (!parts.vaultname || !parts.secretname) return undefined;
  return { vaultName: parts.vaultname.trim(), secretName: parts.secretname.trim(), secretVersion: parts.secretversion };
}

function resolve(fake: FakeAzure, named: Named | undefined): { status: string; details: string } {
  if (!named)
    return { status: 'InvalidSyntax', details: 'The reference does not follow the Key Vault reference syntax.' };
  if (!fake.appIdentity)
    return { status: 'MSINotEnabled', details: 'The app has no managed identity to read the vault with.' };
  const vault = fake.keyVaults.get(named.vaultName.toLowerCase());
  if (!vault) return { status: 'VaultNotFound', details: `Key Vault '${named.vaultName}' was not found.` };
  if (!vault.allowed)
    return {
      status: 'AccessToKeyVaultDenied',
      details: `The app's identity is not allowed to get secrets from '${named.vaultName}'.`,
    };
  if (!vault.secrets.has(named.secretName))
    return { status: 'SecretNotFound', details: `Secret '${named.secretName}' was not found in '${named.vaultName}'.` };
  return { status: 'Resolved', details: 'Reference has been resolved.' };
}

export function keyVaultReferences(fake: FakeAzure, site: string, settings: Record<string, string>) {
  return Object.entries(settings)
    .filter(([, value]) => /^@Microsoft\.KeyVault\(/i.test(value.trim()))
    .map(([name, value]) => {
      const named = parse(value);
      const { status, details } = resolve(fake, named);
      return {
        id: `${site}/config/configreferences/appsettings/${name}`,
        name,
        type: 'Microsoft.Web/sites/config/reference',
        properties: {
          reference: value,
          status,
          ...(named ? { vaultName: named.vaultName, secretName: named.secretName } : {}),
          ...(named?.secretVersion ? { secretVersion: named.secretVersion } : {}),
          identityType: { type: 'SystemAssigned' },
          details,
          source: 'KeyVault',
        },
      };
    });
}
