import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { freePort } from '../ecs/driver.js';
import type { Behaviour } from './app-service.js';

/**
 * What runs behind the local Container Apps: each replica of a revision is a real local Node process playing the
 * deployed image (behaviour by image, as the App Service stand-in has it: healthy with its version, unhealthy 503, or
 * crashing at start), each job execution a process that exits with the image's status, and the ingress: one HTTPS
 * endpoint for the app (weighted between revisions), one per revision and one per label, each on its own port of
 * 127.0.0.1 (the FQDNs `<app>.<domain>`, `<app>--<suffix>.<domain>` and `<app>---<label>.<domain>` of Container Apps
 * docs, "Traffic splitting" and "Revision labels", modelled as ports).
 */

/** The program an image runs. FAKE_ROLE replica: serve /health on $PORT; job: run once and exit. */
const PROGRAM = `
const role = process.env.FAKE_ROLE, behaviour = process.env.FAKE_BEHAVIOUR, args = process.argv.slice(1);
if (role === 'job') {
  console.log('job ' + (process.env.CONTAINER_APP_JOB_EXECUTION_NAME || '') + ': ' + args.join(' '));
  if (behaviour === 'crash') { console.error('migration failed: relation "users" already exists'); process.exit(3); }
  process.exit(0);
}
if (behaviour === 'crash') { setTimeout(() => { console.error('panic: missing configuration'); process.exit(1); }, 30); }
else setTimeout(() => require('node:http').createServer((q, s) => {
  const healthy = behaviour === 'healthy';
  s.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
  s.end(JSON.stringify({ status: healthy ? 'healthy' : 'unhealthy', version: process.env.FAKE_VERSION,
    revision: process.env.CONTAINER_APP_REVISION, replica: process.env.CONTAINER_APP_REPLICA_NAME, path: q.url }));
}).listen(Number(process.env.PORT), '127.0.0.1'), Number(process.env.FAKE_START_MS || 0));
`;

export interface ProcessSpec {
  role: 'replica' | 'job';
  image: string;
  behaviour: Behaviour;
  version: string;
  /** The container's environment, secret references resolved, and the platform's CONTAINER_APP_* variables. */
  env: Record<string, string>;
  args: string[];
  startMs: number;
}

export interface LocalProcess {
  child: ChildProcess;
  port: number;
  /** Exit code once it exited (128+signal for a signal). */
  exitCode?: number;
  /** The process listens and answers its health path with 2xx. */
  ready: boolean;
  output: string[];
  stop(): Promise<void>;
}

/** Starts one replica or job execution as a local process; readiness is probed while it runs (for replicas). */
export async function startProcess(spec: ProcessSpec, onChange: () => void): Promise<LocalProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', PROGRAM, ...spec.args], {
    env: {
      PATH: process.env.PATH ?? '',
      ...spec.env,
      PORT: String(port),
      FAKE_ROLE: spec.role,
      FAKE_BEHAVIOUR: spec.behaviour,
      FAKE_VERSION: spec.version,
      FAKE_START_MS: String(spec.startMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running: LocalProcess = {
    child,
    port,
    ready: false,
    output: [],
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(kill);
    },
  };
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => running.output.push(...chunk.toString().split('\n').filter(Boolean)));
  child.once('exit', (code, signal) => {
    running.exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
    running.ready = false;
    onChange();
  });
  if (spec.role === 'replica') watchReadiness(running, onChange);
  return running;
}

/** The readiness probe Container Apps adds to an ingress-enabled app: TCP/HTTP on the target port, every 200 ms here. */
function watchReadiness(running: LocalProcess, onChange: () => void) {
  const check = () => {
    if (running.exitCode !== undefined) return;
    const req = httpRequest({ host: '127.0.0.1', port: running.port, path: '/health', timeout: 1000 }, (res) => {
      res.resume();
      const ready = (res.statusCode ?? 500) < 400;
      if (ready !== running.ready) {
        running.ready = ready;
        onChange();
      }
      setTimeout(check, 200).unref();
    });
    req.on('error', () => setTimeout(check, 100).unref());
    req.end();
  };
  setTimeout(check, 50).unref();
}

/** An HTTPS ingress endpoint on its own port: `pick` chooses the replica port for each request (or none: 503). */
export async function startIngress(
  cert: { key: string; cert: string },
  pick: () => number | undefined | { status: number; body: string },
): Promise<{ server: Server; port: number }> {
  const server = createHttpsServer(cert, (req, res) => forward(req, res, pick()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function forward(req: IncomingMessage, res: ServerResponse, target: ReturnType<Parameters<typeof startIngress>[1]>) {
  if (typeof target !== 'number') {
    // Envoy's answer when no replica of the routed revision is up (the ingress of Container Apps is Envoy).
    const { status, body } = target ?? {
      status: 503,
      body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
    };
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    return;
  }
  const upstream = httpRequest(
    { host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('upstream connect error or disconnect/reset before headers. reset reason: connection failure');
  });
  req.pipe(upstream);
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
