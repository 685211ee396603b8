import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small HTTP(S) service on 127.0.0.1 whose answers a test scripts: a JSON health endpoint that is
 * slow to start, flaps, serves the old version then the new one, fails with 500, hangs, or redirects.
 * Every request is recorded with its headers and body.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as it is; anything else as JSON. */
  body?: unknown;
}

/**
 * `hang`: accept the request and never answer. `hang-body`: send the status, headers and part of the body,
 * then nothing more. `reset`: drop the connection.
 */
export type Reply = Answer | 'hang' | 'hang-body' | 'reset';

/** Decides the answer to the nth request (1-based, counting every request the server got). */
export type Handler = (request: RecordedRequest, n: number) => Reply | Promise<Reply>;

export interface HttpFake {
  /** http(s)://127.0.0.1:port, without a trailing slash. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface HttpFakeOptions {
  /** Serve HTTPS with this key and certificate (see selfSignedCertificate). */
  tls?: { key: string; cert: string };
  /** Listen on this port (from freePort), e.g. to start a server later at an address already probed. */
  port?: number;
}

/** Answers the requests in turn with the replies given; the last one repeats. */
export function sequence(...replies: Reply[]): Handler {
  return (_request, n) => replies[Math.min(n, replies.length) - 1] ?? { status: 500 };
}

export async function startHttp(handler: Handler, options: HttpFakeOptions = {}): Promise<HttpFake> {
  const requests: RecordedRequest[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const reply = await handler(request, requests.length);
      if (reply === 'hang') return;
      if (reply === 'reset') return void req.socket.destroy();
      if (reply === 'hang-body') return void res.writeHead(200, { 'content-length': '1000' }).write('{"status":');
      const json = reply.body !== undefined && typeof reply.body !== 'string';
      res
        .writeHead(reply.status ?? 200, {
          ...(json ? { 'content-type': 'application/json' } : { 'content-type': 'text/plain; charset=utf-8' }),
          ...reply.headers,
        })
        .end(json ? JSON.stringify(reply.body) : ((reply.body as string | undefined) ?? ''));
    });
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (yet): probes to it are refused until a server starts there. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let certificate: { key: string; cert: string } | undefined;

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl once per test file. */
export function selfSignedCertificate(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'self-signed-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  // prettier-ignore
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  certificate = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  return certificate;
}

/** The services one test file starts: `serve` starts one, `closeAll` (in afterEach) stops every one. */
export function httpFakes(): {
  serve: (...args: Parameters<typeof startHttp>) => Promise<HttpFake>;
  closeAll: () => Promise<void>;
} {
  const servers: HttpFake[] = [];
  return {
    serve: async (...args) => {
      const server = await startHttp(...args);
      servers.push(server);
      return server;
    },
    closeAll: async () => {
      await Promise.all(servers.splice(0).map((server) => server.close()));
    },
  };
}
