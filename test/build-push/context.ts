import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A tiny multi-stage build context: FROM scratch with busybox-static (no base image can be pulled here),
 * a build argument used in a RUN step, and a secret-looking value that must never reach the image.
 */
export const DOCKERFILE = `FROM scratch AS build
COPY busybox /bin/busybox
ARG GREETING=hello
RUN ["/bin/busybox", "sh", "-c", "echo \\"$GREETING\\" > /greeting"]
FROM scratch
COPY --from=build /bin/busybox /bin/busybox
COPY --from=build /greeting /greeting
CMD ["/bin/busybox", "cat", "/greeting"]
`;

export function buildContext(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'build-push-context-'));
  copyFileSync('/bin/busybox', join(dir, 'busybox'));
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Removes every image this test run labelled, and whatever images were tagged into the test registries. */
export function removeImages(label: string, hosts: string[]): void {
  const ids = execFileSync('docker', ['image', 'ls', '-q', '--filter', `label=${label}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const refs = execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' })
    .split('\n')
    .filter((ref) => hosts.some((host) => ref.startsWith(`${host}/`)));
  const targets = [...new Set([...refs, ...ids])];
  if (targets.length > 0) execFileSync('docker', ['image', 'rm', '-f', ...targets], { stdio: 'ignore' });
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
