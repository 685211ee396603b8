import { spawn } from 'node:child_process';

/** One figure a benchmark reports. `ratio` compares it with a baseline measured in the same run. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the ratio is against, e.g. "node -e ''". */
  baseline?: string;
  ratio?: number;
}

export type Benchmark = () => Promise<Figure[]>;

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Milliseconds from spawning a command to its exit. */
export async function timeToExit(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return performance.now() - started;
}
