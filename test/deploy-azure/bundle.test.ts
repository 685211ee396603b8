import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_SECRET, type FakeAzure } from '../fakes/azure/index.js';
import { parseCommandFile, runBundle } from '../helpers/runner.js';
import { cloudInputs, fast, HELLO, startAzure, V1, V2 } from './fixture.js';

/** actions/deploy-azure/dist run as the runner runs it: Node 24, INPUT_* variables, NODE_EXTRA_CA_CERTS. */

let azure: FakeAzure;
afterEach(() => azure?.close());

describe('the deploy-azure bundle', () => {
  it('logs in with OIDC, deploys to the slot, swaps and writes its outputs and job summary', async () => {
    azure = await startAzure();
    const step = await runBundle('deploy-azure', {
      inputs: { ...cloudInputs(azure, 'oidc'), ...fast, ...HELLO, 'slot-name': 'staging', images: V2, swap: 'true' },
      env: azure.env(true),
    });
    expect(step.log).not.toContain('::error::');
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ image: V2, 'previous-image': V1, swapped: 'true' });
    expect(step.outputs['webapp-url']).toBe(`https://127.0.0.1:${azure.slot('hello').port}`);
    expect(step.summary).toMatch(/^### deploy-azure: ✅ Succeeded/);
    expect(step.log).toContain('::group::Swap staging into production');
    expect(azure.oidcRequests).toBe(1);
    expect(azure.slot('hello').running).toBe(`DOCKER|${V2}`);
  });

  it('fails on invalid input without a request to Azure', async () => {
    azure = await startAzure();
    const step = await runBundle('deploy-azure', {
      inputs: { ...cloudInputs(azure), ...HELLO, images: 'ghcr.io/octo-org/Hello Service' },
      env: azure.env(),
    });
    expect(step.exitCode).toBe(1);
    expect(step.log).toMatch(/::error::Input 'images' is not a valid image reference/);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.summary).toMatch(/^### deploy-azure: ❌ Failed/);
    expect(step.summary).toContain("Input 'images' is not a valid image reference");
    expect(step.summary).toMatch(/Failure reason \| <code>invalid-input<\/code>/);
    expect(step.summary).toMatch(/Changed \| nothing/);
    expect(azure.tokenRequests).toEqual([]);
    expect(azure.armCalls).toEqual([]);
  });

  it('fails when the slot never serves the new version: the summary, failure-reason and previous-image say so', async () => {
    azure = await startAzure();
    azure.behaviour = (image) => (image === V2 ? 'unhealthy' : 'healthy');
    const step = await runBundle('deploy-azure', {
      inputs: { ...cloudInputs(azure), ...fast, ...HELLO, 'slot-name': 'staging', images: V2, timeout: '1s' },
      env: azure.env(),
    });
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ 'failure-reason': 'rollout-failed', 'previous-image': V1, swapped: 'false' });
    expect(step.summary).toMatch(/^### deploy-azure: ❌ Failed/);
    expect(step.summary).toMatch(/staging did not serve version 2\.0\.0 at https:\/\/127\.0\.0\.1:\d+\/health/);
    expect(step.summary).toMatch(/Failure reason \| <code>rollout-failed<\/code>/);
    expect(step.summary).toMatch(/Duration \| /);
    expect(step.summary).toContain(`<code>${V1}</code> → <code>${V2}</code>`);
    expect(azure.slot('hello').running).toBe(`DOCKER|${V1}`);
  });

  it('never prints the client secret, the OIDC token, the registry password or a secret app setting', async () => {
    azure = await startAzure();
    azure.behaviour = (image) => (image === V2 ? 'unhealthy' : 'healthy');
    const registryPassword = 'ghp_registryPasswordNeverPrinted0123';
    const settingSecret = 'sk_live_appSettingSecretNeverPrinted42';
    const secretRun = await runBundle('deploy-azure', {
      inputs: {
        ...cloudInputs(azure),
        ...fast,
        ...HELLO,
        'slot-name': 'staging',
        images: V2,
        timeout: '1',
        'registry-username': 'octo-bot',
        'registry-password': registryPassword,
        'app-settings': `API_KEY=${settingSecret}`,
      },
      env: { ...azure.env(), ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
    });
    const oidcRun = await runBundle('deploy-azure', {
      inputs: { ...cloudInputs(azure, 'oidc'), ...fast, ...HELLO, 'slot-name': 'staging', images: V1 },
      env: { ...azure.env(true), RUNNER_DEBUG: '1' },
    });
    expect(secretRun.exitCode).toBe(1);
    expect(oidcRun.exitCode).toBe(0);
    const tokens = [...azure.oidcTokens];
    expect(tokens).toHaveLength(1);
    for (const step of [secretRun, oidcRun]) {
      // ::add-mask:: lines are how a value is handed to the runner to hide; the runner never shows them.
      const log = step.log.replace(/^::add-mask::.*$/gm, '');
      const everything = [log, step.summary, JSON.stringify(step.outputs)].join('\n');
      for (const secret of [CLIENT_SECRET, registryPassword, settingSecret, ...tokens]) {
        expect(everything).not.toContain(secret);
      }
    }
    for (const secret of [CLIENT_SECRET, registryPassword, settingSecret]) {
      expect(secretRun.log).toContain(`::add-mask::${secret}`);
    }
    expect(oidcRun.log).toContain(`::add-mask::${tokens[0]}`);
  });

  it("runs azure/webapps-deploy's publish-profile container README example unchanged", async () => {
    azure = await startAzure();
    const image = 'contoso.azurecr.io/nodejssampleapp:3f2c1d0e9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d';
    await azure.addSite('node-rnc', { image: 'contoso.azurecr.io/nodejssampleapp:1a2b3c4d', slots: [] });
    // The anchor's "containerized web app using publish profile" step, as its README writes it.
    const step = await runBundle('deploy-azure', {
      inputs: { 'app-name': 'node-rnc', 'publish-profile': azure.publishProfile('node-rnc'), images: image },
      env: azure.env(),
    });
    expect(step.log).not.toContain('::error::');
    expect(step.exitCode).toBe(0);
    expect(azure.slot('node-rnc').running).toBe(`DOCKER|${image}`);
    expect(azure.armCalls).toEqual([]);
    const password = azure.slot('node-rnc').publishingPassword;
    expect(step.log.replace(/^::add-mask::.*$/gm, '')).not.toContain(password);
    expect(step.summary).not.toContain(password);
  });

  it('says changed=true at once, and puts the previous image back from its post step when the run is cancelled', async () => {
    azure = await startAzure();
    // The new image never serves: the step waits, with production changed in place, until the run is cancelled.
    azure.behaviour = (image) => (image === V2 ? 'unhealthy' : 'healthy');
    const inputs = { ...cloudInputs(azure, 'oidc'), ...fast, ...HELLO, images: V2, timeout: '60' };
    const files = { output: '', state: '' };
    const main = await runBundle('deploy-azure', {
      inputs,
      env: azure.env(true),
      onFiles: (runner) => Object.assign(files, runner),
      onSpawn: (child) => {
        // The runner cancels a step with SIGINT once the run is cancelled; here, once production runs the new image.
        const timer = setInterval(() => {
          const changed = parseCommandFile(readFileSync(files.output, 'utf8')).changed === 'true';
          if (changed && azure.site('hello').get('production')?.running === `DOCKER|${V2}`) {
            clearInterval(timer);
            child.kill('SIGINT');
          }
        }, 50);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(main.exitCode).not.toBe(0);
    expect(main.outputs.changed).toBe('true');
    const state = parseCommandFile(readFileSync(files.state, 'utf8'));
    // The post step with the runner's post-step environment (STATE_* from the main step's GITHUB_STATE).
    const post = await runBundle('deploy-azure', { inputs, env: azure.env(true), state, post: true });
    expect(post.log).not.toContain('::error::');
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain(
      `::warning::The run was cancelled while production was changed: ${V1} was set back on production`,
    );
    expect(azure.slot('hello').linuxFxVersion).toBe(`DOCKER|${V1}`);
    expect(post.summary).toMatch(/^### deploy-azure \(run cancelled\): ⏹️ Cancelled/);
  }, 60_000);

  it('leaves production alone in the post step when nothing was being changed', async () => {
    azure = await startAzure();
    const post = await runBundle('deploy-azure', {
      inputs: { ...cloudInputs(azure), ...HELLO, images: V2 },
      env: azure.env(),
      state: {},
      post: true,
    });
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain('nothing to put back');
    expect(azure.armCalls).toEqual([]);
  });
});
