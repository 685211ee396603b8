import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startRegistry, type LocalRegistry } from '../fakes/registry/index.js';
import { busybox, docker, dockerRegistry } from '../helpers/prereq.js';

/**
 * A tiny multi-stage build context: FROM scratch with busybox-static (no base image can be pulled here),
 * and a build argument used in a RUN step. The build stage carries the run's label too, so the cleanup finds
 * its intermediate images, which the classic builder keeps as cache.
 */
export const dockerfile = (runLabel: string) => `FROM scratch AS build
LABEL ${runLabel}
COPY busybox /bin/busybox
ARG GREETING=hello
RUN ["/bin/busybox", "sh", "-c", "echo \\"$GREETING\\" > /greeting"]
FROM scratch
COPY --from=build /bin/busybox /bin/busybox
COPY --from=build /greeting /greeting
CMD ["/bin/busybox", "cat", "/greeting"]
`;

/** Whether images can really be built and pushed here: a Docker engine, a registry, and busybox to build from. */
export const canBuild = () => docker().available && dockerRegistry().available && busybox().available;

/** A context holding only its Dockerfile: enough for every check made before a build, so no busybox needed. */
export function dockerfileOnly(runLabel = 'test.build-push.unbuilt=1'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'build-push-context-'));
  writeFileSync(join(dir, 'Dockerfile'), dockerfile(runLabel));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Registers, in the calling file or describe block, a `dockerfileOnly()` context made before all its tests and
 * removed after them. Returns its folder, for use in tests.
 */
export function useDockerfileOnly(): () => string {
  let context: ReturnType<typeof dockerfileOnly> | undefined;
  beforeAll(() => {
    context = dockerfileOnly();
  });
  afterAll(() => context?.remove());
  return () => {
    if (!context) throw new Error('The build context is made in beforeAll: read it inside a test.');
    return context.dir;
  };
}

/** A context that builds: the Dockerfile and the busybox it copies (see `canBuild`). */
export function buildContext(runLabel: string): { dir: string; remove: () => void } {
  const context = dockerfileOnly(runLabel);
  copyFileSync('/bin/busybox', join(context.dir, 'busybox'));
  return context;
}

export interface DockerFixture {
  /** The build context folder. */
  context: string;
  /** A DOCKER_CONFIG of its own, so no login leaks into the user's Docker or between test files. */
  dockerConfig: string;
  /** Removes the images of this run tagged into these registries, the context and the Docker config. */
  cleanUp: (hosts: (string | undefined)[]) => void;
}

/** The servers a test file that builds pushes to. */
export interface Servers {
  start: () => Promise<void>;
  /** Their hosts: the images of this run tagged into them are removed at the end. */
  hosts: () => (string | undefined)[];
  stop: () => Promise<unknown>;
}

/**
 * Registers, in the enclosing describe, what every test file that builds needs: before all, its servers and a
 * fixture; after all, the fixture cleaned up and the servers stopped. Returns the fixture, for use in tests.
 */
export function useDockerFixture(runLabel: string, servers: Servers): () => DockerFixture {
  let fixture: DockerFixture | undefined;
  beforeAll(async () => {
    await servers.start();
    fixture = dockerFixture(runLabel);
  });
  afterAll(async () => {
    fixture?.cleanUp(servers.hosts());
    await servers.stop();
  });
  return () => {
    if (!fixture) throw new Error('The Docker fixture is made in beforeAll: read it inside a test.');
    return fixture;
  };
}

/**
 * `useDockerFixture` with two local registries: `registry`, which needs user ci with this password, and `open`,
 * which needs no login. Read them inside a test.
 */
export function useRegistries(runLabel: string, password: string) {
  let started: { registry: LocalRegistry; open: LocalRegistry } | undefined;
  const fixture = useDockerFixture(runLabel, {
    start: async () => {
      const [registry, open] = await Promise.all([startRegistry({ ci: password }), startRegistry()]);
      started = { registry, open };
    },
    hosts: () => [started?.registry.host, started?.open.host],
    stop: () => Promise.all([started?.registry.stop(), started?.open.stop()]),
  });
  const servers = () => {
    if (!started) throw new Error('The registries start in beforeAll: read them inside a test.');
    return started;
  };
  return {
    fixture,
    get registry() {
      return servers().registry;
    },
    get open() {
      return servers().open;
    },
  };
}

function dockerFixture(runLabel: string): DockerFixture {
  const context = buildContext(runLabel);
  const dockerConfig = mkdtempSync(join(tmpdir(), 'docker-config-'));
  return {
    context: context.dir,
    dockerConfig,
    cleanUp: (hosts) => {
      removeImages(
        runLabel,
        hosts.filter((host): host is string => Boolean(host)),
      );
      context.remove();
      rmSync(dockerConfig, { recursive: true, force: true });
    },
  };
}

/** Removes the images tagged into the test registries, then every image (intermediate ones too) of this run. */
export function removeImages(label: string, hosts: string[]): void {
  const list = (args: string[]) =>
    execFileSync('docker', ['image', 'ls', ...args], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  // An image whose tags moved to a newer build lists as repo:<none>; the label round below removes it.
  const refs = list(['--format', '{{.Repository}}:{{.Tag}}']).filter(
    (ref) => !ref.endsWith(':<none>') && hosts.some((host) => ref.startsWith(`${host}/`)),
  );
  // Never throws: the cleanup of registries and folders after it must run whatever happens here.
  if (refs.length > 0) {
    try {
      execFileSync('docker', ['image', 'rm', '-f', ...refs], { stdio: 'ignore' });
    } catch (error) {
      console.warn(`could not remove ${refs.join(' ')}: ${String(error)}`);
    }
  }
  // Children first: an image with dependent children cannot be removed, so go round until none is left.
  for (let round = 0; round < 10; round++) {
    const ids = [...new Set(list(['-a', '-q', '--filter', `label=${label}`]))];
    if (ids.length === 0) return;
    for (const id of ids) {
      try {
        execFileSync('docker', ['image', 'rm', '-f', id], { stdio: 'ignore' });
      } catch {
        // still has children; the next round takes it
      }
    }
  }
}

/** The manifest digest the registry itself reports for a tag. */
export async function registryDigest(host: string, repository: string, tag: string, auth?: string): Promise<string> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      accept: 'application/vnd.docker.distribution.manifest.v2+json',
      ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}),
    },
  });
  return response.headers.get('docker-content-digest') ?? `HTTP ${response.status}`;
}
