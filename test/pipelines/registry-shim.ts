import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A `docker` command first on PATH for the promotion path of build-push (skip-build: `docker buildx imagetools
 * create --tag <ref> <source>` copies a manifest in the registry, `imagetools inspect` reads its digest back),
 * over a registry kept in a file: the manifests (by digest) it holds, and the tags pointing at them. It refuses a
 * source the registry does not have as buildx does (`ERROR: ...: not found`), and records every call. `stores`
 * models a registry that keeps another manifest than the one copied (one that converts the manifest's media type,
 * or a push to the same tag racing the copy): the tag then resolves to that other digest.
 */
export interface RegistryShim {
  path: string;
  calls(): string[];
  /** tag -> digest, as the registry lists them. */
  tags(): Record<string, string>;
}

const script = (dir: string) => `#!/bin/sh
echo "$*" >> '${dir}/calls'
digest_of() {
  case "$1" in
    *@sha256:*) d="\${1##*@}"; grep -qx "$d" '${dir}/manifests' && echo "$d" ;;
    *) grep "^$1 " '${dir}/tags' | tail -n 1 | cut -d' ' -f2 ;;
  esac
}
case "$1 $2" in
  "buildx version") echo 'github.com/docker/buildx v0.19.3 48d6a39'; exit 0 ;;
  "login "*) cat > /dev/null; echo 'Login Succeeded'; exit 0 ;;
  "logout "*) echo "Removing login credentials for $2"; exit 0 ;;
  "buildx imagetools")
    case "$3" in
      create)
        shift 3; tags=''
        while [ "$1" = --tag ]; do tags="$tags $2"; shift 2; done
        d=$(digest_of "$1")
        if [ -z "$d" ]; then echo "ERROR: $1: not found" >&2; exit 1; fi
        s=$(grep "^$d " '${dir}/stores' | cut -d' ' -f2); [ -n "$s" ] && d="$s"
        for t in $tags; do echo "$t $d" >> '${dir}/tags'; done
        exit 0 ;;
      inspect)
        d=$(digest_of "$4")
        if [ -z "$d" ]; then echo "ERROR: $4: not found" >&2; exit 1; fi
        printf 'Name:      %s\\nMediaType: application/vnd.oci.image.index.v1+json\\nDigest:    %s\\n' "$4" "$d"
        exit 0 ;;
    esac ;;
esac
echo "docker $*: not in this shim" >&2
exit 1
`;

export function registryShim(manifests: string[], stores: Record<string, string> = {}): RegistryShim {
  const dir = mkdtempSync(join(tmpdir(), 'registry-shim-'));
  writeFileSync(
    join(dir, 'stores'),
    Object.entries(stores)
      .map(([copied, kept]) => `${copied} ${kept}\n`)
      .join(''),
  );
  writeFileSync(join(dir, 'calls'), '');
  writeFileSync(join(dir, 'tags'), '');
  writeFileSync(join(dir, 'manifests'), manifests.map((m) => `${m}\n`).join(''));
  writeFileSync(join(dir, 'docker'), script(dir));
  chmodSync(join(dir, 'docker'), 0o755);
  const lines = (file: string) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
  return {
    path: `${dir}${delimiter}${process.env.PATH ?? ''}`,
    calls: () => lines('calls'),
    tags: () => Object.fromEntries(lines('tags').map((l) => l.split(' ') as [string, string])),
  };
}
