import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Behaviour, FakeSlot } from './app-service.js';
import { startProcess, type LocalProcess } from './container-apps-runtime.js';

/**
 * With the local Azure's `processes` on (the demo), the container a slot runs is a real local Node process playing
 * the image (the program the local Container Apps' replicas run: healthy with its version, unhealthy 503), started
 * when the slot's container takes over and stopped when another one does, and the slot's HTTPS front end forwards to
 * it, as App Service's front end forwards to the site's container (App Service docs, "Configure a custom container").
 * Off (the tests' default), the front end answers for the container itself.
 */
export class SlotContainers {
  private readonly running = new Map<FakeSlot, { key: string; started: Promise<LocalProcess>; at: number }>();

  /** Forwards one request to the slot's container process, started (or replaced) for what the slot runs now. */
  forward(
    slot: FakeSlot,
    container: { image: string; behaviour: Behaviour; version: string },
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const key = `${container.image}|${container.behaviour}`;
    let current = this.running.get(slot);
    if (current?.key !== key) {
      void current?.started.then((old) => old.stop());
      current = {
        key,
        at: Date.now(),
        started: startProcess(
          {
            role: 'replica',
            image: container.image,
            behaviour: container.behaviour,
            version: container.version,
            env: { ...slot.appSettings, WEBSITE_SITE_NAME: slot.app, WEBSITE_SLOT_NAME: slot.name },
            args: [],
            startMs: 0,
          },
          () => undefined,
        ),
      };
      this.running.set(slot, current);
    }
    const { started, at } = current;
    void started.then((local) => send(local.port, req, res, at));
  }

  /** The process ids of the containers running now. */
  async pids(): Promise<number[]> {
    const all = await Promise.all([...this.running.values()].map((c) => c.started));
    return all.flatMap((local) => (local.exitCode === undefined && local.child.pid ? [local.child.pid] : []));
  }

  async stopAll(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map(async (c) => (await c.started).stop()));
  }
}

/** One request to the container; while it is still starting (connection refused), tried again for up to 5 s. */
function send(port: number, req: IncomingMessage, res: ServerResponse, startedAt: number): void {
  const upstream = httpRequest(
    { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (Date.now() - startedAt < 5000 && !res.headersSent) {
      setTimeout(() => send(port, req, res, startedAt), 50);
      return;
    }
    if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/html' });
    res.end('<h1>Application Error</h1>');
  });
  upstream.end();
}
