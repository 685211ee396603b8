import { execFileSync } from 'node:child_process';

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
