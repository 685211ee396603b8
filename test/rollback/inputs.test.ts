import { describe, expect, it } from 'vitest';
import { readInputs } from '../../src/rollback/inputs.js';
import { CLIENT_ID, SUBSCRIPTION, TENANT } from '../fakes/azure/index.js';
import { runnerFiles, stepEnvironment } from '../helpers/runner.js';

/** rollback's time inputs in the one duration syntax; a bare number keeps the unit it always had. */

/** readInputs() with the step's environment as the runner sets it (AZURE_* for the Azure login). */
function withInputs(inputs: Record<string, string>) {
  const saved = process.env;
  process.env = stepEnvironment(inputs, runnerFiles(), {
    AZURE_CLIENT_ID: CLIENT_ID,
    AZURE_TENANT_ID: TENANT,
    AZURE_SUBSCRIPTION_ID: SUBSCRIPTION,
  });
  try {
    return readInputs();
  } finally {
    process.env = saved;
  }
}

describe('ECS time inputs', () => {
  const ecs = (more: Record<string, string>) => withInputs({ service: 'web', ...more });

  it.each([
    ['', 15 * 60_000],
    ['15', 15 * 60_000],
    ['0.5', 30_000],
    ['90s', 90_000],
    ['1h', 3_600_000],
  ])('wait-for-minutes %j is minutes when bare: %i ms', (raw, ms) => {
    expect(ecs({ 'wait-for-minutes': raw })).toMatchObject({ target: 'ecs', waitMs: ms });
  });

  it.each([
    ['', 5000],
    ['2', 2000],
    ['250ms', 250],
  ])('poll-interval %j is seconds when bare: %i ms', (raw, ms) => {
    expect(ecs({ 'poll-interval': raw })).toMatchObject({ pollIntervalMs: ms });
  });

  it('refuses a wait over 6 hours, naming the range in minutes', () => {
    expect(() => ecs({ 'wait-for-minutes': '7h' })).toThrow(
      "Input 'wait-for-minutes' must be from 0.01 minutes to 360 minutes, got '7h'.",
    );
  });
});

describe('Azure time inputs', () => {
  const azure = (more: Record<string, string>) =>
    withInputs({
      'app-name': 'hello',
      'resource-group-name': 'rg-web',
      'previous-image': 'ghcr.io/octo-org/hello-service:1.0.0',
      ...more,
    });

  it('reads timeout and poll-interval as seconds when bare, or with a unit', () => {
    expect(azure({})).toMatchObject({ target: 'azure', wait: { timeoutMs: 600_000, intervalMs: 5000 } });
    expect(azure({ timeout: '90', 'poll-interval': '0.5' })).toMatchObject({
      wait: { timeoutMs: 90_000, intervalMs: 500 },
    });
    expect(azure({ timeout: '2m30s', 'poll-interval': '100ms' })).toMatchObject({
      wait: { timeoutMs: 150_000, intervalMs: 100, expectedVersion: '1.0.0' },
    });
  });

  it('refuses a timeout that is not a duration, or over an hour', () => {
    expect(() => azure({ timeout: 'soon' })).toThrow(/'timeout' must be a duration such as .*bare number is seconds/);
    expect(() => azure({ timeout: '2h' })).toThrow("Input 'timeout' must be from 1 seconds to 3600 seconds, got '2h'.");
  });
});

describe('what an ECS rollback accepts', () => {
  const ecs = (more: Record<string, string>) => withInputs({ service: 'web', ...more });

  it('reads request-timeout as seconds when bare, 30 s by default', () => {
    expect(ecs({})).toMatchObject({ requestTimeoutMs: 30_000 });
    expect(ecs({ 'request-timeout': '5' })).toMatchObject({ requestTimeoutMs: 5_000 });
    expect(ecs({ 'request-timeout': '250ms' })).toMatchObject({ requestTimeoutMs: 250 });
  });

  it('takes a service ARN and a cluster ARN as ECS does', () => {
    expect(
      ecs({
        service: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web',
        cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
      }),
    ).toMatchObject({ target: 'ecs', service: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web' });
  });

  it.each([
    [{ cluster: 'prod/eu' }, /Input 'cluster' must be up to 255 letters/],
    [{ service: 'web,worker' }, /Input 'service' names 2 services/],
    [{ 'known-good-tag': 'aws:known-good' }, /Input 'known-good-tag' must be 1-128 letters/],
    [{ 'aws-region': 'eu-central' }, /Input 'aws-region' must be a Region code/],
    [
      { 'slot-name': 'staging' },
      /Input 'slot-name' is for target azure, and has no effect on this rollback \(target ecs\)/,
    ],
    [{ target: 'ecs', repository: 'org/config' }, /Input 'repository' is for target gitops/],
  ])('refuses %j, naming the input', (more, message) => {
    expect(() => ecs(more)).toThrowError(message);
  });

  it('lets the defaults of other targets pass, as the runner always sends them', () => {
    expect(ecs({ 'slot-name': 'production', branch: 'main', sync: 'false', 'health-path': '/health' })).toMatchObject({
      target: 'ecs',
    });
  });
});

describe('what an Azure rollback accepts', () => {
  const azure = (more: Record<string, string>) =>
    withInputs({ 'app-name': 'web-prod', 'previous-image': 'registry.example.com/web:1.0.0', ...more });

  it.each([
    [{ cluster: 'prod' }, /Input 'cluster' is for target ecs/],
    [{ 'previous-task-definition-arn': 'web:1' }, /Input 'previous-task-definition-arn' is for target ecs/],
    [{ 'resource-group-name': 'rg.' }, /Input 'resource-group-name' must be 1-90 letters/],
    [{ mode: 'mark-good' }, /mode 'mark-good' is for ECS/],
  ])('refuses %j, naming it', (more, message) => {
    expect(() => azure(more)).toThrowError(message);
  });
});
