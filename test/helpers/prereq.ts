import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/**
 * Decides whether a test that needs a local tool (Docker, Terraform, docker-registry) can run. On a
 * user's machine a missing tool skips the test with the reason shown; under CI=true it is a failure,
 * so CI never passes by skipping.
 */
export function prerequisite(name: string, probe: () => void): { available: boolean; reason: string } {
  try {
    probe();
    return { available: true, reason: '' };
  } catch (error) {
    const reason = `${name} is not available (${(error as Error).message.split('\n')[0]})`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI must provide it (see .ci/run).`, { cause: error });
    console.warn(`skipping: ${reason}`);
    return { available: false, reason };
  }
}

export const docker = () =>
  prerequisite('Docker engine', () => execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }));

export const terraform = () =>
  prerequisite('terraform', () => execFileSync('terraform', ['version'], { stdio: 'ignore', timeout: 20_000 }));

export const dockerRegistry = () =>
  prerequisite('docker-registry', () => execFileSync('docker-registry', ['--version'], { stdio: 'ignore' }));

export const shellcheck = () =>
  prerequisite('shellcheck', () => execFileSync('shellcheck', ['--version'], { stdio: 'ignore' }));

/**
 * A statically linked /bin/busybox (Debian's busybox-static): the one binary the FROM scratch test images are
 * built from, since no base image can be pulled. A dynamically linked one would not run inside them.
 */
export const busybox = () =>
  prerequisite('busybox', () => {
    const how = 'install it with: apt-get install busybox-static';
    if (!existsSync('/bin/busybox')) throw new Error(`no /bin/busybox; ${how}`);
    if (!isStatic('/bin/busybox')) throw new Error(`/bin/busybox is dynamically linked; ${how}`);
  });

/** Whether a 64-bit ELF executable has no program interpreter (PT_INTERP), i.e. is statically linked. */
function isStatic(file: string): boolean {
  const elf = readFileSync(file);
  const [table, entrySize, entries] = [
    Number(elf.readBigUInt64LE(0x20)),
    elf.readUInt16LE(0x36),
    elf.readUInt16LE(0x38),
  ];
  for (let i = 0; i < entries; i++) if (elf.readUInt32LE(table + i * entrySize) === 3) return false;
  return true;
}
