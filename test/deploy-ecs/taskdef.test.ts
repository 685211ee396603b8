import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/lib/errors.js';
import { parseImageReference } from '../../src/lib/image.js';
import type { RenderOptions } from '../../src/deploy-ecs/inputs.js';
import { parseTaskDefinition, readTaskDefinitionFile, render, stripReadOnly } from '../../src/deploy-ecs/taskdef.js';
import { REGISTRY, V2, webTaskDefinition } from './fixture.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const none: RenderOptions = {
  images: new Map(),
  environment: [],
  secrets: [],
  logOptions: new Map(),
  dockerLabels: new Map(),
  envFiles: [],
  keepEmpty: [],
};
const base = () => parseTaskDefinition(webTaskDefinition(), 'test');

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'td-')), 'task-definition.json');
  writeFileSync(path, text);
  return path;
}

describe('reading a task definition', () => {
  it('strips what DescribeTaskDefinition returns and RegisterTaskDefinition rejects', async () => {
    const described = {
      taskDefinition: {
        ...webTaskDefinition(),
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
        revision: 7,
        status: 'ACTIVE',
        requiresAttributes: [{ name: 'ecs.capability.execution-role-awslogs' }],
        compatibilities: ['EC2', 'FARGATE'],
        registeredAt: '2026-01-01T00:00:00Z',
        registeredBy: 'arn:aws:sts::123456789012:assumed-role/deploy/ci',
        ipcMode: null,
      },
      tags: [],
    };
    const definition = await readTaskDefinitionFile(file(JSON.stringify(described)));
    // Everything Describe added to the file as written: the seven read-only fields and the null ipcMode.
    const added = Object.keys(described.taskDefinition).filter((field) => !(field in webTaskDefinition()));
    expect(added).toHaveLength(8);
    for (const field of added) expect(definition).not.toHaveProperty(field);
    expect(definition.cpu).toBe('256');
    expect(stripReadOnly({ family: 'x', revision: 3 })).toEqual({ family: 'x' });
  });

  it('says where invalid JSON breaks', async () => {
    await expect(
      readTaskDefinitionFile(file('{\n  "family": "web",\n  "containerDefinitions": [,]\n}')),
    ).rejects.toThrowError(/not valid JSON \(line 3, column \d+\)/);
  });

  it('names each problem of a task definition that is not one', () => {
    expect(() => parseTaskDefinition({ family: 'web app', containerDefinitions: [] }, 'td.json')).toThrowError(
      /td.json is not valid: family: family must be .*; containerDefinitions: containerDefinitions must list at least one container/,
    );
    expect(() =>
      parseTaskDefinition({ family: 'web', containerDefinitions: [{ name: 'a' }, { name: 'a' }] }, 'td.json'),
    ).toThrowError(/two containers named 'a'/);
  });

  it('reports a missing file as an input error', async () => {
    await expect(readTaskDefinitionFile('/nonexistent/td.json')).rejects.toThrowError(InputError);
  });
});

describe('render', () => {
  it('sets the image of the named container and reports the change', () => {
    const { definition, changed } = render(base(), { ...none, containerName: 'web', images: new Map([['web', V2]]) });
    expect(definition.containerDefinitions[0]?.image).toBe(V2);
    expect(definition.containerDefinitions[1]?.image).toBe(`${REGISTRY}/worker:1.0.0`);
    expect(changed).toBe(true);
  });

  it('reports no change when nothing differs, so a registered revision is deployed as it is', () => {
    expect(render(base(), none).changed).toBe(false);
    expect(render(base(), { ...none, images: new Map([['web', `${REGISTRY}/web:1.0.0`]]) }).changed).toBe(false);
  });

  it('sets images of several containers, and refuses a container the task definition lacks', () => {
    const images = new Map([
      ['web', V2],
      ['worker', `${REGISTRY}/worker@sha256:${'a'.repeat(64)}`],
    ]);
    const { definition } = render(base(), { ...none, images });
    expect(definition.containerDefinitions.map((c) => c.image)).toEqual([...images.values()]);
    expect(() => render(base(), { ...none, images: new Map([['api', V2]]) })).toThrowError(
      /Input 'images' names container 'api', which the task definition does not have/,
    );
  });

  it('keeps = in values, replaces a variable of the same name and targets other containers by prefix', () => {
    const { definition } = render(base(), {
      ...none,
      containerName: 'web',
      environment: [
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'DATABASE_URL', value: 'postgres://db/app?sslmode=require&a=b' },
        { container: 'worker', name: 'QUEUE', value: 'jobs' },
      ],
      secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' }],
    });
    const [web, worker] = definition.containerDefinitions;
    expect(web?.environment).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'DATABASE_URL', value: 'postgres://db/app?sslmode=require&a=b' },
    ]);
    expect(worker?.environment).toEqual([{ name: 'QUEUE', value: 'jobs' }]);
    expect(web?.secrets).toEqual([
      { name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' },
    ]);
  });

  it('asks which container when a multi-container task gets an unprefixed variable without container-name', () => {
    expect(() => render(base(), { ...none, environment: [{ name: 'A', value: '1' }] })).toThrowError(
      /does not say which container.*web, worker/,
    );
  });

  it('sets the log configuration, labels and command of the target container', () => {
    const { definition } = render(base(), {
      ...none,
      containerName: 'web',
      logDriver: 'awslogs',
      logOptions: new Map([
        ['awslogs-group', '/ecs/web'],
        ['awslogs-region', 'us-east-1'],
      ]),
      dockerLabels: new Map([['team', 'platform']]),
      command: ['node', 'server.js'],
    });
    const web = definition.containerDefinitions[0];
    expect(web?.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1' },
    });
    expect(web?.dockerLabels).toEqual({ team: 'platform' });
    expect(web?.command).toEqual(['node', 'server.js']);
  });

  it('refuses a container left without a valid image', () => {
    const definition = parseTaskDefinition({ family: 'web', containerDefinitions: [{ name: 'web' }] }, 'td');
    expect(() => render(definition, none)).toThrowError(/Container 'web' has no image/);
    expect(() => render(base(), { ...none, images: new Map([['web', 'Web:latest']]) })).toThrowError(
      /not a valid image reference: 'Web:latest'/,
    );
  });
});

describe('image references', () => {
  it.each([
    ['nginx', { path: 'nginx' }],
    ['library/nginx:1.27', { path: 'library/nginx', tag: '1.27' }],
    ['localhost:5000/web:dev', { registry: 'localhost:5000', path: 'web', tag: 'dev' }],
    [
      `${REGISTRY}/web@sha256:${'b'.repeat(64)}`,
      { registry: REGISTRY, path: 'web', digest: `sha256:${'b'.repeat(64)}` },
    ],
    [
      'ghcr.io/octo-org/web:1.2.3@sha256:' + 'c'.repeat(64),
      { registry: 'ghcr.io', path: 'octo-org/web', tag: '1.2.3', digest: `sha256:${'c'.repeat(64)}` },
    ],
  ])('reads %s', (text, expected) => expect(parseImageReference(text)).toMatchObject(expected));

  it.each(['', 'Web', 'web:', 'web:tag with space', 'web@sha256:short', 'https://ghcr.io/web', 'ghcr.io/Octo/web'])(
    'rejects %j',
    (text) => {
      expect(parseImageReference(text)).toBeUndefined();
    },
  );
});
