import { describe, expect, it } from 'vitest';
import {
  buildxArgs,
  classicArgs,
  classicCacheRefs,
  secretEnvironment,
  type BuildRequest,
} from '../../src/build-push/build.js';
import type { BuildPushInputs } from '../../src/build-push/inputs.js';

function inputs(overrides: Partial<BuildPushInputs> = {}): BuildPushInputs {
  return {
    image: 'ghcr.io/octo-org/web',
    registry: 'ghcr.io',
    repository: 'octo-org/web',
    registryType: 'ghcr',
    context: 'app',
    file: '/work/app/Dockerfile',
    buildArgs: new Map([['NODE_ENV', 'production']]),
    labels: new Map(),
    platforms: [],
    push: true,
    cacheFrom: [],
    cacheTo: [],
    secrets: new Map(),
    noCache: false,
    tags: [],
    tagRules: [],
    skipBuild: false,
    builder: 'auto',
    credentials: {},
    createRepository: false,
    logout: true,
    requestTimeoutMs: 30_000,
    ...overrides,
  };
}

function request(overrides: Partial<BuildPushInputs> = {}): BuildRequest {
  return {
    inputs: inputs(overrides),
    references: ['ghcr.io/octo-org/web:1.4.2', 'ghcr.io/octo-org/web:latest'],
    labels: { 'org.opencontainers.image.revision': 'abc' },
    metadataFile: '/tmp/x/metadata.json',
    iidFile: '/tmp/x/iid',
  };
}

/** What both builders are given alike for `request()`: its tags, its label, its build argument. */
const tagsLabelsAndArgs = [
  '--tag',
  'ghcr.io/octo-org/web:1.4.2',
  '--tag',
  'ghcr.io/octo-org/web:latest',
  '--label',
  'org.opencontainers.image.revision=abc',
  '--build-arg',
  'NODE_ENV=production',
];

describe('docker buildx build arguments', () => {
  it('pushes multi-platform builds with registry caches and reads the digest from the metadata file', () => {
    const args = buildxArgs(
      request({
        platforms: ['linux/amd64', 'linux/arm64'],
        cacheFrom: ['type=registry,ref=ghcr.io/octo-org/web:buildcache'],
        cacheTo: ['type=registry,ref=ghcr.io/octo-org/web:buildcache,mode=max'],
        target: 'runtime',
      }),
    );
    expect(args).toEqual([
      'buildx',
      'build',
      '--file',
      '/work/app/Dockerfile',
      '--iidfile',
      '/tmp/x/iid',
      '--target',
      'runtime',
      ...tagsLabelsAndArgs,
      '--metadata-file',
      '/tmp/x/metadata.json',
      '--platform',
      'linux/amd64,linux/arm64',
      '--cache-from',
      'type=registry,ref=ghcr.io/octo-org/web:buildcache',
      '--cache-to',
      'type=registry,ref=ghcr.io/octo-org/web:buildcache,mode=max',
      '--push',
      'app',
    ]);
  });

  it('passes build secrets by environment variable name, never their values', () => {
    const secrets = new Map([
      ['npm-token', 's3cr3t-npm'],
      ['GIT_AUTH_TOKEN', 'ghp_value'],
    ]);
    const args = buildxArgs(request({ secrets }));
    expect(args.join(' ')).not.toMatch(/s3cr3t-npm|ghp_value/);
    expect(args).toContain('id=npm-token,env=BUILD_SECRET_NPM_TOKEN');
    expect(args).toContain('id=GIT_AUTH_TOKEN,env=BUILD_SECRET_GIT_AUTH_TOKEN');
    expect(secretEnvironment(secrets)).toEqual({
      BUILD_SECRET_NPM_TOKEN: 's3cr3t-npm',
      BUILD_SECRET_GIT_AUTH_TOKEN: 'ghp_value',
    });
  });

  it('loads a single-platform image it does not push, and neither loads nor pushes a multi-platform one', () => {
    expect(buildxArgs(request({ push: false }))).toContain('--load');
    const multi = buildxArgs(request({ push: false, platforms: ['linux/amd64', 'linux/arm64'] }));
    expect(multi).not.toContain('--load');
    expect(multi).not.toContain('--push');
  });
});

describe('classic docker build arguments', () => {
  it('tags, labels and build args the same way, with registry caches as --cache-from images', () => {
    const args = classicArgs(request({ network: 'host', noCache: true }), ['ghcr.io/octo-org/web:latest']);
    expect(args).toEqual([
      'build',
      '--file',
      '/work/app/Dockerfile',
      '--iidfile',
      '/tmp/x/iid',
      '--network',
      'host',
      '--no-cache',
      ...tagsLabelsAndArgs,
      '--cache-from',
      'ghcr.io/octo-org/web:latest',
      'app',
    ]);
  });

  it('reads registry caches, and sets aside the kinds only buildx knows', () => {
    expect(
      classicCacheRefs([
        'type=registry,ref=ghcr.io/o/web:cache',
        'ghcr.io/o/web:latest',
        'type=gha',
        'type=local,src=/tmp/c',
      ]),
    ).toEqual({
      refs: ['ghcr.io/o/web:cache', 'ghcr.io/o/web:latest'],
      ignored: ['type=gha', 'type=local,src=/tmp/c'],
    });
  });
});
