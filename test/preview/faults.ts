import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Faults in front of the local GitHub (test/fakes/github/server.ts), for the fault cases: requests pass through
 * unchanged unless a queued fault matches them (`METHOD /path`). A `5xx` answers as GitHub's front end does
 * when the API is unavailable (docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api: a 502/503 with
 * a JSON `message`; the request did not reach the API); a `hang` holds the request with no answer until close.
 * The stand-in behind it stays as strict as it is: every request that passes is its to refuse.
 */
export interface FaultyGitHub {
  url: string;
  /** Requests as they arrived, `METHOD /path?query`, faulted ones included. */
  calls: string[];
  fail(matches: (call: string) => boolean, status: 500 | 502 | 503 | 504, count?: number): void;
  hang(matches: (call: string) => boolean, count?: number): void;
  close(): Promise<void>;
}

type Fault = { matches: (call: string) => boolean; count: number } & (
  { kind: 'hang' } | { kind: 'fail'; status: number }
);

export async function faultyGitHub(target: string): Promise<FaultyGitHub> {
  const faults: Fault[] = [];
  const calls: string[] = [];
  const held: ServerResponse[] = [];
  const upstream = new URL(target);

  function forward(req: IncomingMessage, res: ServerResponse) {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  }

  const server = createServer((req, res) => {
    const call = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
    calls.push(call);
    const fault = faults.find((f) => f.count > 0 && f.matches(call));
    if (!fault) return forward(req, res);
    fault.count--;
    req.resume();
    if (fault.kind === 'hang') return void held.push(res);
    const message = fault.status === 503 ? 'Service Unavailable' : 'Server Error';
    res.writeHead(fault.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    fail: (matches, status, count = 1) => faults.push({ matches, count, kind: 'fail', status }),
    hang: (matches, count = 1) => faults.push({ matches, count, kind: 'hang' }),
    close: async () => {
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
