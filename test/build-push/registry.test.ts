import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/lib/errors.js';
import { detectRegistryType, exchangeUrl, parseEcrHost, planLogin } from '../../src/build-push/registry.js';
import { digestFromPush } from '../../src/lib/docker.js';

const ecr = { createRepository: false };

describe('registry type from the host', () => {
  it.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'ecr'],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', 'ecr'],
    ['contoso.azurecr.io', 'acr'],
    ['ghcr.io', 'ghcr'],
    ['registry.example.com:5000', 'basic'],
    ['127.0.0.1:5000', 'basic'],
  ])('%s is %s', (host, type) => expect(detectRegistryType(host)).toBe(type));

  it('reads the account and region of an ECR host', () => {
    expect(parseEcrHost('123456789012.dkr.ecr.eu-west-1.amazonaws.com')).toEqual({
      account: '123456789012',
      region: 'eu-west-1',
    });
    expect(parseEcrHost('127.0.0.1:5000')).toBeUndefined();
  });
});

describe('ACR token exchange address', () => {
  it('is HTTPS but for loopback registries, which Docker also reaches over HTTP', () => {
    expect(exchangeUrl('contoso.azurecr.io')).toBe('https://contoso.azurecr.io/oauth2/exchange');
    expect(exchangeUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000/oauth2/exchange');
    expect(exchangeUrl('localhost.attacker.example')).toBe('https://localhost.attacker.example/oauth2/exchange');
  });
});

describe('login plan', () => {
  it('GHCR uses the job token and the actor', () => {
    expect(planLogin('ghcr.io', 'ghcr', { githubToken: 'ghs_x', githubActor: 'octocat' }, ecr)).toEqual({
      type: 'ghcr',
      host: 'ghcr.io',
      username: 'octocat',
      password: 'ghs_x',
    });
  });

  it('GHCR without any token fails before anything runs, naming the permission', () => {
    expect(() => planLogin('ghcr.io', 'ghcr', { githubActor: 'octocat' }, ecr)).toThrow(InputError);
    try {
      planLogin('ghcr.io', 'ghcr', {}, ecr);
    } catch (error) {
      expect((error as InputError).hint).toMatch(/packages: write/);
    }
  });

  it('ACR takes a username/password, or exchanges an Entra token, and has nothing to go on otherwise', () => {
    expect(planLogin('c.azurecr.io', 'acr', { username: 'sp', password: 'pw' }, ecr).type).toBe('acr');
    expect(planLogin('c.azurecr.io', 'acr', { azureAccessToken: 'eyJ' }, ecr).type).toBe('acr-token');
    expect(() => planLogin('c.azurecr.io', 'acr', {}, ecr)).toThrow(/needs credentials and none were given/);
  });

  it('ECR through a proxy host takes the account and region from inputs', () => {
    expect(
      planLogin(
        '127.0.0.1:5000',
        'ecr',
        {},
        { registryId: '123456789012', region: 'us-east-1', createRepository: true },
      ),
    ).toEqual({
      type: 'ecr',
      host: '127.0.0.1:5000',
      registryId: '123456789012',
      region: 'us-east-1',
      createRepository: true,
    });
  });

  it('a username without a password is an error; a basic registry without credentials keeps the existing login', () => {
    expect(() => planLogin('registry.example.com', 'basic', { username: 'ci' }, ecr)).toThrow(/Only one of/);
    expect(planLogin('registry.example.com', 'basic', {}, ecr)).toEqual({ type: 'none', host: 'registry.example.com' });
    expect(() => planLogin('docker.io', 'basic', {}, ecr)).toThrow(/Docker Hub/);
  });
});

describe('docker push output', () => {
  it('gives the digest', () => {
    const output = [
      'The push refers to repository [127.0.0.1:5000/web]',
      '5f70bf18a086: Pushed',
      `1.4.2: digest: sha256:${'a1'.repeat(32)} size: 528`,
    ].join('\n');
    expect(digestFromPush(output)).toBe(`sha256:${'a1'.repeat(32)}`);
    expect(digestFromPush('no digest here')).toBeUndefined();
  });
});
