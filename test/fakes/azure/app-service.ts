import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import { send } from './entra.js';

/**
 * What App Service itself does behind ARM, for the local Azure: its own error shape, the site lock while an
 * operation runs, and containers that take time to start (the old one serving meanwhile), written to the docker
 * log the way App Service on Linux writes it.
 */

/** What the app serves when it runs an image: healthy with its version, unhealthy (503), or crashing (no answer). */
export type Behaviour = 'healthy' | 'unhealthy' | 'crash';

export interface FakeSlot {
  name: string;
  app: string;
  /** linuxFxVersion as set through config/web. */
  linuxFxVersion: string;
  appCommandLine: string;
  acrUseManagedIdentityCreds: boolean;
  appSettings: Record<string, string>;
  /** Connection strings by name (config/connectionstrings): value and type. */
  connectionStrings: Record<string, { value: string; type: string }>;
  /** The image of the container that serves ('' before one has started). */
  running: string;
  /** A container being started: it takes over at readyAt, unless its image crashes. */
  starting?: { image: string; container: string; readyAt: number };
  /** The slot's docker log, as POST .../containerlogs returns it. */
  dockerLog: string[];
  /** Kept for the ready time of the first container; a start takes startMs. */
  readyAt: number;
  port: number;
  server: Server;
  /** The slot's SCM (Kudu) site and its publishing credentials (the publish profile's userName / userPWD). */
  scmPort: number;
  scmServer: Server;
  publishingUser: string;
  publishingPassword: string;
}

/**
 * App Service's own error body (not ARM's {error:{...}}): Code, Message, Target, Details with an ErrorEntity carrying
 * the ExtendedCode, as the Microsoft.Web resource provider answers (seen in azure-cli, Terraform and pipeline task
 * reports; the ARM REST spec for Microsoft.Web declares DefaultErrorResponse but the provider sends this shape).
 */
export function appServiceError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extended?: { code: string; template: string; parameters: string[] },
) {
  send(res, status, {
    Code: code,
    Message: message,
    Target: null,
    Details: [
      { Message: message },
      { Code: code },
      {
        ErrorEntity: {
          ...(extended ? { ExtendedCode: extended.code, MessageTemplate: extended.template } : {}),
          Parameters: extended?.parameters ?? [],
          Code: code,
          Message: message,
        },
      },
    ],
    Innererror: null,
  });
}

/**
 * 409 while another operation runs on the site: "Cannot modify this site because another operation is in progress",
 * ExtendedCode 59203 (App Service answers so during a swap, a restart or a create; same shape as above).
 */
export function siteBusy(res: ServerResponse, operation: string) {
  const details = `Id: ${randomUUID()}, OperationName: ${operation}, CreatedTime: ${new Date().toUTCString()}, RequestId: ${randomUUID()}, EntityType: 3`;
  appServiceError(
    res,
    409,
    'Conflict',
    `Cannot modify this site because another operation is in progress. Details: ${details}`,
    {
      code: '59203',
      template: 'Cannot modify this site because another operation is in progress. Details: {0}',
      parameters: [details],
    },
  );
}

const stamp = () => new Date().toISOString();

/**
 * A restart on App Service on Linux pulls the image and starts a new container; the old one keeps serving until the
 * new one answers its warm-up ping ("Container ... initialized successfully and is ready to serve requests"). A
 * container that exits is never put in front ("... has exited, failing site start"). App Service docs: "Configure a
 * custom container" (container start, docker log) and "Troubleshoot: container didn't respond to HTTP pings".
 */
export function startContainer(slot: FakeSlot, startMs: number): void {
  const image = slot.linuxFxVersion.replace(/^DOCKER\|/i, '');
  const container = `${slot.app}${slot.name === 'production' ? '' : `__${slot.name}`}_0_${randomBytes(4).toString('hex')}`;
  slot.starting = { image, container, readyAt: Date.now() + startMs };
  slot.readyAt = slot.starting.readyAt;
  slot.dockerLog.push(
    `${stamp()} INFO  - Pulling image: ${image}`,
    `${stamp()} INFO  - Starting container for site`,
    `${stamp()} INFO  - docker run -d --expose=8080 --name ${container} -e WEBSITE_SITE_NAME=${slot.app} ${image}`,
    `${stamp()} INFO  - Initiating warmup request to container ${container} for site ${slot.app}`,
  );
}

/** Moves the slot's containers on to now: a started container takes over, a crashed one is logged and dropped. */
export function settle(slot: FakeSlot, behaviour: (image: string) => Behaviour): void {
  const starting = slot.starting;
  if (!starting || Date.now() < starting.readyAt) return;
  slot.starting = undefined;
  if (behaviour(starting.image) === 'crash') {
    slot.dockerLog.push(
      `${stamp()} ERROR - Container ${starting.container} for site ${slot.app} has exited, failing site start`,
      `${stamp()} ERROR - Container ${starting.container} didn't respond to HTTP pings on port: 8080, failing site start. See container logs for debugging.`,
    );
    return;
  }
  slot.running = `DOCKER|${starting.image}`;
  slot.dockerLog.push(
    `${stamp()} INFO  - Container ${starting.container} for site ${slot.app} initialized successfully and is ready to serve requests.`,
  );
}

/**
 * The slot's SCM (Kudu) site, reached with the publish profile's basic-auth credentials, as azure/webapps-deploy
 * uses it for a container (Kudu REST API, github.com/projectkudu/kudu/wiki/REST-API): POST /api/app/update with a
 * LinuxFxVersion header sets the image and restarts the site; GET /api/logs/docker lists the docker log files,
 * read through /api/vfs/.
 */
export function scmHandler(
  slot: FakeSlot,
  restart: (slot: FakeSlot) => void,
  behaviour: () => (image: string) => Behaviour,
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    settle(slot, behaviour());
    const expected = `Basic ${Buffer.from(`${slot.publishingUser}:${slot.publishingPassword}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      res
        .writeHead(401, { 'www-authenticate': 'Basic realm="site"', 'content-type': 'text/html' })
        .end('401 Unauthorized');
      return;
    }
    const url = new URL(req.url ?? '/', `https://127.0.0.1:${slot.scmPort}`);
    if (req.method === 'POST' && url.pathname === '/api/app/update') {
      const fx = req.headers.linuxfxversion;
      if (typeof fx !== 'string' || !/^DOCKER\|/i.test(fx))
        return send(res, 400, { Error: 'LinuxFxVersion header with DOCKER|<image> is required.' });
      slot.linuxFxVersion = fx;
      restart(slot);
      return send(res, 200, {});
    }
    if (req.method === 'GET' && url.pathname === '/api/logs/docker') {
      const file = `${new Date().toISOString().slice(0, 10).replace(/-/g, '_')}_lw0sdlwk000001_docker.log`;
      return send(res, 200, [
        {
          machineName: 'lw0sdlwk000001',
          lastUpdated: new Date().toISOString(),
          size: slot.dockerLog.join('\n').length,
          href: `https://127.0.0.1:${slot.scmPort}/api/vfs/LogFiles/${file}`,
          path: `/home/LogFiles/${file}`,
        },
      ]);
    }
    if (req.method === 'GET' && url.pathname.startsWith('/api/vfs/LogFiles/')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(slot.dockerLog.join('\n') + '\n');
      return;
    }
    send(res, 404, { Message: `No route registered for '${url.pathname}'` });
  };
}
