// The one HTTP primitive the description fetcher needs: a single GET, no redirect following, the body as a
// stream. Policy (deadline, size, redirects, hosts) lives in description-fetcher.ts, above this.
//
// Node's global fetch is the default. It cannot reach an IPv6 link-local address with a zone (`fe80::1%eth0`):
// the WHATWG URL parser refuses zone ids. Those requests go through node:http, which takes a scoped literal.
import http from 'node:http';

export interface HttpGetRequest {
  /** An absolute http: URL, without a zone id. */
  readonly url: URL;
  /** The IPv6 zone (interface name) for a link-local host, when there is one. */
  readonly zone?: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** Aborting it must end the request and any body stream still being read. */
  readonly signal: AbortSignal;
}

export interface HttpGetResponse {
  readonly status: number;
  header(name: string): string | undefined;
  readonly body: AsyncIterable<Uint8Array>;
}

export type HttpGet = (request: HttpGetRequest) => Promise<HttpGetResponse>;

type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

async function* noBody(): AsyncIterable<Uint8Array> {
  // An empty body (a 204, or a redirect without one).
}

/** GET through `fetch` (default: Node's global fetch, i.e. undici) with `redirect: 'manual'`. */
export function createFetchHttpGet(fetchFunction: FetchFunction = globalThis.fetch): HttpGet {
  return async ({ url, headers, signal }) => {
    const response = await fetchFunction(url.href, { method: 'GET', redirect: 'manual', headers, signal });
    const body = response.body;
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body: body === null ? noBody() : (body as unknown as AsyncIterable<Uint8Array>),
    };
  };
}

/** GET through node:http; the only way to a zoned IPv6 link-local address. */
export const nodeHttpGet: HttpGet = ({ url, zone, headers, signal }) =>
  new Promise((resolve, reject) => {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const request = http.get(
      {
        host: zone === undefined ? hostname : `${hostname}%${zone}`,
        port: url.port === '' ? 80 : Number(url.port),
        path: `${url.pathname}${url.search}`,
        headers: { Host: url.host, ...headers },
        setHost: false,
        signal,
        agent: false,
      },
      (response) => {
        resolve({
          status: response.statusCode ?? 0,
          header: (name) => {
            const value = response.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(', ') : value;
          },
          body: response,
        });
      },
    );
    request.on('error', reject);
  });

/**
 * Loads Node's fetch implementation now. Node loads undici on the first use of fetch or of one of its globals;
 * that cost (about 75 ms of the first fetch here, median of 7 runs: 108 -> 31 ms) is then paid at startup,
 * not by the first description.
 */
export function preloadFetch(): boolean {
  return typeof globalThis.Response === 'function';
}

/** What production uses: fetch, and node:http for zoned link-local hosts. */
export function createSystemHttpGet(fetchFunction: FetchFunction = globalThis.fetch): HttpGet {
  const viaFetch = createFetchHttpGet(fetchFunction);
  return (request) => (request.zone === undefined ? viaFetch(request) : nodeHttpGet(request));
}
