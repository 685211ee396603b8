import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/build-push/main.js';
import { startRegistry, type LocalRegistry } from '../fakes/registry/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { canBuild, useDockerFixture } from './context.js';

const events = join(import.meta.dirname, 'events');
const ENTRA_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-access-token.sig';
const REFRESH_TOKEN = 'acr-refresh-token-5b2e9c';
const ACR_USER = '00000000-0000-0000-0000-000000000000';
const runLabel = `test.build-push.run=${crypto.randomUUID()}`;
const unmasked = (log: string) => log.replace(/^::add-mask::.*$/gm, '');

/**
 * An ACR stand-in: the registry's own /oauth2/exchange (Entra access token in, ACR refresh token out, as ACR
 * answers it) in front of a real registry, to which every other request is passed unchanged (Host included,
 * so upload locations point back here). The refresh token is the password the registry accepts for ACR's
 * fixed username, so the exchanged token really logs in and pushes.
 */
async function startAcr(
  registry: LocalRegistry,
): Promise<{ host: string; exchanges: string[]; close: () => Promise<void> }> {
  const exchanges: string[] = [];
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/oauth2/exchange') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        exchanges.push(`${form.get('grant_type')} ${form.get('service')}`);
        if (form.get('grant_type') !== 'access_token' || form.get('access_token') !== ENTRA_TOKEN) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid access token' }] }));
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ refresh_token: REFRESH_TOKEN }));
      });
      return;
    }
    const [hostname, port] = registry.host.split(':');
    const upstream = request(
      { hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.skipIf(!canBuild())('build-push to ACR with an Entra token', () => {
  let registry: LocalRegistry;
  let acr: Awaited<ReturnType<typeof startAcr>>;
  const fixture = useDockerFixture(runLabel, {
    start: async () => {
      registry = await startRegistry({ [ACR_USER]: REFRESH_TOKEN });
      acr = await startAcr(registry);
    },
    hosts: () => [acr?.host],
    stop: () => Promise.all([acr?.close(), registry?.stop()]),
  });

  const step = (inputs: Record<string, string>) =>
    runInProcess(
      run,
      { context: fixture().context, network: 'host', labels: runLabel, 'registry-type': 'acr', ...inputs },
      {
        DOCKER_CONFIG: fixture().dockerConfig,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: join(events, 'push-main.json'),
      },
    );

  it('exchanges the Entra token for a registry token, logs in with it and pushes; neither token shows', async () => {
    const result = await step({
      image: `${acr.host}/hello/acr`,
      'azure-access-token': ENTRA_TOKEN,
      'tag-rules': 'sha',
    });
    expect(result.failed, result.log).toBe(false);
    expect(acr.exchanges).toEqual(['access_token 127.0.0.1']);
    expect(result.log).toContain(`Logged in to ${acr.host} as ${ACR_USER}.`);
    expect(await registry.tags('hello/acr', { username: ACR_USER, password: REFRESH_TOKEN })).toEqual(['sha-0123456']);
    for (const secret of [ENTRA_TOKEN, REFRESH_TOKEN]) {
      expect(result.log).toContain(`::add-mask::${secret}`);
      expect(unmasked(result.log)).not.toContain(secret);
    }
  });

  it('a token the registry refuses fails the step with the HTTP status and what the identity needs', async () => {
    const result = await step({ image: `${acr.host}/hello/acr`, 'azure-access-token': 'eyJ.expired.token' });
    expect(result.failed).toBe(true);
    expect(result.outputs['failure-reason']).toBe('cloud-error');
    expect(result.log).toMatch(
      /The ACR token exchange at http:\/\/127\.0\.0\.1:\d+\/oauth2\/exchange was refused \(HTTP 401\)/,
    );
    expect(result.log).toContain('AcrPush');
  });
});
