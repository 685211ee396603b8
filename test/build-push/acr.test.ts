import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/build-push/main.js';
import { startAcrExchange, type AcrExchange } from '../fakes/registry/acr-exchange.js';
import { startRegistry, type LocalRegistry } from '../fakes/registry/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { canBuild, useDockerFixture } from './context.js';

const events = join(import.meta.dirname, 'events');
const ENTRA_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-access-token.sig';
const REFRESH_TOKEN = 'acr-refresh-token-5b2e9c';
const ACR_USER = '00000000-0000-0000-0000-000000000000';
const runLabel = `test.build-push.run=${crypto.randomUUID()}`;
const unmasked = (log: string) => log.replace(/^::add-mask::.*$/gm, '');

describe.skipIf(!canBuild())('build-push to ACR with an Entra token', () => {
  let registry: LocalRegistry;
  let acr: AcrExchange;
  const fixture = useDockerFixture(runLabel, {
    start: async () => {
      registry = await startRegistry({ [ACR_USER]: REFRESH_TOKEN });
      acr = await startAcrExchange({ accessToken: ENTRA_TOKEN, refreshToken: REFRESH_TOKEN, upstream: registry.host });
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
    expect(acr.requests).toEqual(['access_token 127.0.0.1']);
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
