import { execFileSync } from 'node:child_process';
import { posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { PodTemplate } from './workloads.js';

/**
 * What the local Argo CD's repo server does: the manifests of an Application's path at a revision, read from the
 * real Git repository. Plain YAML files (several documents each), or, with a kustomization.yaml, the files of its
 * `resources:` with its `images:` overrides applied as kustomize applies them (name matched against the image
 * repository; newName, newTag or digest set). Helm charts are not rendered.
 */

export interface Resource {
  kind: string;
  name: string;
  group: string;
  version: string;
  body: Record<string, unknown>;
  hook?: string;
}

export function git(bare: string, args: string[]): string {
  return execFileSync('git', args, { cwd: bare, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
}

/** The manifests of a path at a revision: YAML files, or what a kustomization lists with its images set. */
export function renderManifests(bare: string, revision: string, path: string): Resource[] {
  const files = git(bare, ['ls-tree', '-r', '--name-only', revision, '--', `${path}/`])
    .split('\n')
    .filter((f) => /\.ya?ml$/.test(f));
  const read = (file: string) =>
    parseAllDocuments(git(bare, ['show', `${revision}:${file}`])).map((d) => d.toJS() as Record<string, unknown>);
  const kustomization = files.find((file) => /(^|\/)kustomization\.ya?ml$/.test(file) && posix.dirname(file) === path);
  let docs: Record<string, unknown>[];
  if (kustomization) {
    const k = read(kustomization)[0] as {
      resources?: string[];
      images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
    };
    docs = (k.resources ?? []).flatMap((file) => read(posix.join(path, file)));
    const overrides = k.images ?? [];
    for (const doc of docs)
      forEachContainer(doc, (container) => {
        const [repo] = String(container.image).split(/[:@]/);
        const override = overrides.find((o) => o.name === repo);
        if (!override) return;
        const name = override.newName ?? repo;
        container.image = override.digest
          ? `${name}@${override.digest}`
          : `${name}:${override.newTag ?? String(container.image).split(':')[1] ?? 'latest'}`;
      });
  } else {
    docs = files.flatMap(read);
  }
  return docs
    .filter((doc) => doc && typeof doc.kind === 'string')
    .map((doc) => {
      const [group, version] = String(doc.apiVersion ?? 'v1').includes('/')
        ? String(doc.apiVersion).split('/')
        : ['', String(doc.apiVersion ?? 'v1')];
      const metadata = (doc.metadata ?? {}) as { name?: string; annotations?: Record<string, string> };
      return {
        kind: String(doc.kind),
        name: metadata.name ?? '',
        group: group ?? '',
        version: version ?? 'v1',
        body: doc,
        hook: metadata.annotations?.['argocd.argoproj.io/hook'],
      };
    });
}

function forEachContainer(doc: Record<string, unknown>, each: (container: Record<string, unknown>) => void) {
  const template = podTemplateOf(doc);
  for (const list of [template?.spec?.containers, template?.spec?.initContainers])
    for (const c of list ?? []) each(c as unknown as Record<string, unknown>);
}

function podTemplateOf(doc: Record<string, unknown>): PodTemplate | undefined {
  const spec = doc.spec as { template?: PodTemplate; jobTemplate?: { spec?: { template?: PodTemplate } } } | undefined;
  return doc.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : spec?.template;
}
