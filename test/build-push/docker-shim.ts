import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A `docker` command first on PATH that records every call (arguments, and what `login --password-stdin`
 * read) and answers as the Docker CLI with buildx does, for the adversarial cases: they check what happens
 * around Docker (inputs refused before any call, secrets masked and scrubbed, registry faults), not Docker
 * itself, which the tests of test/build-push/docker.test.ts run for real. Its answers follow the CLI's own text:
 * `docker buildx version`, BuildKit's plain progress (`#5 0.245 …`, `ERROR: failed to solve: process … did not
 * complete successfully: exit code: 1`), `--metadata-file` with `containerimage.digest`, `Login Succeeded`.
 *
 * `mode`: `ok` builds; `run-fails` fails the RUN step after printing what it read from each build secret
 * (`--secret id=…,env=…` or `src=…`), as `RUN cat /run/secrets/<id>` would.
 */
export interface DockerShim {
  /** PATH with the shim first. */
  path: string;
  /** Each call's arguments, joined by spaces. */
  calls(): string[];
  /** What each `docker login --password-stdin` read. */
  passwords(): string[];
}

const DIGEST = `sha256:${'5'.repeat(64)}`;

const script = (calls: string, stdin: string, mode: string) => `#!/bin/sh
echo "$*" >> '${calls}'
case "$1" in
  buildx)
    case "$2" in
      version) echo 'github.com/docker/buildx v0.19.3 48d6a39'; exit 0 ;;
      build) ;;
      *) echo "docker buildx $2: not in this shim" >&2; exit 1 ;;
    esac ;;
  login) cat >> '${stdin}'; echo >> '${stdin}'; echo 'Login Succeeded'; exit 0 ;;
  logout) echo "Removing login credentials for $2"; exit 0 ;;
  image) exit 1 ;;
  *) echo "docker $1: not in this shim" >&2; exit 1 ;;
esac
metadata=''; iid=''; previous=''; secrets=''
for arg in "$@"; do
  case "$previous" in
    --metadata-file) metadata="$arg" ;;
    --iidfile) iid="$arg" ;;
    --secret)
      case "$arg" in
        *env=*) name="\${arg##*env=}"; eval "value=\\"\\\${$name}\\"" ;;
        *src=*) value="$(cat "\${arg##*src=}")" ;;
      esac
      secrets="$secrets$value
" ;;
  esac
  previous="$arg"
done
echo '#0 building with "default" instance using docker-container driver' >&2
echo '#1 [internal] load build definition from Dockerfile' >&2
if [ '${mode}' = run-fails ]; then
  echo '#5 [2/2] RUN --mount=type=secret,id=token cat /run/secrets/token && exit 1' >&2
  printf '%s' "$secrets" | while IFS= read -r line; do echo "#5 0.245 $line" >&2; done
  echo '#5 ERROR: process "/bin/sh -c cat /run/secrets/token && exit 1" did not complete successfully: exit code: 1' >&2
  echo '------' >&2
  echo ' > [2/2] RUN --mount=type=secret,id=token cat /run/secrets/token && exit 1:' >&2
  printf '%s' "$secrets" | while IFS= read -r line; do echo "0.245 $line" >&2; done
  echo '------' >&2
  echo 'ERROR: failed to solve: process "/bin/sh -c cat /run/secrets/token && exit 1" did not complete successfully: exit code: 1' >&2
  exit 1
fi
echo '#9 exporting to image' >&2
echo '#9 pushing manifest for image done' >&2
echo '{"containerimage.digest":"${DIGEST}"}' > "$metadata"
echo '${DIGEST}' > "$iid"
exit 0
`;

export function dockerShim(mode: 'ok' | 'run-fails' = 'ok'): DockerShim {
  const dir = mkdtempSync(join(tmpdir(), 'docker-shim-'));
  const calls = join(dir, 'calls');
  const stdin = join(dir, 'stdin');
  writeFileSync(calls, '');
  writeFileSync(stdin, '');
  writeFileSync(join(dir, 'docker'), script(calls, stdin, mode));
  chmodSync(join(dir, 'docker'), 0o755);
  const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return {
    path: `${dir}${delimiter}${process.env.PATH ?? ''}`,
    calls: () => lines(calls),
    passwords: () => lines(stdin),
  };
}

export const SHIM_DIGEST = DIGEST;
