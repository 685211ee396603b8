import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An AWS JSON 1.1 endpoint on 127.0.0.1: `POST /` with `X-Amz-Target: <prefix>.<Operation>` and a JSON body,
 * answered with `application/x-amz-json-1.1`. Errors carry the real exception name in `__type` and the
 * `x-amzn-ErrorType` header, as the AWS SDK parses them. Service fakes (ECS, ECR) plug in their operations.
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

/** A fault to inject: the next `times` matching calls fail this way, then calls go through again. */
export interface Injected {
  operation?: string;
  kind: 'throttle' | 'server-error' | 'drop' | 'access-denied' | 'expired-token';
  times: number;
}

export interface Call {
  operation: string;
  body: Record<string, unknown>;
  /** What the caller was told: 'ok', or the error type. */
  result: string;
  /** When the request arrived (ms since epoch). */
  at: number;
}

export interface JsonServer {
  url: string;
  calls: Call[];
  inject(fault: Injected): void;
  close(): Promise<void>;
}

const faultAnswers: Record<Exclude<Injected['kind'], 'drop'>, AwsFault> = {
  throttle: new AwsFault('ThrottlingException', 'Rate exceeded'),
  'server-error': new AwsFault('ServerException', 'Service Unavailable. Please try again later.', 500),
  'access-denied': new AwsFault(
    'AccessDeniedException',
    'User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform this action',
  ),
  'expired-token': new AwsFault('ExpiredTokenException', 'The security token included in the request is expired'),
};

export async function startJsonServer(
  targetPrefix: string,
  operations: Record<string, Operation>,
  beforeEach?: () => void,
): Promise<JsonServer> {
  const calls: Call[] = [];
  const faults: Injected[] = [];

  function send(res: ServerResponse, status: number, body: unknown, errorType?: string) {
    const headers: Record<string, string> = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': crypto.randomUUID(),
    };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    res.writeHead(status, headers).end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(`${targetPrefix}.`) ? target.slice(targetPrefix.length + 1) : '';
    const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    const call: Call = { operation, body, result: 'ok', at: Date.now() };
    calls.push(call);
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 Credential=')) {
      call.result = 'MissingAuthenticationTokenException';
      return send(res, 400, { __type: call.result, message: 'Missing Authentication Token' }, call.result);
    }
    const fault = faults.find((f) => f.times > 0 && (!f.operation || f.operation === operation));
    if (fault) {
      fault.times--;
      call.result = fault.kind;
      if (fault.kind === 'drop') return req.socket.destroy();
      const answer = faultAnswers[fault.kind];
      return send(res, answer.status, { __type: answer.type, message: answer.message }, answer.type);
    }
    const handler = operations[operation];
    if (!handler) {
      call.result = 'UnknownOperationException';
      return send(res, 400, { __type: call.result, message: `Unknown operation ${target}` }, call.result);
    }
    try {
      beforeEach?.();
      send(res, 200, handler(body) ?? {});
    } catch (error) {
      if (!(error instanceof AwsFault)) throw error;
      call.result = error.type;
      send(res, error.status, { __type: error.type, message: error.message }, error.type);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, 500, { __type: 'ServerException', message: String(error) }, 'ServerException');
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

/** The environment a step needs to reach a local AWS fake with the documented example credentials. */
export function awsEnvironment(service: 'ECS' | 'ECR', url: string): Record<string, string> {
  return {
    [`AWS_ENDPOINT_URL_${service}`]: url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
