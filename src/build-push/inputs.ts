import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../lib/errors.js';
import { parseImageReference } from '../lib/image.js';
import { bool, keyValues, list, oneOf, optional } from '../lib/inputs.js';
import { REGISTRY_TYPES, detectRegistryType, type Credentials, type RegistryType } from './registry.js';
import { DEFAULT_RULES, TAG_RULES, isValidTag, type TagRule } from './tags.js';

export interface BuildPushInputs {
  /** registry/path without a tag: `ghcr.io/org/web`. */
  image: string;
  registry: string;
  /** The path inside the registry (the ECR repository name). */
  repository: string;
  registryType: RegistryType;
  context: string;
  file: string;
  target?: string;
  buildArgs: Map<string, string>;
  labels: Map<string, string>;
  platforms: string[];
  push: boolean;
  cacheFrom: string[];
  cacheTo: string[];
  /** Build secrets, id -> value; passed to the build through the environment, never on a command line. */
  secrets: Map<string, string>;
  network?: string;
  noCache: boolean;
  version?: string;
  /** Extra tags: bare (`edge`) or full references of the same image. */
  tags: string[];
  tagRules: TagRule[];
  defaultBranch?: string;
  skipBuild: boolean;
  sourceImage?: string;
  builder: 'auto' | 'buildx' | 'docker';
  credentials: Credentials;
  awsRegion?: string;
  registryId?: string;
  createRepository: boolean;
  logout: boolean;
}

export function readInputs(): BuildPushInputs {
  const target = imageInput();
  const skipBuild = bool('skip-build', false);
  return {
    ...target,
    ...buildContext(skipBuild),
    ...tagInputs(target.image),
    target: optional('target'),
    buildArgs: keyValues('build-args'),
    labels: keyValues('labels'),
    platforms: list('platforms'),
    push: bool('push', true),
    cacheFrom: list('cache-from', { commas: false }),
    cacheTo: list('cache-to', { commas: false }),
    secrets: buildSecrets(),
    network: optional('network'),
    noCache: bool('no-cache', false),
    defaultBranch: optional('default-branch'),
    skipBuild,
    sourceImage: sourceImage(skipBuild),
    builder: oneOf('builder', ['auto', 'buildx', 'docker'] as const, 'auto'),
    credentials: credentials(),
    awsRegion: optional('aws-region'),
    registryId: optional('registry-id'),
    createRepository: bool('create-repository', false),
    logout: bool('logout', true),
  };
}

/** `image`: a repository in a registry, without a tag or digest (those come from the tag inputs). */
function imageInput(): Pick<BuildPushInputs, 'image' | 'registry' | 'repository' | 'registryType'> {
  const imageText = optional('image') ?? '';
  const parsed = parseImageReference(imageText);
  if (!imageText || !parsed || parsed.tag || parsed.digest || !parsed.registry) {
    throw new InputError(
      `Input 'image' must name a repository in a registry, without a tag, got '${imageText}'.`,
      'Write registry/repository in lower case, e.g. ghcr.io/octo-org/web or 123456789012.dkr.ecr.us-east-1.amazonaws.com/web; tags come from version, tags and tag-rules.',
    );
  }
  const registry = parsed.registry;
  const typeChoice = oneOf('registry-type', REGISTRY_TYPES, 'auto');
  return {
    image: `${registry}/${parsed.path}`,
    registry,
    repository: parsed.path,
    registryType: typeChoice === 'auto' ? detectRegistryType(registry) : typeChoice,
  };
}

/** `context` and `file`, checked to exist unless nothing is built. */
function buildContext(skipBuild: boolean): Pick<BuildPushInputs, 'context' | 'file'> {
  const context = optional('context') ?? '.';
  const fileInput = optional('file');
  const file = fileInput
    ? isAbsolute(fileInput)
      ? fileInput
      : resolve(fileInput)
    : join(resolve(context), 'Dockerfile');
  if (skipBuild) return { context, file };
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new InputError(
      `The build context '${context}' is not a directory.`,
      "Check 'context' (relative to the workspace).",
    );
  }
  if (!existsSync(file)) {
    throw new InputError(
      `No Dockerfile at '${fileInput ?? join(context, 'Dockerfile')}'.`,
      "Give the Dockerfile's path in 'file', or check out the repository (actions/checkout) before this step.",
    );
  }
  return { context, file };
}

/** `tags`, `tag-rules` and `version`: what the image is tagged with. */
function tagInputs(image: string): Pick<BuildPushInputs, 'tags' | 'tagRules' | 'version'> {
  const tags = list('tags').map((tag) => bareTag(tag, image));
  const rules = list('tag-rules');
  for (const rule of rules) {
    if (!(TAG_RULES as readonly string[]).includes(rule)) {
      throw new InputError(`Input 'tag-rules' has an unknown rule '${rule}'.`, `Rules are: ${TAG_RULES.join(', ')}.`);
    }
  }
  const version = optional('version')?.replace(/^refs\/tags\//, '');
  if (version !== undefined && !isValidTag(version)) {
    throw new InputError(
      `Input 'version' is not a valid image tag: '${version}'.`,
      'A tag is up to 128 letters, digits, _, . and -, and starts with a letter, digit or _.',
    );
  }
  return { tags, tagRules: rules.length > 0 ? (rules as TagRule[]) : DEFAULT_RULES, version };
}

function buildSecrets(): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const [id, value] of keyValues('secrets')) {
    if (!/^[\w.-]+$/.test(id))
      throw new InputError(`Input 'secrets' has an invalid id '${id}'.`, 'Ids are letters, digits, _, . and -.');
    secrets.set(id, value);
  }
  return secrets;
}

function credentials(): Credentials {
  return {
    username: optional('username'),
    password: optional('password'),
    githubToken: optional('github-token'),
    githubActor: process.env.GITHUB_ACTOR,
    azureAccessToken: optional('azure-access-token'),
  };
}

/** `tags` accepts bare tags, or full references as docker/build-push-action does, of this same image. */
function bareTag(text: string, image: string): string {
  if (isValidTag(text)) return text;
  const ref = parseImageReference(text);
  const full = ref?.registry ? `${ref.registry}/${ref.path}` : ref?.path;
  if (ref?.tag && full === image) return ref.tag;
  throw new InputError(
    `Input 'tags' has '${text}', which is neither a tag nor a reference to ${image}.`,
    `Give bare tags (1.4.2, edge) or ${image}:<tag>; push to another image with a second step.`,
  );
}

function sourceImage(skipBuild: boolean): string | undefined {
  const source = optional('source-image');
  if (!skipBuild) return undefined;
  if (!source || !parseImageReference(source)) {
    throw new InputError(
      `'skip-build: true' needs 'source-image', the existing image to tag, got '${source ?? ''}'.`,
      'Give a reference such as ghcr.io/octo-org/web:sha-0123abc or ghcr.io/octo-org/web@sha256:...',
    );
  }
  return source;
}
