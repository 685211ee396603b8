import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/lib/errors.js';
import { setImages } from '../../src/lib/gitops-image.js';

/** Image edits in each kind of file: only the image changes, every comment, quote and blank line stays. */

const digest = `sha256:${'a'.repeat(64)}`;
const images = (entries: Record<string, string>) => new Map(Object.entries(entries));
/** setImages() with the images given as target: image pairs. */
const set = (file: string, text: string, entries: Record<string, string>) => setImages(file, text, images(entries));

describe('setting an image in Kubernetes manifests', () => {
  const manifests = `# hello: one file, three workloads
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello # the service

spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: "registry.example/hello:v1"   # same image, quoted
      containers:
      - name: web
        image: registry.example/hello:v1 # set by CI
        ports: [{containerPort: 8080}]
      - name: sidecar
        image: registry.example/proxy:3
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache}
spec:
  template:
    spec:
      containers:
        - {name: web, image: 'registry.example/hello:v1'}
---
kind: CronJob
apiVersion: batch/v1
metadata:
  name: nightly
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: web
              image: registry.example/hello:v1
---
apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  template:
    spec:
      containers:
        - image: registry.example/hello:v1
          name: web # after its image: keys come in any order
---
apiVersion: v1
kind: Service
metadata:
  name: web # a Service named like the container is left alone
`;

  it('sets the named containers (initContainers too) in Deployment, StatefulSet, CronJob and Job, keeping quotes and comments', () => {
    const result = setImages(
      'hello.yaml',
      manifests,
      images({ web: 'registry.example/hello:v2', migrate: `registry.example/hello@${digest}` }),
    );
    expect(result.kind).toBe('manifest');
    expect(result.text).toBe(
      manifests
        .replace('"registry.example/hello:v1"   # same', `"registry.example/hello@${digest}"   # same`)
        .replace('image: registry.example/hello:v1 # set by CI', 'image: registry.example/hello:v2 # set by CI')
        .replace("image: 'registry.example/hello:v1'", "image: 'registry.example/hello:v2'")
        .replace(/image: registry\.example\/hello:v1\n/g, 'image: registry.example/hello:v2\n'),
    );
    expect(result.changes.map((c) => c.location)).toEqual([
      'Deployment/hello initContainer migrate',
      'Deployment/hello container web',
      'StatefulSet/cache container web',
      'CronJob/nightly container web',
      'Job/once container web',
    ]);
    expect(result.changes.every((c) => c.previous === 'registry.example/hello:v1')).toBe(true);
    expect(result.text).toContain('image: registry.example/proxy:3');
  });

  it('returns the text byte for byte when the image is already set', () => {
    const result = setImages('hello.yaml', manifests, images({ web: 'registry.example/hello:v1' }));
    expect(result.text).toBe(manifests);
    expect(result.changes).toHaveLength(4);
  });

  it('finds nothing for a container name the file does not have', () => {
    expect(setImages('hello.yaml', manifests, images({ api: 'registry.example/hello:v2' })).changes).toEqual([]);
  });

  it('refuses a file that is not YAML, naming it', () => {
    expect(() => setImages('bad.yaml', 'kind: Deployment\n  spec: [', images({ web: 'x:1' }))).toThrow(InputError);
    expect(() => setImages('bad.yaml', 'kind: Deployment\n  spec: [', images({ web: 'x:1' }))).toThrow(
      /^bad\.yaml is not valid YAML/,
    );
  });
});

describe("setting an image in a kustomization's images:", () => {
  const kustomization = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - hello.deployment.yaml # the app
images:
  # the app image, pinned by CI
  - name: registry.example/hello
    newTag: "v1"   # quoted on purpose
  - name: registry.example/proxy
    newName: mirror.example/proxy
    newTag: "3"
`;

  it('sets newTag as kustomize edit set image does, keeping the comments', () => {
    const result = set('overlays/prod/kustomization.yaml', kustomization, {
      'registry.example/hello': 'registry.example/hello:v2',
    });
    expect(result.kind).toBe('kustomization');
    expect(result.text).toBe(kustomization.replace('newTag: "v1"   # quoted', 'newTag: "v2"   # quoted'));
    expect(result.changes).toEqual([
      expect.objectContaining({
        target: 'registry.example/hello',
        previous: 'registry.example/hello:v1',
        image: 'registry.example/hello:v2',
      }),
    ]);
  });

  it('sets a digest in place of the tag, and newName when the repository moves', () => {
    const result = setImages(
      'kustomization.yaml',
      kustomization,
      images({ 'registry.example/hello': `mirror.example/hello@${digest}` }),
    );
    expect(result.text).toBe(
      kustomization.replace(
        '  - name: registry.example/hello\n    newTag: "v1"   # quoted on purpose\n',
        `  - name: registry.example/hello\n    newName: mirror.example/hello\n    digest: ${digest}\n`,
      ),
    );
  });

  it('reads the previous image from newName and newTag', () => {
    const result = set('kustomization.yaml', kustomization, { 'registry.example/proxy': 'mirror.example/proxy:4' });
    expect(result.changes[0]?.previous).toBe('mirror.example/proxy:3');
    expect(result.text).toContain('newName: mirror.example/proxy\n    newTag: "4"\n');
  });
});

describe('setting an image in Helm values', () => {
  const values = `# values for production
replicaCount: 2

api:
  image:
    repository: registry.example/api # pushed by CI
    tag: 1.4.2
    pullPolicy: IfNotPresent
  resources: {}
worker:
  image: registry.example/worker:1.4.2   # one string
`;

  it('sets repository and tag of an image map, quoting a tag YAML would read as a number', () => {
    const result = set('charts/hello/values-prod.yaml', values, { 'api.image': 'registry.example/api:1.5' });
    expect(result.kind).toBe('helm-values');
    expect(result.text).toBe(values.replace('tag: 1.4.2', 'tag: "1.5"'));
    expect(result.changes[0]).toMatchObject({ location: 'api.image', previous: 'registry.example/api:1.4.2' });
  });

  it('sets an image string at a dotted path, and adds a digest line under the map', () => {
    const result = setImages(
      'values.yaml',
      values,
      images({ 'worker.image': 'registry.example/worker:1.5.0', 'api.image': `registry.example/api@${digest}` }),
    );
    expect(result.text).toBe(
      values
        .replace('worker:1.4.2   # one', 'worker:1.5.0   # one')
        .replace(
          '    tag: 1.4.2\n    pullPolicy: IfNotPresent\n',
          `    tag: ""\n    pullPolicy: IfNotPresent\n    digest: ${digest}\n`,
        ),
    );
  });

  it('refuses a values path that is not an image', () => {
    expect(() => setImages('values.yaml', values, images({ replicaCount: 'x/y:1' }))).toThrow(
      "values.yaml: 'replicaCount' is neither an image string nor a map with repository and tag.",
    );
    expect(() => setImages('values.yaml', values, images({ api: 'x/y:1' }))).toThrow(
      "values.yaml: 'api' is neither an image string nor a map with repository and tag.",
    );
  });
});
