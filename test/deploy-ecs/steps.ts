import { run } from '../../src/deploy-ecs/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { V2, webTaskDefinition, type Fixture } from './fixture.js';

/**
 * The deploy-ecs step run in process against a test file's current fixture (read through `current`, as each test
 * starts its own): service web in cluster default, polled fast, and the ECS calls it made.
 */
export function deploySteps(current: () => Fixture) {
  const fast = { 'poll-interval': '0.1', cluster: 'default', service: 'web' };
  const deploy = (inputs: Record<string, string>) => runInProcess(run, { ...fast, ...inputs }, current().env);
  return {
    deploy,
    /** deploy() of a task definition file whose container web runs image V2 (the next revision of "web"). */
    deployV2: (inputs: Record<string, string> = {}) =>
      deploy({ 'task-definition': current().file('td.json', webTaskDefinition(V2)), ...inputs }),
    calls: (operation: string) => current().ecs.calls.filter((c) => c.operation === operation),
  };
}
