// The post step (action.yml runs.post): the bundle of the main step, which runs src/<action>/post.ts when told so.
globalThis[Symbol.for('deploy-actions.post-step')] = true;
await import('../index.js');
