import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeEcs, type FakeEcs } from '../test/fakes/ecs/index.js';
import { awsEnvironment } from '../test/fakes/aws/json-server.js';
import { repoRoot, runBundle, type StepResult } from '../test/helpers/runner.js';
import { formatDuration } from '../src/lib/poll.js';
import { startLoadBalancer } from './demo/load-balancer.js';
import { terminalMarkdown } from './demo/markdown.js';

/**
 * `npm run demo`: a whole pipeline against local stand-ins of the clouds, every stage run as its bundled
 * dist/index.js the way the runner runs it (INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), wired as a
 * workflow wires them: deploy-ecs -> smoke-test -> mark-good, or rollback when the release is bad.
 */

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/hello';
const verbose = process.argv.includes('--verbose');
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const rows: { release: string; stage: string; outcome: string; ms: number }[] = [];
const closers: (() => Promise<void>)[] = [];

async function cleanup() {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
}
process.on('SIGINT', () => {
  console.log('\ninterrupted: stopping the local stand-ins');
  void cleanup().then(() => process.exit(130));
});

async function stage(
  release: string,
  action: string,
  what: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
): Promise<StepResult> {
  process.stdout.write(`  ${bold(action.padEnd(11))} ${what} ... `);
  const started = Date.now();
  const step = await runBundle(action, { inputs, env });
  const ms = Date.now() - started;
  const outcome = step.exitCode === 0 ? 'success' : 'failure';
  console.log(`${outcome === 'success' ? '✔' : '✘'} ${outcome} in ${formatDuration(ms)}`);
  rows.push({ release, stage: action, outcome, ms });
  if (verbose) console.log(step.log);
  console.log(`\n${terminalMarkdown(step.summary).replace(/^/gm, '      ')}\n`);
  return step;
}

async function main() {
  console.log(bold('deploy-actions demo: ECS Fargate, locally\n'));
  const ecs: FakeEcs = await startFakeEcs();
  closers.push(() => ecs.close());
  const template = JSON.parse(readFileSync(join(repoRoot, 'examples/hello-service/task-definition.json'), 'utf8'));
  ecs.addCluster('demo');
  const first = ecs.register({
    ...template,
    containerDefinitions: [{ ...template.containerDefinitions[0], image: `${REPO}:1.0.0` }],
  });
  ecs.seedService({ cluster: 'demo', name: 'hello', taskDefinition: first.taskDefinitionArn, desiredCount: 2 });
  // What each release does once ECS starts it.
  ecs.behaviour = (td) => {
    const image = td.containerDefinitions[0]?.image ?? '';
    if (image.endsWith(':1.2.0'))
      return {
        kind: 'crash',
        exitCode: 137,
        reason: 'OutOfMemoryError: Container killed due to memory usage',
        startMs: 400,
      };
    return { kind: 'healthy', startMs: 800 };
  };
  const lb = await startLoadBalancer(ecs, 'demo', 'hello', new Set(['1.3.0']));
  closers.push(() => lb.close());
  const env = { ...awsEnvironment('ECS', ecs.url), GITHUB_WORKSPACE: repoRoot };
  console.log(`local ECS endpoint ${ecs.url} (cluster demo, service hello running 1.0.0 on 2 tasks)`);
  console.log(`load balancer      ${lb.url}\n`);

  const common = { cluster: 'demo', service: 'hello', 'poll-interval': '0.5' };
  const smoke = (version: string) => ({
    url: `${lb.url}/health`,
    'expect-json': `status=healthy\nversion=${version}`,
    timeout: '6',
    interval: '0.3',
    backoff: '1',
    'consecutive-successes': '3',
  });

  async function release(version: string, story: string) {
    console.log(bold(`release ${version}: ${story}`));
    const deployed = await stage(
      version,
      'deploy-ecs',
      `hello ${version}`,
      {
        ...common,
        'task-definition': 'examples/hello-service/task-definition.json',
        'container-name': 'hello',
        image: `${REPO}:${version}`,
        'environment-variables': `VERSION=${version}`,
      },
      env,
    );
    const previous = deployed.outputs['previous-task-definition-arn'] ?? '';
    const proved =
      deployed.exitCode === 0 &&
      (await stage(version, 'smoke-test', `${lb.url}/health answers ${version}`, smoke(version), env)).exitCode === 0;
    if (proved) {
      await stage(
        version,
        'rollback',
        'mark the revision known-good',
        { ...common, mode: 'mark-good', 'task-definition': deployed.outputs['task-definition-arn'] ?? '' },
        env,
      );
      return;
    }
    const back = await stage(
      version,
      'rollback',
      'put the last good version back',
      {
        ...common,
        'previous-task-definition-arn': previous,
        reason: deployed.exitCode === 0 ? 'smoke test failed' : 'rollout failed',
      },
      env,
    );
    const now = back.outputs['rolled-back-to'] ?? '';
    const running =
      ecs.definitions.get('hello')?.find((d) => d.taskDefinitionArn === now)?.containerDefinitions[0]?.image ?? '';
    await stage(
      version,
      'smoke-test',
      `the restored version answers`,
      smoke(running.slice(running.lastIndexOf(':') + 1)),
      env,
    );
  }

  await release('1.1.0', 'a healthy release');
  await release('1.2.0', 'its tasks run out of memory (exit 137): deploy-ecs fails fast, ECS rolls back');
  await release('1.3.0', 'starts, but /health answers 500: the smoke test fails, rollback restores 1.1.0');

  console.log(bold('summary'));
  console.log(`  ${'release'.padEnd(9)}${'stage'.padEnd(12)}${'outcome'.padEnd(11)}duration`);
  for (const row of rows)
    console.log(
      `  ${row.release.padEnd(9)}${row.stage.padEnd(12)}${(row.outcome === 'success' ? '✔ ' : '✘ ') + row.outcome.padEnd(7)}${formatDuration(row.ms)}`,
    );
  const final = ecs.service('demo', 'hello').taskDefinition;
  console.log(
    `\nhello now runs ${final.slice(final.lastIndexOf('/') + 1)} (${ecs.definitions.get('hello')?.find((d) => d.taskDefinitionArn === final)?.containerDefinitions[0]?.image}).`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(cleanup);
