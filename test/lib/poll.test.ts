import { describe, expect, it } from 'vitest';
import { poll } from '../../src/lib/poll.js';
import { formatDuration } from '../../src/lib/duration.js';

/** A clock that only moves when the poll sleeps, so tests take no real time. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe('poll', () => {
  it('returns the first value a check gives, with the number of attempts', async () => {
    const clock = fakeClock();
    const result = await poll(async (attempt) => (attempt === 3 ? 'ready' : undefined), {
      intervalMs: 1000,
      timeoutMs: 60_000,
      ...clock,
    });
    expect(result).toEqual({ outcome: 'done', value: 'ready', attempts: 3 });
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  it('backs off up to the cap', async () => {
    const clock = fakeClock();
    await poll(async (attempt) => (attempt === 6 ? true : undefined), {
      intervalMs: 1000,
      backoff: 2,
      maxIntervalMs: 5000,
      timeoutMs: 60_000,
      ...clock,
    });
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('never sleeps past the deadline and reports the timeout when it falls due', async () => {
    const clock = fakeClock();
    const result = await poll(async () => undefined, { intervalMs: 4000, timeoutMs: 10_000, ...clock });
    expect(result).toEqual({ outcome: 'timeout', attempts: 4 });
    expect(clock.sleeps).toEqual([4000, 4000, 2000]);
  });

  it('lets an error from a check end the poll at once', async () => {
    const clock = fakeClock();
    await expect(
      poll(
        async () => {
          throw new Error('AccessDeniedException');
        },
        { intervalMs: 1000, timeoutMs: 60_000, ...clock },
      ),
    ).rejects.toThrow('AccessDeniedException');
    expect(clock.sleeps).toEqual([]);
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850 ms'],
    [12_345, '12.3 s'],
    [245_000, '4 min 05 s'],
  ])('%d ms reads %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
