/**
 * App Service Key Vault references (`@Microsoft.KeyVault(...)` as an app setting's value), in the two forms the
 * App Service docs give ("Use Key Vault references as app settings", section "Reference syntax"):
 *   @Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>/<version?>)
 *   @Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>;SecretVersion=<version?>)
 * App Service keeps a malformed reference as the literal text and hands it to the app as the value, so a typo is
 * only noticed when the app reads a setting that says `@Microsoft.KeyVault(...`: it is refused here instead.
 */

export interface KeyVaultReference {
  vaultName: string;
  secretName: string;
  secretVersion?: string;
}

/** True when a value is meant as a Key Vault reference (App Service matches the prefix without regard to case). */
export const isKeyVaultReference = (value: string) => /^@Microsoft\.KeyVault\(/i.test(value.trim());

// Key Vault names: 3-24 alphanumerics and hyphens, a letter first, no hyphen last or twice in a row; secret names:
// 1-127 alphanumerics and hyphens; versions: 32 hex digits (Key Vault docs, "About keys, secrets, and certificates").
const VAULT = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const SECRET = /^[a-zA-Z0-9-]{1,127}$/;
const VERSION = /^[0-9a-fA-F]{32}$/;
// The vault DNS suffixes of the public and sovereign clouds (Key Vault docs, "Azure Key Vault DNS suffixes").
const VAULT_HOST = /^([^.]+)\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)$/i;

/**
 * The vault, secret and version a reference names, or why App Service would not resolve it (one sentence, without
 * the value: a reference is not a secret, but the caller decides what to print).
 */
export function parseKeyVaultReference(value: string): KeyVaultReference | { problem: string } {
  const body = /^@Microsoft\.KeyVault\((.*)\)$/i.exec(value.trim())?.[1];
  if (body === undefined) return { problem: 'it does not end with the closing parenthesis' };
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) return { problem: `'${part}' is not Name=value` };
    parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const uri = parts.get('secreturi');
  const found = uri !== undefined ? fromUri(uri) : fromNames(parts);
  if ('problem' in found) return found;
  if (!VAULT.test(found.vaultName)) return { problem: `'${found.vaultName}' is not a Key Vault name` };
  if (!SECRET.test(found.secretName)) return { problem: `'${found.secretName}' is not a secret name` };
  if (found.secretVersion !== undefined && !VERSION.test(found.secretVersion))
    return { problem: `'${found.secretVersion}' is not a secret version (32 hexadecimal digits)` };
  return found;
}

function fromUri(uri: string): KeyVaultReference | { problem: string } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { problem: `SecretUri '${uri}' is not a URL` };
  }
  const vault = VAULT_HOST.exec(url.hostname)?.[1];
  if (url.protocol !== 'https:' || !vault)
    return { problem: `SecretUri must be https://<vault>.vault.azure.net/secrets/<name>/, got host '${url.host}'` };
  const path = /^\/secrets\/([^/]+)\/?([^/]*)\/?$/.exec(url.pathname);
  if (!path?.[1]) return { problem: `SecretUri's path must be /secrets/<name>/ or /secrets/<name>/<version>` };
  return { vaultName: vault, secretName: path[1], ...(path[2] ? { secretVersion: path[2] } : {}) };
}

function fromNames(parts: Map<string, string>): KeyVaultReference | { problem: string } {
  const unknown = [...parts.keys()].filter((key) => !['vaultname', 'secretname', 'secretversion'].includes(key));
  if (unknown.length) return { problem: `unknown part ${unknown.join(', ')} (SecretUri=, or VaultName=;SecretName=)` };
  const vaultName = parts.get('vaultname');
  const secretName = parts.get('secretname');
  if (!vaultName || !secretName) return { problem: 'it needs SecretUri=, or both VaultName= and SecretName=' };
  const secretVersion = parts.get('secretversion');
  return { vaultName, secretName, ...(secretVersion ? { secretVersion } : {}) };
}
