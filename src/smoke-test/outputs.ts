import type { Outputs } from '../lib/action.js';
import { latencyStats } from '../lib/probe.js';
import type { SmokeTestInputs } from './inputs.js';
import { toJson, type UrlReport } from './smoke.js';

/** What smoke-test knows so far: its inputs once read, and each URL's probes once they ran. */
export interface SmokeTestReport {
  inputs?: SmokeTestInputs;
  /** Set once the probes ran; until then `passed` stays empty, so no rollback follows a typo. */
  urls?: UrlReport[];
  /** The probes failed and fail-on-error is false: the step succeeds, with failure-reason unhealthy. */
  tolerated?: boolean;
}

export type SmokeTestOutput = 'passed' | 'attempts' | 'latency-ms' | 'report';

/**
 * The step's outputs, pure. With fail-on-error false a failed test still says why, with failure-reason
 * unhealthy, though the step succeeds: that one key comes on top of the stage's own (when the step fails,
 * runStage sets failure-reason itself).
 */
export function outputs(report: SmokeTestReport): Outputs<SmokeTestOutput> {
  const { urls } = report;
  if (urls === undefined) return { passed: undefined, attempts: undefined, 'latency-ms': undefined, report: undefined };
  const passing = urls.flatMap((url) => url.results.filter((result) => result.passed).map((r) => r.latencyMs));
  return {
    passed: String(urls.every((url) => url.passed)),
    attempts: String(urls.reduce((sum, url) => sum + url.attempts, 0)),
    'latency-ms': JSON.stringify(latencyStats(passing)),
    report: JSON.stringify(urls.map(toJson)),
    ...(report.tolerated ? { 'failure-reason': 'unhealthy' } : {}),
  };
}
