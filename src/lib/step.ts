/**
 * Main or post step. An action with a post step has one bundle for both (its chunks once in dist/): action.yml's
 * `post:` is dist/post/index.js, a launcher written by scripts/build.mjs that sets this flag and imports
 * dist/index.js. A flag rather than a value saved in GITHUB_STATE by the main step (actions/checkout's `isPost`),
 * so the post step is told apart even when the main step was cancelled before it saved anything.
 */
const POST_STEP = Symbol.for('deploy-actions.post-step');

export function isPostStep(): boolean {
  return (globalThis as Record<symbol, unknown>)[POST_STEP] === true;
}
