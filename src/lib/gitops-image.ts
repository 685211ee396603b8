import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { InputError } from './errors.js';
import { parseImageReference } from './image.js';

/**
 * Sets container images in the files of a GitOps config repository, keeping every other byte as it was.
 * The YAML is parsed only to find where each value sits (the `yaml` package keeps each node's source range);
 * the new value is then written into the original text at that range, so comments, key order, quoting,
 * indentation and blank lines survive exactly, as a reviewer of the commit expects.
 *
 * Three kinds of file, told apart by their content:
 *   - Kubernetes manifests (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod): containers and
 *     initContainers matched by container name;
 *   - a kustomization (`kind: Kustomization` or a file named kustomization.yaml): its `images:` entries, matched
 *     by `name`, set as `kustomize edit set image` sets them (newName, newTag or digest);
 *   - anything else is a Helm values file: the target is a dotted path (`image`, `api.image`) to either an image
 *     string or a map with `repository` and `tag` (and `digest`).
 */

export type FileKind = 'manifest' | 'kustomization' | 'helm-values';

/** What one edit did: in which file, to which target (container, kustomize image name, values path). */
export interface ImageChange {
  file: string;
  kind: FileKind;
  target: string;
  /** Where it sits, for the commit message and the summary: `Deployment/api`, `images[name=web]`, `api.image`. */
  location: string;
  previous: string;
  image: string;
}

export interface EditResult {
  text: string;
  kind: FileKind;
  /** Every place a target was found, changed or already set. */
  changes: ImageChange[];
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The workload kinds whose pod template holds containers, and where that template is. */
const podSpecPaths: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export const manifestKinds = Object.keys(podSpecPaths);

export function splitImage(image: string): { repository: string; tag?: string; digest?: string } {
  const ref = parseImageReference(image);
  if (!ref) throw new InputError(`'${image}' is not an image reference.`);
  return { repository: ref.registry ? `${ref.registry}/${ref.path}` : ref.path, tag: ref.tag, digest: ref.digest };
}

export function joinImage(parts: { repository: string; tag?: string; digest?: string }): string {
  return `${parts.repository}${parts.tag ? `:${parts.tag}` : ''}${parts.digest ? `@${parts.digest}` : ''}`;
}

function parse(file: string, text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) throw new InputError(`${file} is not valid YAML: ${error.message.split('\n')[0]}`);
  }
  return list;
}

export function kindOf(file: string, docs: Document.Parsed[]): FileKind {
  const kinds = docs.map((doc) => doc.get('kind')).filter((kind) => typeof kind === 'string');
  if (kinds.includes('Kustomization') || /(^|\/)kustomization\.ya?ml$/i.test(file)) return 'kustomization';
  if (docs.some((doc) => typeof doc.get('apiVersion') === 'string' && typeof doc.get('kind') === 'string')) {
    return 'manifest';
  }
  return 'helm-values';
}

