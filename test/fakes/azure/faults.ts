import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The network's faults, for the local Azure: a request taken and never answered (a stalled front end, an answer lost
 * on the way back) and a connection reset before the answer. Both are what a client meets on the internet between
 * a runner and Azure; neither is an error Azure sends, so neither has an error body.
 */

export type Endpoint = 'arm' | 'entra' | 'oidc';

/** Entra's paths (token, metadata, instance discovery); every other path of the shared server is ARM's. */
export const isEntraPath = (path: string) => /\/oauth2\/|\/\.well-known\/|\/discovery\/instance$/.test(path);

export class Faults {
  hangs: { where: Endpoint; count: number; path: RegExp; method?: string }[] = [];
  resets: { count: number; path: RegExp }[] = [];
  /** Requests done as asked whose answer never arrives. */
  losses: { count: number; path: RegExp; method: string }[] = [];
  /** The poll that completes the next swap answers nothing. */
  loseSwapAnswer = false;
  /** `where METHOD /path` of each request taken and never answered. */
  hung: string[] = [];

  /** True when the request was taken by a fault (hung or reset): nothing else may answer it. */
  cut(where: Endpoint, req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const hang = this.hangs.find(
      (h) => h.where === where && h.count > 0 && h.path.test(path) && (!h.method || h.method === req.method),
    );
    if (hang) {
      hang.count--;
      this.hold(where, req, res);
      return true;
    }
    const loss =
      where === 'arm' && this.losses.find((l) => l.count > 0 && l.path.test(path) && l.method === req.method);
    if (loss) {
      loss.count--;
      // Azure does what was asked; the answer is lost on the way back (the client waits on a silent connection).
      this.hung.push(`${where} ${req.method} ${path} (done, answer lost)`);
      res.writeHead = (() => res) as unknown as typeof res.writeHead;
      res.end = (() => res) as unknown as typeof res.end;
      return false;
    }
    const reset = where === 'arm' ? this.resets.find((r) => r.count > 0 && r.path.test(path)) : undefined;
    if (reset) {
      reset.count--;
      req.socket.destroy();
      return true;
    }
    return false;
  }

  /** Takes the request and never answers; the connection stays open until the server closes it. */
  hold(where: Endpoint, req: IncomingMessage, res: ServerResponse): void {
    this.hung.push(`${where} ${req.method} ${new URL(req.url ?? '/', 'http://local').pathname}`);
    req.resume();
    res.on('error', () => undefined);
  }
}
