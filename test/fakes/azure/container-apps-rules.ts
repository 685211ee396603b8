import type { ConfigurationJson, FakeContainerApp, TemplateJson, Traffic } from './container-apps-model.js';

/**
 * What Microsoft.App refuses on a container app write, checked before anything changes. Each rule names the
 * document it follows. Error codes: ContainerAppInvalidName, ContainerAppSecretRefNotFound and ContainerAppOperationError
 * are the ones Container Apps answers in public reports (their messages as reported); the traffic, label and suffix
 * codes follow the resource provider's ContainerApp<Problem> naming and say what its documentation says.
 */

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

const refuse = (code: string, message: string, status = 400): Refusal => ({ status, code, message });

/** Container Apps docs, "Naming rules" (Microsoft.App/containerApps): 2-32 lower-case letters, digits and '-'. */
export function checkAppName(name: string): Refusal | undefined {
  if (/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(name) && !name.includes('--')) return undefined;
  return refuse(
    'ContainerAppInvalidName',
    `Invalid ContainerApp name '${name}'. A name must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character and cannot have '--'. The length must be between 2 and 32 characters inclusive.`,
  );
}

/**
 * Container Apps docs, "Revisions: revision name suffix": lower-case letters, digits and single hyphens, not starting
 * or ending with a hyphen (azure-cli's validate_revision_suffix), and the revision name `<app>--<suffix>` at most 54.
 */
export function checkSuffix(app: string, suffix: string | undefined): Refusal | undefined {
  if (suffix === undefined || suffix === '') return undefined;
  const ok = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(suffix) && !suffix.includes('--');
  if (ok && `${app}--${suffix}`.length <= 54) return undefined;
  return refuse(
    'ContainerAppInvalidRevisionSuffix',
    `Invalid revision suffix '${suffix}'. A revision suffix must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, cannot have '--', and the revision name '${app}--${suffix}' must be at most 54 characters.`,
  );
}

/**
 * ARM REST spec, Secret and EnvironmentVar: a secret has a value or a Key Vault reference (keyVaultUrl with the
 * identity that reads it); an env var's secretRef names one of the app's secrets (ContainerAppSecretRefNotFound).
 */
export function checkSecrets(configuration: ConfigurationJson, template: TemplateJson): Refusal | undefined {
  const names = new Set<string>();
  for (const secret of configuration.secrets ?? []) {
    if (!secret.name || !/^[a-z0-9][a-z0-9-.]*[a-z0-9]$/.test(secret.name))
      return refuse(
        'ContainerAppSecretInvalid',
        `Invalid secret name '${secret.name ?? ''}'. A secret name must consist of lower case alphanumeric characters, '-' or '.', and start and end with an alphanumeric character.`,
      );
    if (secret.value === undefined && !secret.keyVaultUrl)
      return refuse('ContainerAppSecretInvalid', `Secret '${secret.name}' must have a value or a keyVaultUrl.`);
    if (secret.keyVaultUrl && !secret.identity)
      return refuse(
        'ContainerAppSecretInvalid',
        `Secret '${secret.name}' references Key Vault but names no identity: set identity to a user-assigned identity's resource ID or 'system'.`,
      );
    names.add(secret.name);
  }
  for (const container of [...(template.containers ?? []), ...(template.initContainers ?? [])])
    for (const env of container.env ?? [])
      if (env.secretRef !== undefined && !names.has(env.secretRef))
        return refuse(
          'ContainerAppSecretRefNotFound',
          `SecretRef '${env.secretRef}' defined for container '${container.name}' not found.`,
        );
  for (const registry of configuration.registries ?? [])
    if (registry.passwordSecretRef && !names.has(registry.passwordSecretRef))
      return refuse(
        'ContainerAppSecretRefNotFound',
        `SecretRef '${registry.passwordSecretRef}' defined for registry server '${registry.server}' not found.`,
      );
  return undefined;
}

