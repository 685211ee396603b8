import { actionNames } from '../test/helpers/runner.js';
import { ANCHOR_DEPLOY_ECS, BARE_NODE, bundleSize, coldStarts, compared, entrySize, type Figure } from './lib.js';

/**
 * Every action's bundle side by side, in one run: the bytes of its dist/ and of its entry, the total of all
 * dist/, deploy-ecs against the dist/ of the action it replaces, and each action's cold start to exit on a
 * mistyped input against a bare `node -e ''` measured in the same rounds (goal: at most 1.5x).
 */
export default async function bundlesBench(): Promise<Figure[]> {
  const actions = actionNames();
  const sizes = actions.map((action) => bundleSize(action));
  const total = sizes.reduce((sum, figure) => sum + figure.value, 0);
  const ecs = sizes[actions.indexOf('deploy-ecs')];
  const { bare, figures: starts } = await coldStarts(actions, 15);
  return [
    ...sizes,
    ...actions.map((action) => entrySize(action)),
    { name: 'total of all dist/', value: total, unit: 'bytes' },
    ...(ecs ? [compared({ ...ecs, name: 'deploy-ecs dist/' }, ANCHOR_DEPLOY_ECS.name, ANCHOR_DEPLOY_ECS.bytes)] : []),
    { name: `${BARE_NODE} (Node 24), median of 15`, value: bare, unit: 'ms' },
    ...starts,
  ];
}
