import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zipFiles } from './zip.js';

/**
 * A stand-in for releases.hashicorp.com on 127.0.0.1, with the real layout:
 *   /terraform/index.json
 *   /terraform/<v>/terraform_<v>_<os>_<arch>.zip
 *   /terraform/<v>/terraform_<v>_SHA256SUMS
 * Each release's zip holds a small `terraform` shell script, built when the server starts.
 */

export interface FakeRelease {
  /** The script's body after the shebang; by default it answers `version -json` and fails otherwise. */
  script?: string;
  /** The executable's bytes instead of the script (e.g. the real terraform binary, for the benchmark). */
  content?: Buffer;
  /** SHA256SUMS lists a checksum that does not match the zip (a corrupted or tampered download). */
  badChecksum?: boolean;
}

export interface ReleasesServer {
  url: string;
  /** Paths requested, in order, to tell a download from a cache hit. */
  requests: string[];
  /** Size of a release's zip. */
  zipBytes(version: string): number;
  close(): Promise<void>;
}

const os = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform as string] ?? process.platform;
const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string] ?? process.arch;

export function versionScript(version: string): string {
  return [
    'case "$1" in',
    `  version) if [ "$2" = -json ]; then echo '{"terraform_version":"${version}","platform":"${os}_${arch}"}'; else echo 'Terraform v${version}'; fi ;;`,
    `  *) echo "fake terraform ${version}: $*" >&2; exit 1 ;;`,
    'esac',
  ].join('\n');
}

/**
 * `binary: 'tofu'` lays the files out as OpenTofu's GitHub releases do instead:
 * /v<v>/tofu_<v>_<os>_<arch>.zip and /v<v>/tofu_<v>_SHA256SUMS.
 */
export async function startReleases(
  releases: Record<string, FakeRelease>,
  binary: 'terraform' | 'tofu' = 'terraform',
): Promise<ReleasesServer> {
  const files = new Map<string, Buffer>();
  const folder = (version: string) => (binary === 'terraform' ? `/terraform/${version}` : `/v${version}`);
  for (const [version, release] of Object.entries(releases)) {
    const zipName = `${binary}_${version}_${os}_${arch}.zip`;
    const script = `#!/bin/sh\n${release.script ?? versionScript(version)}\n`;
    const zip = zipFiles([{ name: binary, content: release.content ?? script, mode: 0o755 }]);
    const sum = release.badChecksum
      ? createHash('sha256').update('not the zip').digest('hex')
      : createHash('sha256').update(zip).digest('hex');
    files.set(`${folder(version)}/${zipName}`, zip);
    files.set(
      `${folder(version)}/${binary}_${version}_SHA256SUMS`,
      Buffer.from(`${'0'.repeat(64)}  ${binary}_${version}_other_arch.zip\n${sum}  ${zipName}\n`),
    );
  }
  const index = {
    name: 'terraform',
    versions: Object.fromEntries(Object.keys(releases).map((v) => [v, { name: 'terraform', version: v }])),
  };
  files.set('/terraform/index.json', Buffer.from(JSON.stringify(index)));

  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(path);
    const body = req.method === 'GET' ? files.get(path) : undefined;
    if (!body) return res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    const type = path.endsWith('.zip') ? 'application/zip' : path.endsWith('.json') ? 'application/json' : 'text/plain';
    res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    zipBytes: (version) => files.get(`${folder(version)}/${binary}_${version}_${os}_${arch}.zip`)?.length ?? 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
