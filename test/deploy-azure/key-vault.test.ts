import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/deploy-azure/main.js';
import { parseKeyVaultReference } from '../../src/lib/key-vault.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { cloudInputs, fast, startAzure, V1, V2 } from './fixture.js';

/**
 * App settings given as Key Vault references: refused before any request when App Service would keep them as
 * literal text, and proven resolved (ARM's configreferences) before the slot restarts on them.
 */

let azure: FakeAzure | undefined;
afterEach(() => azure?.close());

const VERSION = '0123456789abcdef0123456789abcdef';
const byUri = '@Microsoft.KeyVault(SecretUri=https://contoso-kv.vault.azure.net/secrets/database-url/)';
const byNames = '@Microsoft.KeyVault(VaultName=contoso-kv;SecretName=api-key)';

function deploy(target: FakeAzure, settings: string) {
  return runInProcess(run, {
    ...cloudInputs(target),
    ...fast,
    'app-name': 'hello',
    'resource-group-name': 'rg-web',
    'slot-name': 'staging',
    images: V2,
    'app-settings': settings,
  });
}

describe('Key Vault reference syntax (App Service docs, "Reference syntax")', () => {
  it.each([
    [byUri, { vaultName: 'contoso-kv', secretName: 'database-url' }],
    [
      `@Microsoft.KeyVault(SecretUri=https://contoso-kv.vault.azure.net/secrets/database-url/${VERSION})`,
      { vaultName: 'contoso-kv', secretName: 'database-url', secretVersion: VERSION },
    ],
    [byNames, { vaultName: 'contoso-kv', secretName: 'api-key' }],
    [
      `@Microsoft.KeyVault(VaultName=contoso-kv;SecretName=api-key;SecretVersion=${VERSION})`,
      { vaultName: 'contoso-kv', secretName: 'api-key', secretVersion: VERSION },
    ],
    [
      '@Microsoft.KeyVault(SecretUri=https://gov-kv.vault.usgovcloudapi.net/secrets/db/)',
      { vaultName: 'gov-kv', secretName: 'db' },
    ],
  ])('reads %s', (value, expected) => {
    expect(parseKeyVaultReference(value)).toEqual(expected);
  });

  it.each([
    ['@Microsoft.KeyVault(SecretUri=https://contoso-kv.vault.azure.net/secrets/database-url/', /closing parenthesis/],
    ['@Microsoft.KeyVault(SecretUri=http://contoso-kv.vault.azure.net/secrets/db/)', /https/],
    ['@Microsoft.KeyVault(SecretUri=https://contoso-kv.example.com/secrets/db/)', /host 'contoso-kv\.example\.com'/],
    ['@Microsoft.KeyVault(SecretUri=https://contoso-kv.vault.azure.net/keys/db/)', /path/],
    ['@Microsoft.KeyVault(VaultName=contoso-kv)', /VaultName= and SecretName=/],
    ['@Microsoft.KeyVault(VaultName=kv;SecretName=db)', /'kv' is not a Key Vault name/],
    ['@Microsoft.KeyVault(VaultName=contoso--kv;SecretName=db)', /not a Key Vault name/],
    ['@Microsoft.KeyVault(VaultName=contoso-kv;SecretName=db_url)', /not a secret name/],
    ['@Microsoft.KeyVault(VaultName=contoso-kv;SecretName=db;SecretVersion=latest)', /not a secret version/],
    ['@Microsoft.KeyVault(VaultName=contoso-kv;Secret=db)', /unknown part secret/],
  ])('refuses %s', (value, problem) => {
    const parsed = parseKeyVaultReference(value);
    expect(parsed).toHaveProperty('problem');
    expect((parsed as { problem: string }).problem).toMatch(problem);
  });
});

describe('deploy-azure with Key Vault references in app-settings', () => {
  it('refuses a malformed reference before any request, naming the setting', async () => {
    azure = await startAzure();
    const step = await deploy(azure, `LOG_LEVEL=debug\nDATABASE_URL=@Microsoft.KeyVault(VaultName=contoso-kv)`);
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/::error::Input 'app-settings': DATABASE_URL is not a Key Vault reference/);
    expect(azure.armCalls).toEqual([]);
  });

  it('proves the references resolved before the slot restarts, and deploys', async () => {
    azure = await startAzure();
    azure.keyVaults.set('contoso-kv', { secrets: new Set(['database-url', 'api-key']), allowed: true });
    const step = await deploy(azure, `DATABASE_URL=${byUri}\nAPI_KEY=${byNames}`);
    expect(step.log).not.toContain('::error::');
    expect(step.log).toContain('Key Vault references resolved: DATABASE_URL, API_KEY');
    const calls = azure.armCalls.map((c) => c.split(' ')[1] ?? '');
    const checked = calls.findIndex((c) => c.endsWith('/slots/staging/config/configreferences/appsettings'));
    const restarted = calls.findIndex((c) => c.endsWith('/slots/staging/restart'));
    expect(checked).toBeGreaterThan(-1);
    expect(checked).toBeLessThan(restarted);
    expect(azure.slot('hello', 'staging').linuxFxVersion).toBe(`DOCKER|${V2}`);
  });

  it.each([
    [
      'the secret does not exist',
      (a: FakeAzure) => a.keyVaults.set('contoso-kv', { secrets: new Set(), allowed: true }),
      /DATABASE_URL: SecretNotFound/,
      /az keyvault secret show/,
    ],
    ['the vault does not exist', () => undefined, /DATABASE_URL: VaultNotFound/, /az keyvault secret show/],
    [
      'the identity may not read the vault',
      (a: FakeAzure) => a.keyVaults.set('contoso-kv', { secrets: new Set(['database-url']), allowed: false }),
      /AccessToKeyVaultDenied/,
      /Key Vault Secrets User/,
    ],
    [
      'the app has no managed identity',
      (a: FakeAzure) => {
        a.keyVaults.set('contoso-kv', { secrets: new Set(['database-url']), allowed: true });
        a.appIdentity = false;
      },
      /MSINotEnabled/,
      /az webapp identity assign/,
    ],
  ])(
    'fails before the restart when %s, with the status, the details and what to do',
    async (_, arrange, status, hint) => {
      azure = await startAzure();
      arrange(azure);
      const step = await deploy(azure, `DATABASE_URL=${byUri}`);
      expect(step.failed).toBe(true);
      expect(step.log).toMatch(status);
      expect(step.log).toMatch(/App Service cannot resolve the Key Vault reference of DATABASE_URL/);
      expect(step.log).toMatch(hint);
      expect(azure.armCalls.some((c) => c.endsWith('/restart'))).toBe(false);
      // The slot was never restarted on it, and production was never touched.
      expect(azure.slot('hello').linuxFxVersion).toBe(`DOCKER|${V1}`);
      expect(azure.slot('hello', 'staging').running).not.toContain('2.0.0');
    },
  );
});
