import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * ACR's token endpoint, POST /oauth2/exchange (Azure Container Registry, "Authenticate with an Azure
 * Container Registry": grant_type=access_token with service and access_token, answered with a refresh_token),
 * on 127.0.0.1, with faults to play in order, one per request, before it answers normally:
 * - `503`: the registry is briefly unavailable (ACR's 5xx body: `{"errors":[{"code":"UNAVAILABLE",…}]}`);
 * - `hang`: the request is accepted and never answered;
 * - `401-echo`: a refusal whose body quotes the request back (as a proxy or a verbose error page may), access
 *   token included — what must be scrubbed before it is printed.
 * A wrong grant type, service or token is refused with 401 UNAUTHORIZED, as ACR refuses it. With `upstream` (a
 * real registry's host:port), every other request is passed to it unchanged (Host included, so upload locations
 * point back here): the refresh token is then the password that registry accepts for ACR's fixed username.
 */
export type ExchangeFault = '503' | 'hang' | '401-echo';

export interface AcrExchange {
  host: string;
  /** Requests received, in order: `<grant_type> <service>`. */
  requests: string[];
  close(): Promise<void>;
}

export async function startAcrExchange(options: {
  accessToken: string;
  refreshToken: string;
  faults?: ExchangeFault[];
  upstream?: string;
}): Promise<AcrExchange> {
  const faults = [...(options.faults ?? [])];
  const requests: string[] = [];
  const errors = (code: string, message: string) => JSON.stringify({ errors: [{ code, message }] });
  const server: Server = createServer((req, res) => {
    if (options.upstream && !(req.method === 'POST' && req.url === '/oauth2/exchange')) {
      return forward(options.upstream, req, res);
    }
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/oauth2/exchange') {
        return res.writeHead(404, { 'content-type': 'application/json' }).end(errors('NOT_FOUND', 'not found'));
      }
      const form = new URLSearchParams(body);
      requests.push(`${form.get('grant_type')} ${form.get('service')}`);
      const fault = faults.shift();
      if (fault === 'hang') return;
      const json = { 'content-type': 'application/json' };
      if (fault === '503') return res.writeHead(503, json).end(errors('UNAVAILABLE', 'service unavailable'));
      if (fault === '401-echo') {
        return res.writeHead(401, json).end(errors('UNAUTHORIZED', `token rejected for request: ${body}`));
      }
      const service = `127.0.0.1`;
      if (
        form.get('grant_type') !== 'access_token' ||
        form.get('access_token') !== options.accessToken ||
        form.get('service') !== service
      ) {
        return res.writeHead(401, json).end(errors('UNAUTHORIZED', 'invalid access token'));
      }
      res.writeHead(200, json).end(JSON.stringify({ refresh_token: options.refreshToken }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(upstream: string, req: IncomingMessage, res: ServerResponse): void {
  const [hostname, port] = upstream.split(':');
  const proxied = request(
    { hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  proxied.on('error', () => res.writeHead(502).end());
  req.pipe(proxied);
}
