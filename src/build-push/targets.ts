import * as core from '@actions/core';
import { InputError } from '../lib/errors.js';
import { parseImageReference, repositoryOf } from '../lib/image.js';
import { list, oneOf, optional } from '../lib/inputs.js';
import { REGISTRY_TYPES, detectRegistryType, type RegistryType } from './registry.js';
import { DEFAULT_RULES, TAG_RULES, isValidTag, type TagRule } from './tag-rules.js';
import type { Flavor } from './tags.js';

/**
 * Where the image goes: `image` (one repository, tagged by the tag rules) and `tags`, which take what
 * docker/build-push-action's take: bare tags, or full references, of this image or of others (another
 * registry: one build, pushed to each). Without `image`, as in build-push-action, the first reference's
 * repository is the image, and the image gets exactly the tags given.
 */

export interface ImageTarget {
  /** registry/path without a tag: `ghcr.io/org/web`, `docker.io/user/app`. */
  image: string;
  registry: string;
  /** The path inside the registry (the ECR repository name). */
  repository: string;
  registryType: RegistryType;
}

export interface Targets extends ImageTarget {
  /** Bare tags for `image`, from `tags`. */
  tags: string[];
  tagRules: TagRule[];
  flavor?: Flavor;
  version?: string;
  /** Full references to other repositories, pushed as they are, and where they are. */
  extraReferences: string[];
  extraTargets: ImageTarget[];
}

const EXAMPLE = 'ghcr.io/octo-org/web, 123456789012.dkr.ecr.us-east-1.amazonaws.com/web or user/app (Docker Hub)';

function target(text: string, type: RegistryType | undefined): ImageTarget | undefined {
  const parsed = parseImageReference(text);
  if (!parsed) return undefined;
  const { registry, path } = repositoryOf(parsed);
  return {
    image: `${registry}/${path}`,
    registry,
    repository: path,
    registryType: type ?? detectRegistryType(registry),
  };
}

/** `image`: a repository, without a tag or digest (those come from the tag inputs). Docker Hub when no registry. */
function imageInput(type: RegistryType | undefined): ImageTarget | undefined {
  const given = optional('image');
  if (given === undefined) return undefined;
  // Registries refuse upper case in repository names; metadata-action lower-cases them (ghcr.io/Octo-Org/Web
  // from github.repository), and so does this action, saying so.
  const text = given.toLowerCase();
  if (text !== given) core.notice(`Input 'image' is written in lower case, as registries require: ${text}.`);
  const parsed = parseImageReference(text);
  const found = target(text, type);
  // distribution/reference: a name (registry and path) is at most 255 characters.
  if (!parsed || parsed.tag || parsed.digest || !found || text.length > 255) {
    throw new InputError(
      `Input 'image' must name a repository in a registry, without a tag, up to 255 characters, got '${given}'.`,
      `Write registry/repository in lower case, e.g. ${EXAMPLE}; tags come from version, tags and tag-rules.`,
    );
  }
  return found;
}

/** A line of `tags`: a bare tag, or a full reference with a tag. */
function tagLine(text: string): { tag: string; target?: ImageTarget } {
  if (isValidTag(text)) return { tag: text };
  if (/^type=/.test(text)) {
    throw new InputError(
      `Input 'tags' has '${text}', a docker/metadata-action tag expression: here the rules have names.`,
      "Write them in 'tag-rules': type=sha is sha, type=ref,event=branch is branch, type=ref,event=pr is pr, type=semver,pattern={{version}} (and {{major}}.{{minor}}, {{major}}) is semver, type=schedule is timestamp; type=raw,value=edge is the tag edge in 'tags'.",
    );
  }
  const parsed = parseImageReference(text);
  const found = target(text, undefined);
  if (!parsed?.tag || parsed.digest || !found) {
    throw new InputError(
      `Input 'tags' has '${text}', which is neither a tag nor an image reference with a tag.`,
      'Give bare tags (1.4.2, edge) or full references (ghcr.io/octo-org/web:edge, user/app:latest), one per line.',
    );
  }
  return { tag: parsed.tag, target: found };
}

function tagRules(imageGiven: boolean): TagRule[] {
  const rules = list('tag-rules');
  for (const rule of rules) {
    if (!(TAG_RULES as readonly string[]).includes(rule)) {
      throw new InputError(`Input 'tag-rules' has an unknown rule '${rule}'.`, `Rules are: ${TAG_RULES.join(', ')}.`);
    }
  }
  if (rules.length > 0) return rules as TagRule[];
  // build-push-action's form (no image, full references in tags): exactly those tags, and version when given.
  return imageGiven ? DEFAULT_RULES : ['version'];
}

/** docker/metadata-action's `flavor`: latest=auto|true|false, prefix=, suffix= (each may end in ,onlatest=true). */
function flavorInput(): Flavor | undefined {
  const lines = list('flavor', { commas: false });
  if (lines.length === 0) return undefined;
  const flavor: Flavor = { latest: 'auto', prefix: '', suffix: '', onLatest: false };
  for (const line of lines) {
    const [setting = '', ...options] = line.split(',').map((part) => part.trim());
    const at = setting.indexOf('=');
    const [key, value] = [setting.slice(0, at), setting.slice(at + 1)];
    if (options.some((option) => option === 'onlatest=true')) flavor.onLatest = true;
    if (key === 'latest' && ['auto', 'true', 'false'].includes(value)) flavor.latest = value as Flavor['latest'];
    else if (key === 'prefix' || key === 'suffix') flavor[key] = value;
    else {
      throw new InputError(
        `Input 'flavor' has '${line}', which is not latest=auto|true|false, prefix=... or suffix=... .`,
        'Write one per line, as in docker/metadata-action: latest=false, prefix=v, suffix=-alpine,onlatest=true.',
      );
    }
  }
  return flavor;
}

function versionInput(): string | undefined {
  const version = optional('version')?.replace(/^refs\/tags\//, '');
  if (version !== undefined && !isValidTag(version)) {
    throw new InputError(
      `Input 'version' is not a valid image tag: '${version}'.`,
      'A tag is up to 128 letters, digits, _, . and -, and starts with a letter, digit or _.',
    );
  }
  return version;
}

export function readTargets(): Targets {
  const choice = oneOf('registry-type', REGISTRY_TYPES, 'auto');
  const type = choice === 'auto' ? undefined : choice;
  const lines = list('tags').map(tagLine);
  const primary = imageInput(type) ?? lines.find((line) => line.target)?.target;
  if (!primary) {
    throw new InputError(
      "Input 'image' must name a repository in a registry, without a tag, got ''.",
      `Write e.g. ${EXAMPLE}; or, as in docker/build-push-action, give 'tags' as full references (user/app:latest).`,
    );
  }
  if (type) primary.registryType = type;
  const tags: string[] = [];
  const extraReferences: string[] = [];
  const extraTargets: ImageTarget[] = [];
  for (const { tag, target: to } of lines) {
    if (!to || to.image === primary.image) tags.push(tag);
    else {
      extraReferences.push(`${to.image}:${tag}`);
      if (!extraTargets.some((known) => known.image === to.image)) extraTargets.push(to);
    }
  }
  return {
    ...primary,
    tags,
    tagRules: tagRules(optional('image') !== undefined),
    flavor: flavorInput(),
    version: versionInput(),
    extraReferences,
    extraTargets,
  };
}
