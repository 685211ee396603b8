import { it } from 'vitest';

/**
 * The adversarial suite's three kinds of case. Each test under test/adversarial/ is registered through one of
 * these, so its name starts with its kind and test/adversarial/count.test.ts (and `npm run bench`) can count
 * the cases of each kind across all actions.
 *
 * - bad input: refused before any cloud request (0 requests recorded), with the input's name in the message;
 * - leak: a secret given to the action never shows in anything that leaves the runner (outputs, summary, log,
 *   GitHub API bodies), in any printed form;
 * - fault: a cloud fault (throttling, 5xx, reset, hang, lost answer, persistent failure after a change) ends
 *   in an exact, reported state.
 */
export const kinds = { badInput: 'bad input', leak: 'leak', fault: 'fault' } as const;
export type Kind = (typeof kinds)[keyof typeof kinds];

type Body = () => Promise<void> | void;

export function badInput(name: string, body: Body, timeout?: number): void {
  it(`${kinds.badInput}: ${name}`, body, timeout);
}

export function leak(name: string, body: Body, timeout?: number): void {
  it(`${kinds.leak}: ${name}`, body, timeout);
}

export function fault(name: string, body: Body, timeout?: number): void {
  it(`${kinds.fault}: ${name}`, body, timeout);
}

/** The kind of a test by its name, or undefined when it is not an adversarial case. */
export function kindOf(testName: string): Kind | undefined {
  return Object.values(kinds).find((kind) => testName.startsWith(`${kind}: `));
}
