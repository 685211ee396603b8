import { createHash } from 'node:crypto';
import type { Configuration, Container, ContainerApp, Secret, Template } from '@azure/arm-appcontainers';
import { split } from '../lib/container-app-traffic.js';
import { InputError } from '../lib/errors.js';
import { parseImageReference } from '../lib/image.js';
import type { ContainerAppInputs } from './containerapp-inputs.js';

/**
 * The write that makes the new revision, as pure data: the app as ARM has it, with the image, env, secrets, command,
 * scale and ingress of the inputs, in multiple revision mode, and its traffic pinned by name to the serving revision
 * with the new one at weight 0 under its label (Container Apps docs, "Blue-green deployment": one write names the new
 * revision by its suffix and labels it before it takes traffic). With traffic: 0 the label is moved once the revision
 * is ready (containerapp-preview.ts), so a revision that fails never takes a preview's label.
 */

export interface RevisionPlan {
  envelope: ContainerApp;
  /** `<app>--<suffix>`. */
  revision: string;
  /** False when the template is the one the app has: no new revision is made. */
  changed: boolean;
}

const withoutSuffix = (template: Template | undefined) => JSON.stringify({ ...template, revisionSuffix: undefined });

/** The container the inputs change: by name, or the template's first. */
function chooseContainer(template: Template | undefined, inputs: ContainerAppInputs): number {
  const containers = template?.containers ?? [];
  const index = inputs.container ? containers.findIndex((c) => c.name === inputs.container) : 0;
  if (index < 0 || !containers[index])
    throw new InputError(
      `Container '${inputs.container ?? '(first)'}' is not in the template of ${inputs.app} (it has ${containers.map((c) => c.name).join(', ') || 'none'}).`,
      "Give container-name as the app's template names it.",
    );
  return index;
}

function nextContainer(container: Container, inputs: ContainerAppInputs): Container {
  const env = new Map((container.env ?? []).map((e) => [e.name ?? '', e]));
  for (const [name, value] of inputs.env) env.set(name, { name, ...value });
  return {
    ...container,
    image: inputs.image,
    env: [...env.values()],
    ...(inputs.command ? { command: inputs.command } : {}),
    ...(inputs.args ? { args: inputs.args } : {}),
  };
}

export function nextTemplate(app: ContainerApp, inputs: ContainerAppInputs): Template {
  const template = app.template ?? {};
  const index = chooseContainer(template, inputs);
  const containers = (template.containers ?? []).map((c, i) => (i === index ? nextContainer(c, inputs) : c));
  const scale =
    inputs.minReplicas !== undefined || inputs.maxReplicas !== undefined
      ? {
          ...template.scale,
          ...(inputs.minReplicas !== undefined ? { minReplicas: inputs.minReplicas } : {}),
          ...(inputs.maxReplicas !== undefined ? { maxReplicas: inputs.maxReplicas } : {}),
        }
      : template.scale;
  return { ...template, containers, scale };
}

/**
 * The suffix: revision-suffix, or one made from the image's tag and a hash of the template, so that the same
 * template gets the same name on a rerun and another template another name.
 */
export function suffixFor(app: string, template: Template, inputs: ContainerAppInputs): string {
  if (inputs.revisionSuffix) return inputs.revisionSuffix;
  const hash = createHash('sha256').update(withoutSuffix(template)).digest('hex').slice(0, 6);
  const reference = parseImageReference(inputs.image);
  const tag = (reference?.tag ?? reference?.digest?.replace(/^sha256:/, '').slice(0, 8) ?? 'r')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const room = 54 - app.length - 2 - hash.length - 1;
  const head = tag.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return head ? `${head}-${hash}` : hash;
}

/** The secrets after the write: the app's (with their values, from listSecrets), and the inputs' set over them. */
export function nextSecrets(current: Secret[], inputs: ContainerAppInputs): Secret[] {
  const secrets = new Map(current.map((s) => [s.name ?? '', s]));
  for (const [name, value] of inputs.secrets) secrets.set(name, { name, value });
  for (const [name, keyVaultUrl] of inputs.keyVaultSecrets)
    secrets.set(name, { name, keyVaultUrl, identity: inputs.keyVaultIdentity });
  if (inputs.registry?.password)
    secrets.set(registrySecret(inputs.registry.server), {
      name: registrySecret(inputs.registry.server),
      value: inputs.registry.password,
    });
  return [...secrets.values()];
}

/** The secret a registry password is kept in, named as az containerapp names it (server and user, alphanumeric). */
const registrySecret = (server: string) => `${server.toLowerCase().replace(/[^a-z0-9]/g, '')}-password`;

function nextConfiguration(app: ContainerApp, secrets: Secret[], inputs: ContainerAppInputs): Configuration {
  const configuration = app.configuration ?? {};
  const registries = (configuration.registries ?? []).filter((r) => r.server !== inputs.registry?.server);
  if (inputs.registry) {
    const { server, username, password, identity } = inputs.registry;
    registries.push({ server, username, ...(password ? { passwordSecretRef: registrySecret(server) } : {}), identity });
  }
  const ingress = configuration.ingress ?? {};
  return {
    ...configuration,
    activeRevisionsMode: 'Multiple',
    secrets,
    registries,
    ingress: {
      ...ingress,
      ...(inputs.targetPort !== undefined ? { targetPort: inputs.targetPort } : {}),
      ...(inputs.ingress ? { external: inputs.ingress === 'external' } : {}),
    },
  };
}

/** The write that makes the new revision (or, when nothing changed, the app's latest revision). */
export function planRevision(
  app: ContainerApp,
  currentSecrets: Secret[],
  inputs: ContainerAppInputs,
  serving: string | undefined,
): RevisionPlan {
  const template = nextTemplate(app, inputs);
  const changed = withoutSuffix(template) !== withoutSuffix(app.template);
  const suffix = changed ? suffixFor(inputs.app, template, inputs) : (app.template?.revisionSuffix ?? '');
  const revision = changed ? `${inputs.app}--${suffix}` : (app.latestRevisionName ?? '');
  const configuration = nextConfiguration(app, nextSecrets(currentSecrets, inputs), inputs);
  // With traffic: 0 (a preview) the label stays where it is until the new revision is ready, then moves on its own.
  const label = inputs.steps.length ? inputs.label : undefined;
  const traffic = split(app, { revision, weight: serving ? 0 : 100, previous: serving, label });
  const envelope: ContainerApp = {
    location: app.location ?? '',
    ...(app.identity ? { identity: app.identity } : {}),
    environmentId: app.environmentId ?? app.managedEnvironmentId,
    configuration: { ...configuration, ingress: { ...configuration.ingress, traffic } },
    template: { ...template, revisionSuffix: suffix },
  };
  return { envelope, revision, changed };
}