/** The scalar's new source text, written in the quoting the old one had (a plain value that YAML would read as a number is quoted). */
function scalarText(old: Node, value: string): string {
  const type = isScalar(old) ? old.type : undefined;
  if (type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (
    type === 'QUOTE_DOUBLE' ||
    !/^[A-Za-z_./][\w./:@+-]*$/.test(value) ||
    /^(true|false|null|yes|no|on|off|~)$/i.test(value)
  ) {
    return JSON.stringify(value);
  }
  return value;
}

function setScalar(splices: Splice[], node: Node, value: string) {
  const [start, end] = node.range ?? [0, 0];
  splices.push({ start, end, text: scalarText(node, value) });
}

/** The column a map's keys start at, and the offset of the end of its last value. */
function mapLayout(source: string, map: YAMLMap): { indent: string; end: number } {
  const first = map.items[0]?.key as Node | undefined;
  const start = first?.range?.[0] ?? map.range?.[0] ?? 0;
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const last = map.items.at(-1);
  const end = (last?.value as Node | undefined)?.range?.[1] ?? (last?.key as Node | undefined)?.range?.[1] ?? start;
  return { indent: ' '.repeat(start - lineStart), end };
}

/** Sets `key` in a block map: its value when present, else a new line after the last pair, at the keys' indentation. */
function setKey(source: string, splices: Splice[], map: YAMLMap, key: string, value: string) {
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  if (pair && pair.value) return setScalar(splices, pair.value as Node, value);
  if (map.flow)
    throw new InputError(`A flow map ({...}) cannot take a new key '${key}'; write the map in block style.`);
  const { indent, end } = mapLayout(source, map);
  // After the last value's line, its comment included.
  const lineEnd = source.indexOf('\n', end) < 0 ? source.length : source.indexOf('\n', end);
  splices.push({ start: lineEnd, end: lineEnd, text: `\n${indent}${key}: ${scalarText({} as Node, value)}` });
}

/** Removes `key` and its line from a block map (a tag the digest replaces, as kustomize does). */
function removeKey(source: string, splices: Splice[], map: YAMLMap, key: string) {
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key) as Pair<Node, Node> | undefined;
  if (!pair?.key.range || !pair.value?.range || map.flow) return;
  const start = source.lastIndexOf('\n', pair.key.range[0] - 1);
  const lineEnd = source.indexOf('\n', pair.value.range[1]);
  splices.push({ start: Math.max(start, 0), end: lineEnd < 0 ? source.length : lineEnd, text: '' });
}

function apply(source: string, splices: Splice[]): string {
  let text = source;
  // From the end, so earlier offsets stay right; at one offset, the last pushed first, so they read in order.
  const ordered = splices.map((splice, index) => ({ ...splice, index }));
  for (const splice of ordered.sort((a, b) => b.start - a.start || b.index - a.index)) {
    text = text.slice(0, splice.start) + splice.text + text.slice(splice.end);
  }
  return text;
}

interface Context {
  file: string;
  source: string;
  splices: Splice[];
  changes: ImageChange[];
  images: Map<string, string>;
  /** Only read what each target has now; change nothing. */
  readOnly?: boolean;
}

function editManifests(context: Context, docs: Document.Parsed[]) {
  for (const doc of docs) {
    const kind = doc.get('kind');
    const path = typeof kind === 'string' ? podSpecPaths[kind] : undefined;
    if (!path) continue;
    const name = String(doc.getIn(['metadata', 'name']) ?? '');
    for (const list of ['initContainers', 'containers']) {
      const containers = doc.getIn([...path, list], true);
      if (!isSeq(containers)) continue;
      for (const container of containers.items) {
        if (!isMap(container)) continue;
        const containerName = container.get('name');
        const image = typeof containerName === 'string' ? context.images.get(containerName) : undefined;
        if (image === undefined || typeof containerName !== 'string') continue;
        const node = container.get('image', true);
        const previous = isScalar(node) ? String(node.value) : '';
        if (!context.readOnly && previous !== image) setKey(context.source, context.splices, container, 'image', image);
        context.changes.push({
          file: context.file,
          kind: 'manifest',
          target: containerName,
          location: `${kind}/${name} ${list === 'initContainers' ? 'initContainer' : 'container'} ${containerName}`,
          previous,
          image,
        });
      }
    }
  }
}

function kustomizeImage(entry: YAMLMap): string {
  const text = (key: string) =>
    typeof entry.get(key) === 'string' || typeof entry.get(key) === 'number' ? String(entry.get(key)) : undefined;
  return joinImage({ repository: text('newName') ?? text('name') ?? '', tag: text('newTag'), digest: text('digest') });
}

