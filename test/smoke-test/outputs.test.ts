import { describe, expect, it } from 'vitest';
import { parseStatus, type ProbeResult } from '../../src/lib/probe.js';
import type { SmokeTestInputs } from '../../src/smoke-test/inputs.js';
import { outputs } from '../../src/smoke-test/outputs.js';
import type { UrlReport } from '../../src/smoke-test/smoke.js';
import { summary } from '../../src/smoke-test/summary.js';
import { stageOutputNames } from '../helpers/action-yml.js';

/** smoke-test's outputs and summary, read from its report alone. */

const answer = (status: number, failures: string[] = []): ProbeResult => ({
  url: 'https://api.example.com/health',
  status,
  latencyMs: 40,
  passed: failures.length === 0,
  failures,
});

const url = (results: ProbeResult[], ended: UrlReport['ended']): UrlReport => ({
  url: 'https://api.example.com/health',
  passed: ended === 'passed',
  ended,
  attempts: results.length,
  results,
  latency: { median: 40, p95: 40, samples: results.filter((r) => r.passed).length },
  elapsedMs: 1200,
});

const inputs = { consecutiveSuccesses: 2, expectations: { status: parseStatus('expect-status', '2xx') } };

describe('smoke-test outputs', () => {
  it('names every output of action.yml but failure-reason, which runStage sets', () => {
    expect(Object.keys(outputs({})).sort()).toEqual(stageOutputNames('smoke-test'));
  });

  it('leaves passed empty until probes ran, so a typo never triggers a rollback', () => {
    expect(Object.values(outputs({}))).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('with fail-on-error false, says passed=false and failure-reason unhealthy though the step succeeds', () => {
    const failed = url(
      [answer(500, ['status 500 is not 2xx']), answer(500, ['status 500 is not 2xx'])],
      'max-attempts',
    );
    expect(outputs({ urls: [failed], tolerated: true })).toMatchObject({
      passed: 'false',
      attempts: '2',
      'failure-reason': 'unhealthy',
    });
    expect(outputs({ urls: [failed] })).not.toHaveProperty('failure-reason');
  });
});

describe('smoke-test summary', () => {
  it('is empty before the probes ran: runStage shows the error itself', () => {
    expect(summary({ report: {}, error: new Error('bad input'), durationMs: 3 })).toEqual({
      outcome: 'failure',
      headline: '',
      facts: [],
    });
  });

  it('shows each URL and the checks, and leaves the duration to runStage', () => {
    const report = { inputs: inputs as SmokeTestInputs, urls: [url([answer(200), answer(200)], 'passed')] };
    const drawn = summary({ report, durationMs: 1300 });
    expect(drawn.headline).toBe('The URL passed 2 times in a row.');
    expect(drawn.facts.map(([label]) => label)).toEqual(['<code>https://api.example.com/health</code>', 'Checks']);
  });
});
