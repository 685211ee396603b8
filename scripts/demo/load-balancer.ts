import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeEcs } from '../../test/fakes/ecs/index.js';

/**
 * A stand-in for the service's load balancer: one stable local port that sends each request to one of the
 * service's RUNNING tasks, as an ALB target group does, and answers as that task's version would. Versions
 * listed as unhealthy answer 500, like a release whose health check is broken but whose process stays up.
 */
export async function startLoadBalancer(
  ecs: FakeEcs,
  cluster: string,
  service: string,
  unhealthy: Set<string>,
): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const server: Server = createServer((req, res) => {
    const svc = ecs.service(cluster, service);
    const targets = [...ecs.tasks.values()].filter(
      (t) => t.group === `service:${svc.serviceName}` && t.lastStatus === 'RUNNING',
    );
    const task = targets[next++ % Math.max(1, targets.length)];
    if (!task)
      return res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"no healthy targets"}');
    const image = task.containers[0]?.image ?? '';
    const version = image.slice(image.lastIndexOf(':') + 1);
    const healthy = !unhealthy.has(version);
    res.writeHead(healthy ? 200 : 500, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        healthy
          ? { status: 'healthy', version }
          : { status: 'unhealthy', version, error: 'database migration 042 missing' },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
