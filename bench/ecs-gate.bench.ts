import { startLiveGate, versionAt } from '../test/deploy-ecs/live-gate.js';
import { timedStep, type Figure } from './lib.js';

/**
 * deploy-ecs's test-traffic gate, one-step form, as the runner runs the bundle (default poll-interval, 5 s), against
 * tasks that really serve behind a load balancer that counts requests per revision and listener: from the
 * deployment pausing at the gate to the first probe of the test URL, from the probe's verdict to
 * ContinueServiceDeployment, and the production requests a revision rejected at the gate served while production
 * traffic ran through the whole step (goal: 0).
 */

const MINUTE_MS = 100;
const PROBE_TIMEOUT_MS = 3000;
/** 60 s here: the gate must outlast the 5 s polls and the probes. */
const GATE_TIMEOUT_MINUTES = 600;

async function oneStep(image: string, checks: Record<string, string>) {
  const live = await startLiveGate(MINUTE_MS);
  const { lb, ecs } = live;
  try {
    while ((await versionAt(lb.url).catch(() => '')) !== '1.0.0') await new Promise((r) => setTimeout(r, 50));
    // Production traffic all along the step.
    let running = true;
    const traffic = (async () => {
      while (running) {
        await versionAt(lb.url).catch(() => '');
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const step = await timedStep('deploy-ecs', {
      inputs: live.inputs(image, {
        'poll-interval': '5',
        'gate-timeout': `${GATE_TIMEOUT_MINUTES}m`,
        'gate-url-path': '/health',
        ...checks,
      }),
      env: live.env,
    });
    running = false;
    await traffic;
    const gate = ecs.serviceDeployments.records
      .flatMap((r) => r.traffic?.ran ?? [])
      .find((h) => h.stage === 'POST_TEST_TRAFFIC_SHIFT' && h.targetType === 'PAUSE');
    const pausedAt = (gate?.expiresAt ?? Number.NaN) - GATE_TIMEOUT_MINUTES * MINUTE_MS;
    const answeredAt = ecs.calls.find((c) => c.operation === 'ContinueServiceDeployment')?.at ?? Number.NaN;
    const revision = (step.outputs['task-definition-arn'] ?? '').split('/').pop() ?? '';
    const probes = lb.requests().filter((r) => r.listener === 'test');
    return {
      step,
      toProbe: (probes[0]?.at ?? Number.NaN) - pausedAt,
      firstProbeAt: probes[0]?.at ?? Number.NaN,
      lastProbeAt: probes.at(-1)?.at ?? Number.NaN,
      answeredAt,
      production: lb.served().production[revision] ?? 0,
    };
  } finally {
    await live.close();
  }
}

export default async function gateBench(): Promise<Figure[]> {
  const good = await oneStep('hello:2', { 'gate-expect-json': 'version=2.0.0' });
  if (good.step.outputs.gate !== 'continued') throw new Error(`the good release was not continued:\n${good.step.log}`);
  const bad = await oneStep('hello:bad', {
    'gate-probe-timeout': `${PROBE_TIMEOUT_MS}ms`,
    'gate-probe-interval': '0.5',
  });
  if (bad.step.outputs.gate !== 'rolled-back') throw new Error(`the bad release was not rolled back:\n${bad.step.log}`);
  return [
    { name: 'gate: deployment paused → first probe of test-url (poll-interval 5 s)', value: good.toProbe, unit: 'ms' },
    {
      name: 'gate: passing probe (its request) → ContinueServiceDeployment CONTINUE',
      value: good.answeredAt - good.lastProbeAt,
      unit: 'ms',
    },
    {
      // probeUntil waits one interval (0.5 s) before it finds no time left for another attempt.
      name: 'gate: last failing probe (its request) → ContinueServiceDeployment ROLLBACK',
      value: bad.answeredAt - bad.lastProbeAt,
      unit: 'ms',
    },
    {
      name: 'gate: production requests served by the rejected revision (goal 0)',
      value: bad.production,
      unit: 'requests',
    },
    { name: 'gate: one-step release through the gate, wall time', value: Math.round(good.step.ms), unit: 'ms' },
  ];
}
