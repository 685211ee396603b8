import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { printedForms } from '../../src/lib/secrets.js';
import { run } from '../../src/deploy-azure/main.js';
import { cloudInputs, fast, HELLO, startAzure, V1, V2 } from '../deploy-azure/fixture.js';
import { CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION, TENANT, type FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { badInput, fault, leak } from './kinds.js';

/**
 * deploy-azure (App Service) and the Azure login, tried as an adversary would: names and values that must never
 * reach ARM or Entra, secrets that must never leave the runner, and a local Azure (as strict as the real one)
 * failing at every point, before and after production was changed.
 */

let azure: FakeAzure;
const deploy = (inputs: Record<string, string>, login: 'secret' | 'oidc' = 'secret') =>
  runInProcess(run, { ...cloudInputs(azure, login), ...fast, ...HELLO, ...inputs }, azure.env(login === 'oidc'));
const requests = () => azure.armCalls.length + azure.tokenRequests.length + azure.oidcRequests;
const errorLine = (log: string) => log.split('\n').find((line) => line.startsWith('::error::')) ?? '';

describe('bad input: refused before any ARM, Entra or GitHub request, the input named', () => {
  beforeAll(async () => {
    azure = await startAzure();
  });
  afterAll(() => azure.close());

  const long = (n: number) => 'a'.repeat(n);
  const cases: [string, string, Record<string, string>][] = [
    ['an app name with an underscore', 'app-name', { 'app-name': 'hello_web' }],
    ['an app name starting with a hyphen', 'app-name', { 'app-name': '-hello' }],
    ['an app name of 61 characters', 'app-name', { 'app-name': long(61) }],
    ['an app name with a line break (a forged workflow command)', 'app-name', { 'app-name': 'hello\n::warning::x' }],
    ['an app name of one character', 'app-name', { 'app-name': 'h' }],
    ['a resource group with a space', 'resource-group-name', { 'resource-group-name': 'rg web' }],
    ['a resource group ending in a period', 'resource-group-name', { 'resource-group-name': 'rg-web.' }],
    ['a resource group of 91 characters', 'resource-group-name', { 'resource-group-name': long(91) }],
    ['a resource group with a slash (another path)', 'resource-group-name', { 'resource-group-name': 'rg/../x' }],
    ['a slot name with an underscore', 'slot-name', { 'slot-name': 'pr_42', images: V2 }],
    ['a slot name ending with a hyphen', 'slot-name', { 'slot-name': 'pr-', images: V2 }],
    ['a subscription that is not a GUID', 'subscription-id', { 'subscription-id': 'my-subscription', images: V2 }],
    [
      'a subscription GUID with a line break',
      'subscription-id',
      {
        'subscription-id': `${SUBSCRIPTION}\n::warning::x`,
        images: V2,
      },
    ],
    ['a tenant with a space', 'tenant-id', { 'tenant-id': 'contoso tenant', images: V2 }],
    ['a client ID that is not a GUID', 'client-id', { 'client-id': 'deploy-app', images: V2 }],
    ['a client ID without its tenant', 'tenant-id', { 'tenant-id': '', images: V2 }],
    ['no images', 'images', {}],
    ['an image reference with a space', 'images', { images: 'ghcr.io/octo-org/Hello Service' }],
    ['two images (Docker Compose)', 'images', { images: `${V1}\n${V2}` }],
    ['a timeout in words', 'timeout', { images: V2, timeout: '5 minutes' }],
    ['a timeout over an hour', 'timeout', { images: V2, timeout: '2h' }],
    ['a poll interval under 50ms', 'poll-interval', { images: V2, 'poll-interval': '10ms' }],
    ['a request timeout of 0s', 'request-timeout', { images: V2, 'request-timeout': '0s' }],
    ['a request timeout that is no duration', 'request-timeout', { images: V2, 'request-timeout': 'soon' }],
    ['a verify mode that does not exist', 'verify', { images: V2, verify: 'maybe' }],
    [
      'a Key Vault reference App Service would keep as literal text',
      'app-settings',
      { images: V2, 'app-settings': 'DB=@Microsoft.KeyVault(SecretUri=https://kv1.vault.azure.net/secrets/db/' },
    ],
    [
      'a Key Vault reference to a vault on another host',
      'app-settings',
      { images: V2, 'app-settings': 'DB=@Microsoft.KeyVault(SecretUri=https://evil.example.com/secrets/db/)' },
    ],
    ['swap given as yes', 'swap', { images: V2, 'slot-name': 'staging', swap: 'yes' }],
    ['swap into production from production', 'swap', { images: V2, swap: 'true' }],
    ['a mode that does not exist', 'mode', { mode: 'destroy', 'slot-name': 'staging' }],
    ['delete-slot with an image (no effect)', 'images', { mode: 'delete-slot', 'slot-name': 'staging', images: V2 }],
    ['delete-slot of production', 'slot-name', { mode: 'delete-slot' }],
    [
      'verify none with expected-version (no effect)',
      'expected-version',
      {
        images: V2,
        verify: 'none',
        'expected-version': '2.0.0',
      },
    ],
    ['a registry user without a password', 'registry-username', { images: V2, 'registry-username': 'bot' }],
    [
      'a registry URL holding a password',
      'registry-url',
      {
        images: V2,
        'registry-url': 'https://bot:hunter2hunter2@ghcr.io',
      },
    ],
    [
      'managed-identity pull and a registry password',
      'managed-identity-pull',
      {
        images: V2,
        'managed-identity-pull': 'true',
        'registry-username': 'bot',
        'registry-password': 'pw-0123456789',
      },
    ],
    ['a health path without its slash', 'health-path', { images: V2, 'health-path': 'health' }],
    ['a health URL that is not http', 'health-url', { images: V2, 'health-url': 'ftp://hello/health' }],
    [
      'an ARM endpoint over http',
      'resource-manager-endpoint',
      {
        images: V2,
        'resource-manager-endpoint': 'http://management.local',
      },
    ],
    [
      'an ARM endpoint with a password in it',
      'resource-manager-endpoint',
      {
        images: V2,
        'resource-manager-endpoint': 'https://u:armPassw0rd@management.local',
      },
    ],
    ['a cloud that does not exist', 'environment', { images: V2, environment: 'AzureMars' }],
    ['an auth type that does not exist', 'auth-type', { images: V2, 'auth-type': 'KEY' }],
    ['creds that are not JSON', 'creds', { images: V2, creds: '{clientId: x' }],
    ['a Compose file', 'configuration-file', { images: V2, 'configuration-file': 'docker-compose.yml' }],
    [
      'create-slot-from a badly named slot',
      'create-slot-from',
      {
        images: V2,
        'slot-name': 'pr-1',
        'create-slot': 'true',
        'create-slot-from': 'stag ing',
      },
    ],
    ['rollback-on-failure given as maybe', 'rollback-on-failure', { images: V2, 'rollback-on-failure': 'maybe' }],
    [
      'create-slot-from without create-slot (no effect)',
      'create-slot-from',
      {
        images: V2,
        'slot-name': 'pr-1',
        'create-slot-from': 'staging',
      },
    ],
  ];
  for (const [name, input, inputs] of cases) {
    badInput(`deploy-azure: ${name}`, async () => {
      azure.armCalls.length = 0;
      azure.tokenRequests.length = 0;
      azure.oidcRequests = 0;
      const step = await deploy(inputs);
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('invalid-input');
      expect(errorLine(step.log)).toContain(input);
      expect(requests()).toBe(0);
      expect(step.outputs.changed).toBe('false');
      // Nothing the input held can start a line of its own.
      expect(step.log).not.toMatch(/^::warning::x$/m);
    });
  }
});

/** Every printed form of a secret, and its base64, is absent from what leaves the runner. */
function expectAbsent(step: { log: string; summary: string; outputs: Record<string, string> }, secret: string) {
  const log = step.log.replace(/^::add-mask::.*$/gm, '');
  const everything = [log, step.summary, ...Object.values(step.outputs)].join('\n');
  for (const form of [...printedForms(secret), Buffer.from(secret).toString('base64')]) {
    expect(everything, `a printed form of the secret: ${form}`).not.toContain(form);
  }
}

describe('leak: a secret never leaves the runner (outputs, summary, log), in any printed form', () => {
  afterEach(() => azure?.close());

  const failing = async () => {
    azure = await startAzure();
    azure.behaviour = (image) => (image === V2 ? 'unhealthy' : 'healthy');
  };
  const settingCases: [string, string][] = [
    ['an app setting value with quotes and backslashes', 'p"ss\\word\\"quoted-0123'],
    ['an app setting value with non-ASCII characters', 'pässwörd-Ωμέγα-密码-0123'],
    ['an app setting value with URL characters', 'sv=2024-01-01&sig=a%2Bb/c+d==&se=2030'],
    ['an app setting with an innocent name', 'innocentLooking-value-987654'],
  ];
  for (const [name, value] of settingCases) {
    leak(`deploy-azure: ${name}`, async () => {
      await failing();
      const step = await deploy({
        'slot-name': 'staging',
        images: V2,
        timeout: '1s',
        'app-settings': `SETTING=${value}`,
      });
      expect(step.failed).toBe(true);
      expect(azure.slot('hello', 'staging').appSettings.SETTING).toBe(value);
      expectAbsent(step, value);
    });
  }

  leak('deploy-azure: the client secret, on a failed deploy with debug logging', async () => {
    await failing();
    const step = await runInProcess(
      run,
      { ...cloudInputs(azure), ...fast, ...HELLO, 'slot-name': 'staging', images: V2, timeout: '1s' },
      { ...azure.env(), RUNNER_DEBUG: '1' },
    );
    expect(step.failed).toBe(true);
    expectAbsent(step, CLIENT_SECRET);
  });

  leak("deploy-azure: creds' clientSecret", async () => {
    azure = await startAzure();
    const creds = JSON.stringify({
      clientId: CLIENT_ID,
      clientSecret: 'wrong-creds-Secret~0123456789',
      tenantId: TENANT,
      subscriptionId: SUBSCRIPTION,
    });
    const { 'client-secret': _secret, 'client-id': _id, ...cloud } = cloudInputs(azure);
    const step = await runInProcess(run, { ...cloud, ...fast, ...HELLO, creds, images: V2 }, azure.env());
    expect(step.failed).toBe(true);
    expect(step.log).toContain('AADSTS7000215');
    expectAbsent(step, 'wrong-creds-Secret~0123456789');
  });

  leak("deploy-azure: the publish profile's password", async () => {
    await failing();
    const step = await runInProcess(
      run,
      { 'app-name': 'hello', 'publish-profile': azure.publishProfile('hello'), images: V2, ...fast, timeout: '1s' },
      azure.env(),
    );
    expect(step.failed).toBe(true);
    expectAbsent(step, azure.slot('hello').publishingPassword);
  });

  leak('deploy-azure: the registry password', async () => {
    await failing();
    const password = 'ghp_registry"Pass\\word-0123';
    const login = { 'registry-username': 'octo-bot', 'registry-password': password };
    const step = await deploy({ 'slot-name': 'staging', images: V2, timeout: '1s', ...login });
    expect(azure.slot('hello', 'staging').appSettings.DOCKER_REGISTRY_SERVER_PASSWORD).toBe(password);
    expectAbsent(step, password);
  });

  leak('deploy-azure: a password in health-url, which is probed and named in the failure', async () => {
    await failing();
    const port = azure.slot('hello', 'staging').port;
    const step = await deploy({
      'slot-name': 'staging',
      images: V2,
      timeout: '1s',
      'health-url': `https://probe:h3alth-Passw0rd@127.0.0.1:${port}/health`,
    });
    expect(step.failed).toBe(true);
    expect(step.log).toContain(`https://probe:***@127.0.0.1:${port}/health`);
    expectAbsent(step, 'h3alth-Passw0rd');
  });

  leak('deploy-azure: a password in registry-url, refused', async () => {
    azure = await startAzure();
    const step = await deploy({ images: V2, 'registry-url': 'https://bot:regUrl-Passw0rd@ghcr.io' });
    expect(step.failed).toBe(true);
    expectAbsent(step, 'regUrl-Passw0rd');
  });

  leak('deploy-azure: the GitHub ID token (OIDC), on a failed deploy', async () => {
    await failing();
    const step = await deploy({ 'slot-name': 'staging', images: V2, timeout: '1s' }, 'oidc');
    expect(step.failed).toBe(true);
    const [token] = [...azure.oidcTokens];
    expect(token).toBeDefined();
    expectAbsent(step, token ?? '');
  });

  leak('deploy-azure: a password in resource-manager-endpoint, refused', async () => {
    azure = await startAzure();
    const step = await deploy({ images: V2, 'resource-manager-endpoint': 'https://u:armEndp0int-Pass@127.0.0.1:1' });
    expect(step.failed).toBe(true);
    expectAbsent(step, 'armEndp0int-Pass');
  });
});

describe('fault: Azure failing, before and after production changed, ends in an exact, reported state', () => {
  afterEach(() => azure?.close());
  const production = () => azure.site('hello').get('production')?.running;
  /** V2 answers unhealthy once it runs in production (the slot proved it; production does not serve it). */
  const failsInProduction = () => {
    azure.behaviour = (image) => (image === V2 && production() === `DOCKER|${V2}` ? 'unhealthy' : 'healthy');
  };
  const swapToProduction = { 'slot-name': 'staging', images: V2, swap: 'true' };

  fault(
    'deploy-azure: 429 throttling with Retry-After through a swap',
    async () => {
      azure = await startAzure();
      azure.throttle(2);
      const step = await deploy(swapToProduction);
      expect(step.failed).toBe(false);
      expect(production()).toBe(`DOCKER|${V2}`);
      expect(step.outputs).toMatchObject({ changed: 'true', swapped: 'true', 'rolled-back': 'false' });
    },
    30_000,
  );

  fault(
    'deploy-azure: 503s from ARM',
    async () => {
      azure = await startAzure();
      azure.throttle(2, 503);
      const step = await deploy({ 'slot-name': 'staging', images: V2 });
      expect(step.failed).toBe(false);
      expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V2}`);
      expect(step.outputs).toMatchObject({ changed: 'false', swapped: 'false' });
    },
    30_000,
  );

  fault(
    'deploy-azure: a connection reset on the config update is retried',
    async () => {
      azure = await startAzure();
      azure.reset(1, /\/slots\/staging\/config\/web$/);
      const step = await deploy({ 'slot-name': 'staging', images: V2 });
      expect(step.failed).toBe(false);
      expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V2}`);
    },
    30_000,
  );

  fault(
    'deploy-azure: ARM hangs on reading the app: cut by request-timeout and named, nothing changed',
    async () => {
      azure = await startAzure();
      azure.hang('arm', 1, /\/sites\/hello$/);
      const step = await deploy({ ...swapToProduction, 'request-timeout': '1s' });
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('timeout');
      expect(errorLine(step.log)).toMatch(
        /Get hello failed: ARM GET \/subscriptions\/.*\/sites\/hello: no answer within 1\.0 s \(request-timeout\)/,
      );
      expect(azure.hung).toHaveLength(1);
      expect(step.outputs.changed).toBe('false');
      expect(production()).toBe(`DOCKER|${V1}`);
      expect(step.summary).toMatch(/Changed \| nothing/);
    },
    30_000,
  );

  fault(
    'deploy-azure: Entra hangs on the token request: cut and named, no ARM request',
    async () => {
      azure = await startAzure();
      azure.hang('entra', 10, /\/token$/);
      const step = await deploy({ ...swapToProduction, 'request-timeout': '1s' });
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('timeout');
      expect(errorLine(step.log)).toMatch(
        /Entra POST \/.*\/oauth2\/v2\.0\/token: no answer within 1\.0 s \(request-timeout\)/,
      );
      expect(azure.armCalls).toEqual([]);
      expect(production()).toBe(`DOCKER|${V1}`);
    },
    30_000,
  );

  fault(
    'deploy-azure: the GitHub ID token service hangs: cut and named, no Entra or ARM request',
    async () => {
      azure = await startAzure();
      azure.hang('oidc', 10);
      const step = await deploy({ ...swapToProduction, 'request-timeout': '1s' }, 'oidc');
      expect(step.failed).toBe(true);
      expect(errorLine(step.log)).toMatch(/GitHub ID token request: no answer within 1\.0 s \(request-timeout\)/);
      expect(azure.tokenRequests).toEqual([]);
      expect(azure.armCalls).toEqual([]);
    },
    30_000,
  );

  fault(
    "deploy-azure: the swap's final answer is lost: slots read back, production verified on that",
    async () => {
      azure = await startAzure();
      azure.loseSwapAnswer();
      const step = await deploy({ ...swapToProduction, 'request-timeout': '1s' });
      expect(step.log).toMatch(
        /::warning::The swap's answer was lost .*; read back: production runs .*2\.0\.0, staging runs .*1\.0\.0/,
      );
      expect(step.failed).toBe(false);
      expect(production()).toBe(`DOCKER|${V2}`);
      expect(step.outputs).toMatchObject({ changed: 'true', swapped: 'true', 'rolled-back': 'false' });
      expect(step.summary).toContain(`Read back | production runs ${V2}, staging runs ${V1}`);
    },
    30_000,
  );

  fault(
    'deploy-azure: production keeps failing after the swap: swapped back and proven',
    async () => {
      azure = await startAzure();
      failsInProduction();
      const step = await deploy({ ...swapToProduction, timeout: '2s' });
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('rollout-failed');
      expect(production()).toBe(`DOCKER|${V1}`);
      expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V2}`);
      expect(step.outputs).toMatchObject({ changed: 'true', 'rolled-back': 'true', swapped: 'false' });
      expect(step.outputs['end-state']).toMatch(
        new RegExp(
          `^app hello runs ${V1} again: swapped staging back into production, proven by \\d+ probes of https://127\\.0\\.0\\.1:\\d+/health\\.$`,
        ),
      );
      expect(step.summary).toContain(step.outputs['end-state']);
    },
    30_000,
  );

  fault(
    'deploy-azure: the swap back fails too: the NOT proven sentence in summary, log and outputs',
    async () => {
      azure = await startAzure();
      failsInProduction();
      azure.failNextSwap(
        400,
        "Cannot swap slots for site 'hello' because the worker process for 'staging' slot could not be started.",
        1,
      );
      const step = await deploy({ ...swapToProduction, timeout: '2s' });
      expect(step.failed).toBe(true);
      expect(production()).toBe(`DOCKER|${V2}`);
      const sentence = `app hello runs ${V2}, which is NOT proven; rollback failed: Swap hello/staging with production failed: BadRequest (HTTP 400): Cannot swap slots for site 'hello'`;
      expect(step.outputs['end-state']).toContain(sentence);
      expect(step.log).toContain(`::error::${sentence}`);
      expect(step.summary).toContain(sentence);
      expect(step.outputs).toMatchObject({ changed: 'true', 'rolled-back': 'false' });
    },
    30_000,
  );

  fault(
    'deploy-azure: rollback-on-failure false: the new version stays, said NOT proven',
    async () => {
      azure = await startAzure();
      failsInProduction();
      const step = await deploy({ ...swapToProduction, timeout: '2s', 'rollback-on-failure': 'false' });
      expect(step.failed).toBe(true);
      expect(production()).toBe(`DOCKER|${V2}`);
      expect(step.outputs['end-state']).toBe(`app hello runs ${V2}, which is NOT proven; rollback is off`);
      expect(step.log).toContain(`::error::app hello runs ${V2}, which is NOT proven; rollback is off`);
    },
    30_000,
  );

  fault(
    'deploy-azure: in place on production, the new image crashes: image and settings put back, proven',
    async () => {
      azure = await startAzure();
      azure.behaviour = (image) => (image === V2 ? 'crash' : 'healthy');
      const step = await deploy({ images: V2, timeout: '2s', 'app-settings': 'LOG_LEVEL=trace\nNEW_FLAG=on-0123' });
      expect(step.failed).toBe(true);
      expect(production()).toBe(`DOCKER|${V1}`);
      expect(azure.slot('hello').appSettings).toEqual({ LOG_LEVEL: 'info', DB_HOST: 'db.internal' });
      expect(step.outputs).toMatchObject({ changed: 'true', 'rolled-back': 'true' });
      expect(step.outputs['end-state']).toMatch(
        new RegExp(`^app hello runs ${V1} again: set back on production and restarted, proven by`),
      );
    },
    30_000,
  );

  fault(
    "deploy-azure: in place, the config update's answer is lost: read back, the change was made, goes on",
    async () => {
      azure = await startAzure();
      azure.loseAnswer('PATCH', /\/sites\/hello\/config\/web$/);
      const step = await deploy({ images: V2, 'request-timeout': '1s' });
      expect(step.log).toContain(
        `::warning::The answer to Update config/web of hello was lost; read back: it runs ${V2}, the change was made.`,
      );
      expect(step.failed).toBe(false);
      expect(production()).toBe(`DOCKER|${V2}`);
      expect(step.outputs).toMatchObject({ changed: 'true', 'rolled-back': 'false' });
    },
    30_000,
  );

  fault(
    'deploy-azure: in place, the config update hangs unapplied: read back, the previous version stays, proven',
    async () => {
      azure = await startAzure();
      azure.hang('arm', 1, /\/sites\/hello\/config\/web$/, 'PATCH');
      const step = await deploy({ images: V2, 'request-timeout': '1s' });
      expect(step.log).toContain(
        `::warning::The answer to Update config/web of hello was lost; read back: it runs ${V1}, the change was not made.`,
      );
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('timeout');
      expect(production()).toBe(`DOCKER|${V1}`);
      expect(step.outputs).toMatchObject({ changed: 'true', 'rolled-back': 'true' });
      expect(step.outputs['end-state']).toMatch(new RegExp(`^app hello runs ${V1} again: set back on production`));
    },
    30_000,
  );

  fault(
    'deploy-azure: with a publish profile, the new image does not serve: changed, and said NOT proven',
    async () => {
      azure = await startAzure();
      azure.behaviour = (image) => (image === V2 ? 'crash' : 'healthy');
      const profile = azure.publishProfile('hello');
      const step = await runInProcess(
        run,
        { 'app-name': 'hello', 'publish-profile': profile, images: V2, ...fast, timeout: '2s' },
        azure.env(),
      );
      expect(step.failed).toBe(true);
      expect(azure.slot('hello').linuxFxVersion).toBe(`DOCKER|${V2}`);
      expect(step.outputs.changed).toBe('true');
      expect(step.outputs['end-state']).toBe(
        `app hello runs ${V2}, which is NOT proven; rollback failed: the previous image is not known with a publish profile (run rollback with the image that ran before).`,
      );
      expect(step.log).toContain(`::error::app hello runs ${V2}, which is NOT proven`);
      expect(azure.armCalls).toEqual([]);
    },
    30_000,
  );
});
