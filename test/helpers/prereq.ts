import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/**
 * Decides whether a test that needs a local tool (Docker, Terraform, docker-registry) can run. On a
 * user's machine a missing tool skips the test with the reason shown; under CI=true it is a failure,
 * so CI never passes by skipping.
 */
export function prerequisite(name: string, probe: () => void): { available: boolean; reason: string } {
  try {
    if (hiddenTools().includes(name)) throw new Error(`hidden by ${HIDE_VARIABLE} (scripts/bare-machine.mjs)`);
    probe();
    return { available: true, reason: '' };
  } catch (error) {
    const reason = `${name} is not available (${(error as Error).message.split('\n')[0]})`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI must provide it (see .ci/run).`, { cause: error });
    console.warn(`skipping: ${reason}`);
    return { available: false, reason };
  }
}

/**
 * The tools scripts/bare-machine.mjs hides to prove the suite passes without them, by the names given to
 * `prerequisite`. Tests only: PATH hides the commands, this hides what is found by path (/bin/busybox).
 */
export const HIDE_VARIABLE = 'DEPLOY_ACTIONS_TEST_HIDE_TOOLS';

export function hiddenTools(): string[] {
  return (process.env[HIDE_VARIABLE] ?? '')
    .split(',')
    .map((tool) => tool.trim())
    .filter(Boolean);
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

/** Git with its smart-HTTP server, git http-backend (Debian's git package), for the GitOps config repository. */
export const git = () =>
  prerequisite('git', () => {
    const how = 'install it with: apt-get install git';
    let exec: string;
    try {
      exec = execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim();
    } catch (error) {
      throw new Error(`no git (${(error as Error).message.split('\n')[0]}); ${how}`, { cause: error });
    }
    if (!existsSync(`${exec}/git-http-backend`)) throw new Error(`no git http-backend in ${exec}; ${how}`);
  });

/** The real Azure CLI (Debian's azure-cli), a second client of the local Azure and the session azure/login leaves. */
export const azCli = () =>
  prerequisite('az (Azure CLI)', () => {
    try {
      execFileSync('az', ['version'], { stdio: 'ignore', timeout: 60_000 });
    } catch (error) {
      throw new Error(`${(error as Error).message.split('\n')[0]}; install it with: apt-get install azure-cli`, {
        cause: error,
      });
    }
  });

/** OpenSSH's server (Debian openssh-server), for Git over SSH with deploy keys. */
export const sshd = () =>
  prerequisite('sshd', () => {
    if (!existsSync('/usr/sbin/sshd'))
      throw new Error('no /usr/sbin/sshd; install it with: apt-get install openssh-server');
    execFileSync('sh', ['-c', 'command -v ssh-keygen && command -v ssh && command -v git-shell'], { stdio: 'ignore' });
  });

/**
 * jq and curl, which the reusable pipelines' `run:` steps use (the containers list, the webhook notifications), as
 * GitHub's hosted runners provide them; test/pipelines plays those steps with bash.
 */
export const jqAndCurl = () =>
  prerequisite('jq and curl', () => {
    for (const tool of ['jq', 'curl'])
      try {
        execFileSync(tool, ['--version'], { stdio: 'ignore' });
      } catch (error) {
        throw new Error(`no ${tool}; install it with: apt-get install jq curl`, { cause: error });
      }
  });
