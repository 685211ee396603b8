import type { ServerResponse } from 'node:http';
import { AwsFault, type ServerFault, type WireProtocol } from '../aws/json-server.js';

/**
 * The AWS Query protocol (ELBv2, and the other XML services of its age): `POST /` with a form-encoded body
 * `Action=<Operation>&Version=<api version>&<Param>=...`, lists as `<Name>.member.<N>` (from 1). A success is
 * `<OperationResponse xmlns=...><OperationResult>...</OperationResult><ResponseMetadata>` in XML, lists as
 * `<member>` elements; an error is `<ErrorResponse><Error><Type>Sender|Receiver</Type><Code>...`.
 */

/** The values of a `<name>.member.N` list parameter, in the order of N. */
export function members(params: Record<string, unknown>, name: string): string[] {
  const prefix = `${name}.member.`;
  return Object.keys(params)
    .filter((key) => key.startsWith(prefix))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map((key) => String(params[key]));
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A result as the Query protocol serialises it: fields as elements, lists as `<member>` elements. */
export function toXml(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (value !== null && typeof value === 'object')
    return Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .map(([name, field]) => `<${name}>${toXml(field)}</${name}>`)
      .join('');
  return escape(String(value));
}

export function queryProtocol(options: { namespace: string; version: string; service: string }): WireProtocol {
  const { namespace, version, service } = options;
  const faults: Record<Exclude<ServerFault, 'unknown-operation' | 'internal' | 'access-denied'>, AwsFault> = {
    throttle: new AwsFault('Throttling', 'Rate exceeded'),
    'server-error': new AwsFault('ServiceUnavailable', 'Service is unable to handle request.', 503),
    'expired-token': new AwsFault('ExpiredToken', 'The security token included in the request is expired'),
    'missing-auth': new AwsFault('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  };
  function send(res: ServerResponse, status: number, xml: string, requestId: string) {
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }).end(xml);
  }
  return {
    read(_req, raw) {
      const params = Object.fromEntries(new URLSearchParams(raw));
      // An action asked for under another API version is none of this version's operations: InvalidAction.
      return { operation: params.Version === version ? (params.Action ?? '') : '', body: params };
    },
    answer(res, operation, body) {
      const requestId = crypto.randomUUID();
      send(
        res,
        200,
        `<${operation}Response xmlns="${namespace}"><${operation}Result>${toXml(body ?? {})}</${operation}Result>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
        requestId,
      );
    },
    fail(res, fault) {
      const requestId = crypto.randomUUID();
      send(
        res,
        fault.status,
        `<ErrorResponse xmlns="${namespace}"><Error><Type>${fault.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
          `<Code>${escape(fault.type)}</Code><Message>${escape(fault.message)}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
        requestId,
      );
    },
    fault(kind, request, detail) {
      const operation = String(request.body.Action ?? '');
      if (kind === 'unknown-operation')
        return new AwsFault(
          'InvalidAction',
          `Could not find operation ${operation} for version ${String(request.body.Version ?? '')}`,
        );
      if (kind === 'internal') return new AwsFault('InternalFailure', detail ?? 'Internal error', 500);
      if (kind === 'access-denied')
        return new AwsFault(
          'AccessDenied',
          `User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform: ${service}:${operation} because no identity-based policy allows the ${service}:${operation} action`,
          403,
        );
      return faults[kind];
    },
  };
}
