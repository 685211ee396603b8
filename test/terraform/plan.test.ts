import { describe, expect, it } from 'vitest';
import { errorText, parseLock } from '../../src/terraform/cli.js';
import { planHash, redact, sensitiveValues, summarisePlan, type PlanJson } from '../../src/terraform/plan.js';
import { cut, hashFromComment } from '../../src/terraform/report.js';

const change = (address: string, type: string, actions: string[], after: unknown = {}) => ({
  address,
  type,
  mode: 'managed',
  change: { actions, before: null, after, after_unknown: {} },
});

describe('plan JSON', () => {
  const plan: PlanJson = {
    resource_changes: [
      change('aws_ecs_service.web', 'aws_ecs_service', ['update']),
      change('aws_lb.web', 'aws_lb', ['delete', 'create']),
      change('aws_lb_listener.http', 'aws_lb_listener', ['create']),
      change('aws_lb_listener.https', 'aws_lb_listener', ['create']),
      change('aws_iam_role.old', 'aws_iam_role', ['delete']),
      change('aws_ecs_cluster.main', 'aws_ecs_cluster', ['no-op']),
      { ...change('data.aws_vpc.main', 'aws_vpc', ['read']), mode: 'data' },
    ],
    output_changes: { url: { actions: ['update'], before: 'a', after: 'b' }, same: { actions: ['no-op'] } },
  };

  it('counts as Terraform does, a replacement being one add and one destroy, per resource type', () => {
    const summary = summarisePlan(plan);
    expect(summary).toMatchObject({ add: 3, change: 1, destroy: 2, outputs: ['url'] });
    expect(summary.byType).toEqual([
      ['aws_ecs_service', { add: 0, change: 1, destroy: 0 }],
      ['aws_iam_role', { add: 0, change: 0, destroy: 1 }],
      ['aws_lb', { add: 1, change: 0, destroy: 1 }],
      ['aws_lb_listener', { add: 2, change: 0, destroy: 0 }],
    ]);
  });

  it('hashes what the plan does, not the order, timestamps or unchanged resources', () => {
    const shuffled = {
      ...plan,
      resource_changes: [...plan.resource_changes!].reverse().filter((r) => r.address !== 'aws_ecs_cluster.main'),
      timestamp: '2026-11-22T19:00:00Z',
      prior_state: { serial: 42 },
    } as PlanJson;
    expect(planHash(shuffled)).toBe(planHash(plan));
    const other = structuredClone(plan);
    other.resource_changes![2]!.change.after = { port: 8080 };
    expect(planHash(other)).not.toBe(planHash(plan));
  });

  it('collects sensitive variables, attributes and outputs, and redacts them longest first', () => {
    const json: PlanJson = {
      variables: { db_password: { value: 'hunter2-long' }, region: { value: 'eu-west-1' } },
      configuration: { root_module: { variables: { db_password: { sensitive: true }, region: {} } } },
      resource_changes: [
        {
          address: 'x.y',
          type: 'x',
          change: {
            actions: ['create'],
            after: { name: 'web', secret: { key: 'k-123456' } },
            after_sensitive: { secret: { key: true } },
          },
        },
      ],
      output_changes: { dsn: { actions: ['create'], after: 'pg://u:hunter2-long@db', after_sensitive: true } },
    };
    const secrets = sensitiveValues(json);
    expect([...secrets].sort()).toEqual(['hunter2-long', 'k-123456', 'pg://u:hunter2-long@db']);
    expect(redact('dsn=pg://u:hunter2-long@db key=k-123456 region=eu-west-1', { given: [], found: secrets })).toBe(
      'dsn=*** key=*** region=eu-west-1',
    );
    // A short sensitive value from the plan stays (hiding every `80` would garble it); a given secret never does.
    expect(redact('port 80, pin 4711', { given: ['4711'], found: ['80'] })).toBe('port 80, pin ***');
    expect(redact('pin 123', { given: ['123'], found: [] })).toBe('pin ***');
  });
});

describe('plan text and comments', () => {
  it('cuts a long plan with a note saying how much was left out and where to find it', () => {
    const text = 'x'.repeat(150);
    expect(cut(text, 200)).toBe(text);
    expect(cut(text, 100)).toMatch(
      /^x{100}\n\n… cut here: 50 more characters\. The whole plan is in this step's log\.$/,
    );
  });

  it('reads the plan hash back from a comment', () => {
    const hash = 'a'.repeat(64);
    expect(hashFromComment(`### terraform\n<!-- plan-hash: ${hash} -->\n`)).toBe(hash);
    expect(hashFromComment('### terraform: ❌ Failed')).toBeUndefined();
  });
});

describe("dflook's to_move and to_import", () => {
  it('count resources moved to a new address and resources imported', () => {
    const change = (actions: string[], extra: Record<string, unknown> = {}) => ({ actions, ...extra });
    const summary = summarisePlan({
      resource_changes: [
        {
          address: 'aws_s3_bucket.new',
          previous_address: 'aws_s3_bucket.old',
          type: 'aws_s3_bucket',
          change: change(['no-op']),
        },
        {
          address: 'aws_s3_bucket.logs',
          type: 'aws_s3_bucket',
          change: change(['no-op'], { importing: { id: 'logs' } }),
        },
        { address: 'aws_s3_bucket.web', type: 'aws_s3_bucket', change: change(['create']) },
      ],
    });
    expect(summary).toMatchObject({ add: 1, change: 0, destroy: 0, move: 1, import: 1 });
  });
});

describe("Terraform's errors", () => {
  it('reads who holds a state lock and since when', () => {
    const lock = {
      id: '6f1c2d3e-aaaa-bbbb-cccc-1234567890ab',
      who: 'runner@fv-az123-456',
      created: '2026-11-22 18:59:01.123456 +0000 UTC',
      operation: 'OperationTypePlan',
    };
    const stderr = [
      'Error: Error acquiring the state lock',
      '',
      'Error message: ConditionalCheckFailedException: The conditional request failed',
      'Lock Info:',
      `  ID:        ${lock.id}`,
      '  Path:      acme-terraform-state/hello-service/production.tfstate',
      `  Operation: ${lock.operation}`,
      `  Who:       ${lock.who}`,
      '  Version:   1.11.4',
      `  Created:   ${lock.created}`,
      '  Info:      ',
    ].join('\n');
    expect(parseLock('Error: Invalid reference')).toBeUndefined();
    expect(parseLock(stderr)).toEqual({
      ...lock,
      path: 'acme-terraform-state/hello-service/production.tfstate',
      version: '1.11.4',
      info: undefined,
    });
  });

  it('quotes the error blocks, not the progress before them', () => {
    expect(errorText('Initializing...\nsome progress\nError: Unsupported argument\n\n  on main.tf line 3')).toBe(
      'Error: Unsupported argument\n\n  on main.tf line 3',
    );
  });
});
