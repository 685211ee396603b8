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

/** An access token Entra gave out: to whom, for which resource (aud), until when. */
export interface AccessToken {
  clientId: string;
  audience: string;
  expiresAt: number;
}

export interface EntraState {
  /** Client IDs of the managed identities the runner's VM has (system-assigned first); empty: none. */
  managedIdentities(): string[];
  base(): string;
  /** Access tokens given out. */
  tokens: Map<string, AccessToken>;
  /** Seconds an access token lives (expires_in); Entra gives 60-90 minutes, tests give less. */
  tokenLifetimeS(): number;
  /** How long a GitHub ID token is valid: GitHub gives 5 minutes (exp = iat + 300). */
  idTokenLifetimeMs(): number;
  /** The federated credential: the issuer and audience it accepts (the subject is `federated`). */
  federatedIssuer(): string;
  federatedAudience(): string;
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
  // The authority as the client reached it: 127.0.0.1, or login.microsoftonline.com through the proxy.
  const base = url.origin;
  if (url.pathname === '/common/discovery/instance') {
    // Entra's instance discovery (MSAL asks it for an authority it does not know).
    send(res, 200, {
      tenant_discovery_endpoint: `${base}/${TENANT}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: url.host, preferred_cache: url.host, aliases: [url.host] }],
    });
    return true;
  }
  // AD FS (Azure Stack Hub's identity, what az calls a cloud whose active directory endpoint ends in /adfs): the
  // authority has no tenant and no v2.0 segment (MSAL: tenant "adfs").
  const metadata =
    /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname) ??
    /^\/(adfs)\/\.well-known\/openid-configuration$/.exec(url.pathname);
  if (metadata) {
    const tenant = metadata[1] === 'adfs' ? TENANT : metadata[1];
    if (tenant !== TENANT) {
      entraError(res, 400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
      return true;
    }
    send(res, 200, {
      token_endpoint: metadata[1] === 'adfs' ? `${base}/adfs/oauth2/token` : `${base}/${tenant}/oauth2/v2.0/token`,
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
  const token =
    /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname) ?? /^\/(adfs)\/oauth2\/token$/.exec(url.pathname);
  if (!token || req.method !== 'POST') return false;
  const form = new URLSearchParams(await readBody(req));
  const clientId = form.get('client_id') ?? '';
  const how = form.has('client_assertion') ? 'assertion' : 'secret';
  state.tokenRequests.push({ grant: form.get('grant_type') ?? '', clientId, how });
  if (token[1] !== TENANT && token[1] !== 'adfs')
    entraError(res, 400, 'invalid_request', 90002, `Tenant '${token[1]}' not found.`);
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
  else if (how === 'assertion' && assertionRefused(res, form.get('client_assertion') ?? '', state)) return true;
  else {
    const access = `fake-arm-token-${randomUUID()}`;
    const scope = form.get('scope') ?? '';
    const lifetime = state.tokenLifetimeS();
    // v2 endpoint: scope is `<resource>/.default`; the token's aud is the resource (Entra docs, "Scopes and
    // permissions: the /.default scope").
    const audience = scope.split(' ')[0]?.replace(/\/?\.default$/, '') ?? '';
    state.tokens.set(access, { clientId, audience, expiresAt: Date.now() + lifetime * 1000 });
    send(res, 200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: access });
  }
  return true;
}

const claimsOf = (jwt: string) => {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/**
 * Workload identity federation as Entra checks a client assertion (Entra docs, "Workload identity federation" and
 * its troubleshooting list of AADSTS codes): a known token (its signature), its time range (AADSTS700024), then
 * the credential's issuer (700211), audience (700212) and subject (700213). True when refused (answer sent).
 */
function assertionRefused(res: ServerResponse, assertion: string, state: EntraState): boolean {
  const claims = claimsOf(assertion);
  const [nbf, exp] = [Number(claims.nbf ?? 0) * 1000, Number(claims.exp ?? 0) * 1000];
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, '.0000000Z');
  if (!state.idTokens.has(assertion)) {
    entraError(res, 400, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
  } else if (Date.now() > exp || Date.now() < nbf) {
    entraError(
      res,
      400,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${iso(Date.now())}, assertion valid from ${iso(nbf)}, expiry time of assertion ${iso(exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    );
  } else if (claims.iss !== state.federatedIssuer()) {
    entraError(
      res,
      400,
      'invalid_client',
      700211,
      `No matching federated identity record found for presented assertion issuer '${String(claims.iss)}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
  } else if (claims.aud !== state.federatedAudience()) {
    entraError(
      res,
      400,
      'invalid_client',
      700212,
      `No matching federated identity record found for presented assertion audience '${String(claims.aud)}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
  } else if (!state.federated()) {
    entraError(
      res,
      400,
      'invalid_client',
      700213,
      `No matching federated identity record found for presented assertion subject '${String(claims.sub)}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
  } else return false;
  return true;
}

// The runner's token service: Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>, audience in the query.
export function createGitHubOidc(
  state: EntraState,
  cut: (req: IncomingMessage, res: ServerResponse) => boolean = () => false,
): Server {
  return createHttpServer((req, res) => {
    if (cut(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // MSAL asks for .../token/ (a trailing slash): IMDS answers both.
    if (/^\/metadata\/identity\/oauth2\/token\/?$/.test(url.pathname)) return imds(req, res, url, state);
    state.onOidcRequest();
    if (req.headers.authorization !== `Bearer ${REQUEST_TOKEN}`) return send(res, 401, { message: 'Bad credentials' });
    // GitHub docs, "About security hardening with OpenID Connect": aud defaults to the repository owner's URL,
    // the audience query parameter sets it; the token is valid for a few minutes (nbf/iat/exp).
    const audience = url.searchParams.get('audience') ?? 'https://github.com/octo-org';
    const now = Math.floor(Date.now() / 1000);
    const claims = Buffer.from(
      JSON.stringify({
        aud: audience,
        sub: 'repo:octo-org/hello-service:environment:production',
        iss: 'https://token.actions.githubusercontent.com',
        nbf: now - 5,
        iat: now - 5,
        exp: Math.floor((Date.now() + state.idTokenLifetimeMs()) / 1000),
        jti: randomUUID(),
      }),
    ).toString('base64url');
    const value = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${claims}.${randomUUID().replace(/-/g, '')}`;
    state.idTokens.add(value);
    state.oidcTokens.add(value);
    send(res, 200, { count: 1, value });
  });
}

/**
 * The Instance Metadata Service token endpoint of an Azure VM (a self-hosted runner in Azure), as the Managed
 * Identity docs ("How to use managed identities on an Azure VM to acquire an access token") describe it: GET with
 * `Metadata: true`, api-version and resource; client_id picks a user-assigned identity.
 */
function imds(req: IncomingMessage, res: ServerResponse, url: URL, state: EntraState) {
  if (req.headers.metadata !== 'true')
    return send(res, 400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
  if (!url.searchParams.get('api-version'))
    return send(res, 400, {
      error: 'invalid_request',
      error_description: "Required query variable 'api-version' is missing",
    });
  const identities = state.managedIdentities();
  const clientId = url.searchParams.get('client_id') ?? identities[0];
  if (!clientId || !identities.includes(clientId))
    return send(res, 400, { error: 'invalid_request', error_description: 'Identity not found' });
  const resource = url.searchParams.get('resource') ?? '';
  const lifetime = state.tokenLifetimeS();
  const access = `fake-mi-token-${randomUUID()}`;
  state.tokens.set(access, { clientId, audience: resource, expiresAt: Date.now() + lifetime * 1000 });
  const now = Math.floor(Date.now() / 1000);
  send(res, 200, {
    access_token: access,
    client_id: clientId,
    expires_in: String(lifetime),
    expires_on: String(now + lifetime),
    ext_expires_in: String(lifetime),
    not_before: String(now),
    resource,
    token_type: 'Bearer',
  });
}
