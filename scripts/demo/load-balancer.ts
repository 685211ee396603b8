import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { shortArn } from '../../src/lib/arn.js';
import type { FakeEcs } from '../../test/fakes/ecs/index.js';
import type { Task } from '../../test/fakes/ecs/model.js';

/**
 * A stand-in for the service's Application Load Balancer: one stable local port in front of the service's
 * tasks, which the local ECS endpoint runs for real (containers or processes). As an ECS service's target
 * group does, it registers a task once its container health check passes, stops sending it new requests
 * the moment ECS decides to stop it (deregistration; ECS lets in-flight requests drain before SIGTERM), and
 * sends each request to the next registered target, so traffic moves during a rolling deployment.
 */

export interface TrafficEvent {
  at: number;
  change: 'registered' | 'deregistered';
  task: string;
  revision: string;
  target: string;
}

export interface LoadBalancer {
  url: string;
  /** Registrations and deregistrations since a time (ms since epoch), in order, up to now. */
  changes(since: number): TrafficEvent[];
  /** The targets requests go to now, as "family:revision". */
  targets(): string[];
  close(): Promise<void>;
}

const shortId = (task: Task) => shortArn(task.taskArn).slice(0, 8);
const revisionOf = (task: Task) => shortArn(task.taskDefinitionArn);

export async function startLoadBalancer(ecs: FakeEcs, service: string): Promise<LoadBalancer> {
  const driver = ecs.driver;
  if (!driver) throw new Error('the load balancer needs the local ECS endpoint to run its tasks (a task driver)');
  const registered = new Map<string, { task: Task; target: string }>();
  const events: TrafficEvent[] = [];
  let next = 0;

  /** Brings the target group up to date with the tasks: healthy and meant to run is in, anything else out. */
  function sync() {
    const healthy = new Set<string>();
    for (const task of ecs.tasks.values()) {
      const wanted =
        task.group === `service:${service}` &&
        task.desiredStatus === 'RUNNING' &&
        task.lastStatus === 'RUNNING' &&
        task.healthStatus === 'HEALTHY';
      const endpoint = wanted ? driver?.endpoint(task.taskArn) : undefined;
      if (!endpoint) continue;
      healthy.add(task.taskArn);
      if (!registered.has(task.taskArn)) {
        const target = `${endpoint.host}:${endpoint.port}`;
        registered.set(task.taskArn, { task, target });
        events.push({ at: Date.now(), change: 'registered', task: shortId(task), revision: revisionOf(task), target });
      }
    }
    for (const [arn, { task, target }] of registered) {
      if (healthy.has(arn)) continue;
      registered.delete(arn);
      events.push({ at: Date.now(), change: 'deregistered', task: shortId(task), revision: revisionOf(task), target });
    }
  }
  const timer = setInterval(sync, 100);
  timer.unref();

  const server: Server = createServer((req, res) => {
    sync();
    const targets = [...registered.values()];
    const chosen = targets[next++ % Math.max(1, targets.length)];
    if (!chosen) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"no healthy targets"}');
      return;
    }
    const [host, port] = chosen.target.split(':');
    const upstream = request(
      { host, port: Number(port), method: req.method, path: req.url, headers: { ...req.headers, connection: 'close' } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-target': revisionOf(chosen.task) });
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"message":"the target closed the connection"}');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    changes: (since) => {
      sync();
      return events.filter((event) => event.at >= since);
    },
    targets: () => {
      sync();
      return [...registered.values()].map(({ task }) => revisionOf(task));
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