/** As `kustomize edit set image name=repo:tag` (or `@digest`): newName when the repository changes, then newTag or digest. */
function editKustomization(context: Context, docs: Document.Parsed[]) {
  for (const doc of docs) {
    const images = doc.get('images', true);
    if (!isSeq(images)) continue;
    for (const entry of images.items) {
      if (!isMap(entry)) continue;
      const name = entry.get('name');
      const image = typeof name === 'string' ? context.images.get(name) : undefined;
      if (image === undefined || typeof name !== 'string') continue;
      const previous = kustomizeImage(entry);
      if (!context.readOnly && previous !== image) {
        const wanted = splitImage(image);
        const { source, splices } = context;
        if (wanted.repository !== name || entry.has('newName'))
          setKey(source, splices, entry, 'newName', wanted.repository);
        if (wanted.tag) setKey(source, splices, entry, 'newTag', wanted.tag);
        else removeKey(source, splices, entry, 'newTag');
        if (wanted.digest) setKey(source, splices, entry, 'digest', wanted.digest);
        else removeKey(source, splices, entry, 'digest');
      }
      context.changes.push({
        file: context.file,
        kind: 'kustomization',
        target: name,
        location: `images[name=${name}]`,
        previous,
        image,
      });
    }
  }
}

function editHelmValues(context: Context, docs: Document.Parsed[]) {
  const doc = docs[0];
  if (!doc) return;
  for (const [target, image] of context.images) {
    const node = doc.getIn(target.split('.'), true) as Node | undefined;
    if (node === undefined) continue;
    const change = { file: context.file, kind: 'helm-values' as const, target, location: target, image };
    if (isScalar(node) && typeof node.value === 'string' && parseImageReference(node.value)) {
      const previous = node.value;
      if (!context.readOnly && previous !== image) setScalar(context.splices, node, image);
      context.changes.push({ ...change, previous });
      continue;
    }
    if (!isMap(node) || !node.has('repository')) {
      throw new InputError(
        `${context.file}: '${target}' is neither an image string nor a map with repository and tag.`,
      );
    }
    const text = (key: string) => (node.has(key) ? String(node.get(key)) : undefined);
    const previous = joinImage({
      repository: text('repository') ?? '',
      tag: text('tag') || undefined,
      digest: text('digest') || undefined,
    });
    if (!context.readOnly && previous !== image) {
      const wanted = splitImage(image);
      setKey(context.source, context.splices, node, 'repository', wanted.repository);
      if (wanted.tag || node.has('tag')) setKey(context.source, context.splices, node, 'tag', wanted.tag ?? '');
      if (wanted.digest || node.has('digest'))
        setKey(context.source, context.splices, node, 'digest', wanted.digest ?? '');
    }
    context.changes.push({ ...change, previous });
  }
}

/**
 * Sets each image of `images` (target → image reference) where the file has the target. The text comes back
 * unchanged, byte for byte, when every target already has its image.
 */
export function setImages(file: string, source: string, images: Map<string, string>): EditResult {
  const docs = parse(file, source);
  const kind = kindOf(file, docs);
  const context: Context = { file, source, splices: [], changes: [], images };
  if (kind === 'manifest') editManifests(context, docs);
  else if (kind === 'kustomization') editKustomization(context, docs);
  else editHelmValues(context, docs);
  return { text: apply(source, context.splices), kind, changes: context.changes };
}

/** The image each target has in the file now (targets the file lacks are left out). */
export function readImages(file: string, source: string, targets: string[]): Map<string, string> {
  const docs = parse(file, source);
  const kind = kindOf(file, docs);
  const context: Context = {
    file,
    source,
    splices: [],
    changes: [],
    images: new Map(targets.map((t) => [t, ''])),
    readOnly: true,
  };
  if (kind === 'manifest') editManifests(context, docs);
  else if (kind === 'kustomization') editKustomization(context, docs);
  else editHelmValues(context, docs);
  return new Map(context.changes.map((change) => [change.target, change.previous]));
}

/** What each kind of file calls the targets, for errors. */
export const targetWord: Record<FileKind, string> = {
  manifest: 'container',
  kustomization: "kustomization image (an 'images:' entry's name)",
  'helm-values': 'values path',
};
