import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local AWS endpoint on 127.0.0.1. The server records every call, checks for a SigV4 signature and injects
 * faults; a wire protocol reads the request and writes the answers. Here: AWS JSON 1.1, `POST /` with
 * `X-Amz-Target: <prefix>.<Operation>` and a JSON body, answered with `application/x-amz-json-1.1`; errors
 * carry the real exception name in `__type` and the `x-amzn-ErrorType` header, as the AWS SDK parses them.
 * Service fakes (ECS, ECR) plug in their operations; ../elbv2/query.ts is the awsQuery protocol.
 */

export class AwsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type Operation = (body: Record<string, unknown>) => unknown;

/**
 * A fault to inject: the next `times` matching calls fail this way, then calls go through again (`Infinity`: a
 * persistent failure). `error` answers a service's own exception (`error` gives its name and message), e.g. a
 * ServiceNotFoundException for a service purged between two calls.
 *
 * The network's faults, as a client sees them from any AWS endpoint: `drop` resets the connection before the
 * request is handled (nothing applied); `hang` never answers (the caller's timeout or abort ends it);
 * `apply-then-drop` and `apply-then-hang` handle the request (the change is made) and then lose the answer, the
 * ambiguous case the AWS SDK developer guide warns of for non-idempotent calls: a retry or a read-back must find
 * out what happened (AWS SDK for JavaScript v3 Developer Guide, "Retry behavior"; ECS API Reference,
 * UpdateService: the last update wins, an update to the revision already deployed starts no deployment).
 */
export interface Injected {
  operation?: string;
  kind:
    | 'throttle'
    | 'server-error'
    | 'drop'
    | 'access-denied'
    | 'expired-token'
    | 'error'
    | 'hang'
    | 'apply-then-drop'
    | 'apply-then-hang';
  times: number;
  error?: { type: string; message: string };
  /** Only calls whose body this accepts, e.g. the UpdateService of one service among several. */
  match?: (body: Record<string, unknown>) => boolean;
  /** Armed only once a call of this operation was answered: e.g. DescribeServices failing after the update. */
  after?: string;
  /**
   * Runs when the fault answers, before the caller reads it: what made it real, e.g. another caller's
   * DeleteService that leaves the service DRAINING behind a ServiceNotActiveException.
   */
  onAnswer?: () => void;
}

export interface Call {
  operation: string;
  body: Record<string, unknown>;
  /** What the caller was told: 'ok', or the error type. */
  result: string;
  /** When the request arrived (ms since epoch). */
  at: number;
}

export interface AwsServer {
  url: string;
  calls: Call[];
  inject(fault: Injected): void;
  close(): Promise<void>;
}

export type JsonServer = AwsServer;

/** The faults a server answers by itself, besides those the operations throw. */
export type ServerFault =
  | Exclude<Injected['kind'], 'drop' | 'error' | 'hang' | 'apply-then-drop' | 'apply-then-hang'>
  | 'missing-auth'
  | 'unknown-operation'
  | 'internal';

/** How one AWS protocol names the operation of a request and writes answers and errors. */
export interface WireProtocol {
  read(req: IncomingMessage, raw: string): { operation: string; body: Record<string, unknown> };
  answer(res: ServerResponse, operation: string, body: unknown): void;
  fail(res: ServerResponse, fault: AwsFault): void;
  /** The protocol's own error code and message for a fault the server answers itself (`detail`: the error). */
  fault(kind: ServerFault, request: Pick<Call, 'operation' | 'body'>, detail?: string): AwsFault;
}

