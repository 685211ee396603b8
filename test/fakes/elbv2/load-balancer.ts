import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { shortArn } from '../../../src/lib/arn.js';
import type { FakeEcs } from '../ecs/index.js';
import type { Task } from '../ecs/model.js';

/**
 * A stand-in for the service's Application Load Balancer: one stable local port in front of the service's
 * tasks, which the local ECS endpoint runs for real (containers or processes). As an ECS service's target
 * group does, it registers a task once its container health check passes, stops sending it new requests
 * the moment ECS decides to stop it (deregistration; ECS lets in-flight requests drain before SIGTERM), and
 * sends each request to the next registered target, so traffic moves during a rolling deployment.
 *
 * A second port is the test listener of a blue/green service (AdvancedConfiguration `testListenerRule`). While a
 * BLUE_GREEN, CANARY or LINEAR deployment is in flight, each listener forwards by the weights ECS gave its rule
 * (the local ECS's `trafficOf`): the production listener to blue until the production traffic shifts, the test
 * listener to green once the test traffic shifted. It counts the requests each revision served on each listener,
 * so a test or the demo can show how many production requests a rejected revision served, and logs when each was
 * served (the bench times the first request on the test listener).
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
  /** The test listener's address. */
  testUrl: string;
  /** Requests served since start, by listener and revision ("family:revision"). */
  served(): { production: Record<string, number>; test: Record<string, number> };
  /** Each request a listener sent to a target since a time (ms since epoch), in order: when, where, to which revision. */
  requests(since?: number): ServedRequest[];
  /** Registrations and deregistrations since a time (ms since epoch), in order, up to now. */
  changes(since: number): TrafficEvent[];
  /** The targets requests go to now, as "family:revision". */
  targets(): string[];
  close(): Promise<void>;
}

export interface ServedRequest {
  at: number;
  listener: 'production' | 'test';
  revision: string;
}

const shortId = (task: Task) => shortArn(task.taskArn).slice(0, 8);
const revisionOf = (task: Task) => shortArn(task.taskDefinitionArn);

export async function startLoadBalancer(ecs: FakeEcs, service: string, cluster = 'default'): Promise<LoadBalancer> {
  const driver = ecs.driver;
  if (!driver) throw new Error('the load balancer needs the local ECS endpoint to run its tasks (a task driver)');
  const registered = new Map<string, { task: Task; target: string }>();
  const events: TrafficEvent[] = [];
  const served = { production: {} as Record<string, number>, test: {} as Record<string, number> };
  const log: ServedRequest[] = [];
  const sent = { production: new Map<string, number>(), test: new Map<string, number>() };
  /** The weights each listener's `sent` counts were made under: new weights start a new count. */
  const countedUnder = { production: '', test: '' };
  let next = 0;

  /**
   * The target for one request on a listener: with weights in force, the revision furthest below its share of
   * what this listener sent so far (a smooth weighted round robin), then the next healthy task of it.
   */
  function choose(listener: 'production' | 'test') {
    const targets = [...registered.values()];
    const traffic = ecs.services.has(`${cluster}/${service}`) ? ecs.trafficOf(cluster, service) : undefined;
    const weights = traffic?.shifting ? traffic[listener] : [];
    // ALB splits each request by the weights in force now (Elastic Load Balancing, "Listener rules for your
    // Application Load Balancer", weighted target groups): what a revision got under earlier weights does not count.
    const key = JSON.stringify(weights);
    if (countedUnder[listener] !== key) {
      countedUnder[listener] = key;
      sent[listener].clear();
    }
    const candidates = traffic?.shifting
      ? pickRevision(weights, sent[listener], (arn) => targets.some(({ task }) => task.taskDefinitionArn === arn))
      : undefined;
    const pool = candidates ? targets.filter(({ task }) => task.taskDefinitionArn === candidates) : targets;
    const chosen = pool[next++ % Math.max(1, pool.length)];
    if (chosen && candidates) sent[listener].set(candidates, (sent[listener].get(candidates) ?? 0) + 1);
    return chosen;
  }

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

  const listen = (listener: 'production' | 'test') => (req: IncomingMessage, res: ServerResponse) => {
    sync();
    const chosen = choose(listener);
    if (!chosen) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"no healthy targets"}');
      return;
    }
    const [host, port] = chosen.target.split(':');
    const revision = revisionOf(chosen.task);
    served[listener][revision] = (served[listener][revision] ?? 0) + 1;
    log.push({ at: Date.now(), listener, revision });
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
  };
  const server: Server = createServer(listen('production'));
  const testServer: Server = createServer(listen('test'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => testServer.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    testUrl: `http://127.0.0.1:${(testServer.address() as AddressInfo).port}`,
    served: () => ({ production: { ...served.production }, test: { ...served.test } }),
    requests: (since = 0) => log.filter((entry) => entry.at >= since),
    changes: (since) => {
      sync();
      return events.filter((event) => event.at >= since);
    },
    targets: () => {
      sync();
      return [...registered.values()].map(({ task }) => revisionOf(task));
    },
    close: async () => {
      clearInterval(timer);
      for (const s of [server, testServer]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}

/**
 * The revision (task definition ARN) a weighted listener sends the next request to: the one whose share of what
 * was sent is furthest below its weight, among those with a healthy target.
 */
function pickRevision(
  weights: { taskDefinition: string; weight: number }[],
  sent: Map<string, number>,
  healthy: (taskDefinition: string) => boolean,
): string | undefined {
  const live = weights.filter((w) => w.weight > 0 && healthy(w.taskDefinition));
  const total = live.reduce((sum, w) => sum + (sent.get(w.taskDefinition) ?? 0), 0) + 1;
  let best: { taskDefinition: string; deficit: number } | undefined;
  for (const w of live) {
    const deficit = (w.weight / 100) * total - (sent.get(w.taskDefinition) ?? 0);
    if (!best || deficit > best.deficit) best = { taskDefinition: w.taskDefinition, deficit };
  }
  return best?.taskDefinition;
}
