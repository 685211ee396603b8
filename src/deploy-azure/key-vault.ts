import * as core from '@actions/core';
import { readKeyVaultReferences, type ReferenceStatus, type SlotRef } from '../lib/app-service.js';
import { CloudError } from '../lib/errors.js';
import { isKeyVaultReference } from '../lib/key-vault.js';
import { poll } from '../lib/poll.js';

/**
 * The Key Vault references among the settings just written, proven resolved before the slot restarts on them: a
 * reference App Service cannot resolve is handed to the app as its literal text, so the app would start with
 * `@Microsoft.KeyVault(...)` as its database URL. ARM says how each one resolved (WebApps_GetAppSettingsKeyVault-
 * References: ResolveStatus and details); "Initialized" means not tried yet and is waited out for a while.
 */

/** How long an "Initialized" reference is waited for before the deploy goes on with a warning. */
const SETTLE_MS = 60_000;

export async function proveKeyVaultReferences(slot: SlotRef, written: Map<string, string>): Promise<void> {
  const names = [...written].filter(([, value]) => isKeyVaultReference(value)).map(([name]) => name);
  if (names.length === 0) return;
  let last: ReferenceStatus[] = [];
  const settled = await poll(
    async () => {
      const all = await readKeyVaultReferences(slot);
      last = names.map((name) => all.find((r) => r.setting === name) ?? { setting: name, status: 'Initialized' });
      return last.every((r) => r.status !== 'Initialized') ? last : undefined;
    },
    {
      intervalMs: Math.max(200, slot.intervalMs),
      timeoutMs: Math.max(0, Math.min(SETTLE_MS, slot.deadline - Date.now())),
    },
  );
  const failed = last.filter((r) => r.status !== 'Resolved' && r.status !== 'Initialized');
  if (failed.length) {
    const lines = failed.map((r) => `${r.setting}: ${r.status}${r.details ? ` (${r.details})` : ''}`).join('; ');
    throw new CloudError(
      `App Service cannot resolve the Key Vault reference${failed.length > 1 ? 's' : ''} of ${lines}.`,
      'KeyVaultReferenceNotResolved',
      hintFor(failed[0]?.status ?? ''),
    );
  }
  const waiting = last.filter((r) => r.status === 'Initialized').map((r) => r.setting);
  if (settled.outcome === 'timeout' && waiting.length)
    core.warning(
      `App Service has not resolved the Key Vault references of ${waiting.join(', ')} yet; the deploy goes on.`,
    );
  const resolved = last.filter((r) => r.status === 'Resolved').map((r) => r.setting);
  if (resolved.length) core.info(`Key Vault references resolved: ${resolved.join(', ')}`);
}

/** What to do, by ResolveStatus ("Troubleshooting Key Vault references" in the App Service docs). */
function hintFor(status: string): string {
  switch (status) {
    case 'MSINotEnabled':
      return 'Turn on a managed identity for the app (or slot): az webapp identity assign, then give it access to the vault.';
    case 'AccessToKeyVaultDenied':
    case 'UnauthorizedClient':
      return "Give the app's managed identity the Key Vault Secrets User role on the vault (or a get-secret access policy), and check the vault's network rules.";
    case 'VaultNotFound':
    case 'SecretNotFound':
    case 'SecretVersionNotFound':
      return 'Check the vault, secret and version named in the reference (az keyvault secret show).';
    default:
      return "Look at the app's Environment variables page in the portal, which shows each reference's status, and the vault's diagnostic logs.";
  }
}