export function jsonProtocol(targetPrefix: string): WireProtocol {
  const faults: Record<Exclude<ServerFault, 'unknown-operation' | 'internal'>, AwsFault> = {
    throttle: new AwsFault('ThrottlingException', 'Rate exceeded'),
    'server-error': new AwsFault('ServerException', 'Service Unavailable. Please try again later.', 500),
    'access-denied': new AwsFault(
      'AccessDeniedException',
      'User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform this action',
    ),
    'expired-token': new AwsFault('ExpiredTokenException', 'The security token included in the request is expired'),
    'missing-auth': new AwsFault('MissingAuthenticationTokenException', 'Missing Authentication Token'),
  };
  function send(res: ServerResponse, status: number, body: unknown, errorType?: string) {
    const headers: Record<string, string> = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': crypto.randomUUID(),
    };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    res.writeHead(status, headers).end(JSON.stringify(body));
  }
  return {
    read(req, raw) {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(`${targetPrefix}.`) ? target.slice(targetPrefix.length + 1) : '';
      return { operation, body: raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>) };
    },
    answer: (res, _operation, body) => send(res, 200, body ?? {}),
    fail: (res, fault) => send(res, fault.status, { __type: fault.type, message: fault.message }, fault.type),
    fault(kind, request, detail) {
      if (kind === 'unknown-operation')
        return new AwsFault('UnknownOperationException', `Unknown operation ${targetPrefix}.${request.operation}`);
      if (kind === 'internal') return new AwsFault('ServerException', detail ?? 'Internal error', 500);
      return faults[kind];
    },
  };
}

export async function startAwsServer(
  protocol: WireProtocol,
  operations: Record<string, Operation>,
  beforeEach?: () => void,
): Promise<AwsServer> {
  const calls: Call[] = [];
  const faults: Injected[] = [];

  function refuse(res: ServerResponse, call: Call, fault: AwsFault, result = fault.type) {
    call.result = result;
    protocol.fail(res, fault);
  }

  /** The first injected fault that applies to this call, counted down. */
  function faultFor(call: Call): Injected | undefined {
    const fault = faults.find(
      (f) =>
        f.times > 0 &&
        (!f.operation || f.operation === call.operation) &&
        (!f.match || f.match(call.body)) &&
        (!f.after || calls.some((c) => c !== call && c.operation === f.after && c.result === 'ok')),
    );
    if (fault) fault.times--;
    return fault;
  }

  /** Handles the call with its operation; false when the operation refused it (the refusal is written). */
  function apply(res: ServerResponse, call: Call, write: boolean): boolean {
    const handler = operations[call.operation];
    if (!handler) {
      refuse(res, call, protocol.fault('unknown-operation', call));
      return false;
    }
    try {
      beforeEach?.();
      const answer = handler(call.body);
      if (write) protocol.answer(res, call.operation, answer);
      return true;
    } catch (error) {
      if (!(error instanceof AwsFault)) throw error;
      refuse(res, call, error);
      return false;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const { operation, body } = protocol.read(req, raw);
    const call: Call = { operation, body, result: 'ok', at: Date.now() };
    calls.push(call);
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 Credential='))
      return refuse(res, call, protocol.fault('missing-auth', call));
    const fault = faultFor(call);
    if (!fault) return void apply(res, call, true);
    fault.onAnswer?.();
    switch (fault.kind) {
      case 'drop':
        call.result = fault.kind;
        return req.socket.destroy();
      case 'hang':
        // Never answered: the socket stays open until the caller gives up or the server closes.
        call.result = fault.kind;
        return;
      case 'apply-then-drop':
      case 'apply-then-hang':
        if (!apply(res, call, false)) return;
        call.result = fault.kind;
        if (fault.kind === 'apply-then-drop') req.socket.destroy();
        return;
      case 'error': {
        const { type, message } = fault.error ?? { type: 'ServerException', message: 'Injected error' };
        return refuse(res, call, new AwsFault(type, message));
      }
      default:
        return refuse(res, call, protocol.fault(fault.kind, call), fault.kind);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      protocol.fail(res, protocol.fault('internal', { operation: '', body: {} }, String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    inject: (fault) => faults.push({ ...fault }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An AWS JSON 1.1 endpoint: `X-Amz-Target: <targetPrefix>.<Operation>`. */
export function startJsonServer(
  targetPrefix: string,
  operations: Record<string, Operation>,
  beforeEach?: () => void,
): Promise<JsonServer> {
  return startAwsServer(jsonProtocol(targetPrefix), operations, beforeEach);
}

/**
 * The environment a step needs to reach local AWS fakes with the documented example credentials: one
 * AWS_ENDPOINT_URL_<SERVICE> per fake given, e.g. `awsEnvironment({ ECS: ecs.url })`.
 */
export function awsEnvironment(
  endpoints: Partial<Record<'ECS' | 'ECR' | 'ELASTIC_LOAD_BALANCING_V2' | 'CODEDEPLOY', string>>,
): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(endpoints).map(([service, url]) => [`AWS_ENDPOINT_URL_${service}`, url])),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
