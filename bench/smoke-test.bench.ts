import { startFigures, type Figure } from './lib.js';

/** smoke-test: bundle size and cold start against a bare `node -e ''`. */
export default function smokeTestBench(): Promise<Figure[]> {
  return startFigures('smoke-test');
}
