import { describe, expect, it } from 'vitest';
import { goDuration, parseDuration } from '../../src/lib/duration.js';
import { InputError } from '../../src/lib/errors.js';
import { parseDurationInput } from '../../src/lib/inputs.js';

describe('durations: one syntax for every time input', () => {
  it.each([
    ['30', 's', 30_000],
    ['0.5', 's', 500],
    ['30', 'm', 1_800_000],
  ] as const)('a bare %s is in the unit of the input (%s): %d ms', (raw, bare, ms) =>
    expect(parseDuration(raw, bare)).toBe(ms),
  );

  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h5m', 3_900_000],
    ['0s', 0],
    ['1 h', 3_600_000],
    ['1m 30s', 90_000],
  ] as const)('%s is %d ms whatever the unit of a bare number', (raw, ms) => {
    expect(parseDuration(raw, 's')).toBe(ms);
    expect(parseDuration(raw, 'm')).toBe(ms);
  });

  it.each(['', 'soon', '-5s', '5 minutes', '5d', '1m30', 's', '1 m 30'])('%j is not a duration', (raw) =>
    expect(parseDuration(raw, 's')).toBeUndefined(),
  );

  it('names the input, the syntax and the range when a value is wrong', () => {
    expect(() => parseDurationInput('timeout', 'soon', { bare: 's' })).toThrow(
      "Input 'timeout' must be a duration such as 500ms, 30s, 5m or 1m30s (a bare number is seconds), got 'soon'.",
    );
    expect(() => parseDurationInput('wait-for-minutes', '0', { bare: 'm', minMs: 60_000 })).toThrow(InputError);
    expect(() => parseDurationInput('wait-for-minutes', '0', { bare: 'm', minMs: 60_000 })).toThrow(/from 1 minutes/);
  });

  it('writes Go durations for tools that take them', () => {
    expect(goDuration(90_000)).toBe('90s');
    expect(goDuration(1500)).toBe('1500ms');
  });
});
