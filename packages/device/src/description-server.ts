// The description server as the device sees it: something that serves a request handler on an interface address.
// node:http in production (http-description-server.ts); tests may use the real one on loopback or a stub.
import type { AddressFamily } from '@ssdp/transport';

export interface HttpRequestInfo {
  readonly method: string;
  /** The request target as received (path and query). */
  readonly target: string;
}

export interface HttpResponseInfo {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body for GET (HEAD sends the same headers without it). */
  readonly body: string;
}

export type DescriptionHandler = (request: HttpRequestInfo) => HttpResponseInfo;

/** Where to listen: an interface's address (IPv6 link-local needs its interface name as the scope). */
export interface ListenEndpoint {
  readonly address: string;
  readonly family: AddressFamily;
  /** Interface name, used as the `%scope` of an IPv6 link-local address. */
  readonly name: string;
  readonly scopeId?: number;
}

export interface DescriptionServer {
  /**
   * Serves `handler` on `endpoint` and resolves with the bound port. Rejects with DescriptionServerError (for
   * example when the requested port is in use). Listening twice on one address is a no-op returning its port.
   */
  listen(endpoint: ListenEndpoint, handler: DescriptionHandler): Promise<number>;
  /** Stops serving one address (its interface went away). */
  unlisten(address: string): Promise<void>;
  /** Stops everything; open connections are closed. */
  close(): Promise<void>;
  /** Connections the server cut (caps, deadlines), for the device's drop counters. */
  onDrop?(listener: (reason: HttpCutReason, address: string) => void): void;
}

/** Why the description server closed a connection itself (see @ssdp/http-guard). */
export type HttpCutReason = 'http-source-cap' | 'http-global-cap' | 'http-header-deadline' | 'http-request-deadline';

/** The description server cannot listen (port in use, address gone ...). */
export class DescriptionServerError extends Error {
  override readonly name = 'DescriptionServerError';
  readonly code = 'SSDP_ERR_DESCRIPTION_SERVER';
}

export const XML_CONTENT_TYPE = 'text/xml; charset="utf-8"';

/** GET/HEAD of known paths only: 200 with the document, 404 for unknown paths, 405 for other methods. */
export function createDescriptionHandler(lookup: (path: string) => string | undefined): DescriptionHandler {
  return (request): HttpResponseInfo => {
    const path = request.target.split('?')[0] ?? '';
    const document = lookup(path);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return {
        status: 405,
        headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' },
        body: 'method not allowed\n',
      };
    }
    if (document === undefined) {
      return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found\n' };
    }
    return { status: 200, headers: { 'content-type': XML_CONTENT_TYPE, 'cache-control': 'no-cache' }, body: document };
  };
}
