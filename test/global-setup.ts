// @ts-expect-error: a plain .mjs script shared with the benchmark and the demo
import { node24 } from '../scripts/node24.mjs';

/** Installs Node 24 once before any test file runs, so bundle tests do not race to install it. */
export default function setup(): void {
  node24();
}