/** ARM REST spec, Template.containers: at least one container, each with a name and an image. */
export function checkTemplate(template: TemplateJson): Refusal | undefined {
  const containers = template.containers ?? [];
  if (containers.length === 0)
    return refuse('ContainerAppInvalidTemplate', 'The template must define at least one container.');
  for (const c of containers)
    if (!c.name || !c.image)
      return refuse(
        'ContainerAppInvalidTemplate',
        `Field 'template.containers.${c.name ?? ''}.image' is invalid: a container needs a name and an image.`,
      );
  const scale = template.scale;
  if (scale && (scale.minReplicas ?? 0) > (scale.maxReplicas ?? 10))
    return refuse(
      'ContainerAppInvalidScaleConfiguration',
      `minReplicas (${scale.minReplicas}) cannot be greater than maxReplicas (${scale.maxReplicas ?? 10}).`,
    );
  return undefined;
}

/**
 * Container Apps docs, "Traffic splitting" / "Revision labels": a label is lower case, starts with a letter and ends
 * with a letter or digit (it is the first part of the host name `<app>---<label>.<domain>`), at most 64 characters.
 */
const LABEL = /^[a-z]([a-z0-9-]{0,62}[a-z0-9])?$/;

/**
 * Container Apps docs, "Traffic splitting in Azure Container Apps": in multiple revision mode the weights are whole
 * numbers from 0 to 100 that add up to 100; an entry names a revision or latestRevision, not both; the revision
 * exists (or is the one this write creates) and is active; a label is unique in the app. In single revision mode
 * all traffic goes to the latest revision, so a split is refused.
 */
export function checkTraffic(
  app: FakeContainerApp | undefined,
  configuration: ConfigurationJson,
  created: string | undefined,
): Refusal | undefined {
  const traffic: Traffic[] = configuration.ingress?.traffic ?? [];
  if (traffic.length === 0) return undefined;
  const invalid = (message: string) => refuse('ContainerAppInvalidTrafficConfiguration', message);
  const mode = configuration.activeRevisionsMode ?? 'Single';
  const labels = new Set<string>();
  let sum = 0;
  for (const entry of traffic) {
    const weight = entry.weight ?? 0;
    if (!Number.isInteger(weight) || weight < 0 || weight > 100)
      return invalid(`Traffic weight ${String(entry.weight)} is invalid: a weight is a whole number from 0 to 100.`);
    sum += weight;
    if (entry.latestRevision && entry.revisionName)
      return invalid(`A traffic entry cannot set both revisionName ('${entry.revisionName}') and latestRevision.`);
    if (!entry.latestRevision && !entry.revisionName)
      return invalid('A traffic entry must name a revision (revisionName) or set latestRevision to true.');
    if (entry.label !== undefined) {
      if (!LABEL.test(entry.label))
        return invalid(
          `Invalid label '${entry.label}'. A label must consist of lower case alphanumeric characters or '-', start with a letter, end with an alphanumeric character and be at most 64 characters.`,
        );
      if (labels.has(entry.label)) return invalid(`Label '${entry.label}' is assigned to more than one traffic entry.`);
      labels.add(entry.label);
    }
    if (entry.revisionName && entry.revisionName !== created) {
      const revision = app?.revisions.get(entry.revisionName);
      if (!revision) return invalid(`Revision '${entry.revisionName}' not found in container app '${app?.name}'.`);
      if (!revision.active && weight > 0)
        return invalid(
          `Revision '${entry.revisionName}' is not active: traffic can only be routed to an active revision.`,
        );
    }
  }
  if (sum !== 100) return invalid(`The sum of traffic weights must be 100, but it is ${sum}.`);
  if (mode === 'Single' && traffic.filter((e) => (e.weight ?? 0) > 0).length > 1)
    return invalid("Traffic can only be split between revisions when activeRevisionsMode is 'Multiple'.");
  return undefined;
}

/** ARM REST spec, Configuration.activeRevisionsMode: Single or Multiple (Labels is not in this api-version). */
export function checkMode(configuration: ConfigurationJson): Refusal | undefined {
  const mode = configuration.activeRevisionsMode;
  if (mode === undefined || mode === 'Single' || mode === 'Multiple') return undefined;
  return refuse(
    'InvalidRequestContent',
    `The value '${mode}' of 'properties.configuration.activeRevisionsMode' is not valid: expected Single or Multiple.`,
  );
}
