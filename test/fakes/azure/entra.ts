import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * The login half of the local Azure: the Entra token endpoint (openid-configuration and token, client_credentials
 * with client_secret or client_assertion, errors with AADSTS codes as Entra sends them) and the GitHub runner's
 * ID token service that ACTIONS_ID_TOKEN_REQUEST_URL names.
 */

export const TENANT = '11111111-1111-1111-1111-111111111111';
export const CLIENT_ID = '22222222-2222-2222-2222-222222222222';
export const CLIENT_SECRET = 'Qm8Q~fakeClientSecretValue0123456789abcdEF';
export const REQUEST_TOKEN = 'ghs_fakeRuntimeRequestToken0123456789';

export interface EntraState {
  base(): string;
  /** Access tokens given out, by client. */
  tokens: Map<string, string>;
  /** GitHub ID tokens for the Azure audience: the assertions Entra accepts. */
  idTokens: Set<string>;
  oidcTokens: Set<string>;
  tokenRequests: { grant: string; clientId: string; how: 'secret' | 'assertion' }[];
  federated(): boolean;
  onOidcRequest(): void;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => resolve(raw));
  });
}

export function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ms-request-id': randomUUID(),
      ...headers,
    })
    .end(body === undefined ? '' : JSON.stringify(body));
}

function entraError(res: ServerResponse, status: number, error: string, code: number, text: string) {
  const trace = randomUUID();
  send(res, status, {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${trace} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: trace,
    correlation_id: randomUUID(),
  });
}

/** Answers the Entra routes (openid-configuration, token); false for any other path. */
export async function handleEntra(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  state: EntraState,
): Promise<boolean> {
  const base = state.base();
  const metadata = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
  if (metadata) {
    const tenant = metadata[1];
    if (tenant !== TENANT) {
      entraError(res, 400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
      return true;
    }
    send(res, 200, {
      token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/${tenant}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'fake.local',
    });
    return true;
  }
  const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
  if (!token || req.method !== 'POST') return false;
  const form = new URLSearchParams(await readBody(req));
  const clientId = form.get('client_id') ?? '';
  const how = form.has('client_assertion') ? 'assertion' : 'secret';
  state.tokenRequests.push({ grant: form.get('grant_type') ?? '', clientId, how });
  if (token[1] !== TENANT) entraError(res, 400, 'invalid_request', 90002, `Tenant '${token[1]}' not found.`);
  else if (clientId !== CLIENT_ID)
    entraError(
      res,
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory 'Fake'.`,
    );
  else if (how === 'secret' && form.get('client_secret') !== CLIENT_SECRET)
    entraError(
      res,
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  else if (how === 'assertion' && !(state.federated() && state.idTokens.has(form.get('client_assertion') ?? '')))
    entraError(
      res,
      400,
      'invalid_client',
      700213,
      'No matching federated identity record found for presented assertion subject.',
    );
  else {
    const access = `fake-arm-token-${randomUUID()}`;
    state.tokens.set(access, clientId);
    send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: access });
  }
  return true;
}

// The runner's token service: Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>, audience in the query.
export function createGitHubOidc(state: EntraState): Server {
  return createHttpServer((req, res) => {
    state.onOidcRequest();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.headers.authorization !== `Bearer ${REQUEST_TOKEN}`) return send(res, 401, { message: 'Bad credentials' });
    const audience = url.searchParams.get('audience') ?? '';
    const claims = Buffer.from(
      JSON.stringify({
        aud: audience,
        sub: 'repo:octo-org/hello-service:environment:production',
        iss: 'https://token.actions.githubusercontent.com',
      }),
    ).toString('base64url');
    const value = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${claims}.${randomUUID().replace(/-/g, '')}`;
    if (audience === 'api://AzureADTokenExchange') state.idTokens.add(value);
    state.oidcTokens.add(value);
    send(res, 200, { count: 1, value });
  });
}
