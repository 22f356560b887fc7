// The one HTTP primitive the description fetcher needs: a single GET, no redirect following, the body as a
// stream. Policy (deadline, size, redirects, hosts) lives in description-fetcher.ts, above this.
//
// The default is node:http with a keep-alive agent: describing a burst of thousands of devices is mostly HTTP
// client work, and a GET through it costs ~190 µs of CPU against ~530 µs through Node's fetch (5,000 GETs of a
// 1 KiB body, 8 at a time, on loopback). node:http also takes a zoned IPv6 link-local literal (`fe80::1%eth0`),
// which the WHATWG URL parser behind fetch refuses. createFetchHttpGet stays for callers who want fetch.
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

function nodeGet(
  { url, zone, headers, signal }: HttpGetRequest,
  agent: http.Agent | false,
  retryOnStaleSocket: boolean,
): Promise<HttpGetResponse> {
  return new Promise((resolve, reject) => {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const request = http.get(
      {
        host: zone === undefined ? hostname : `${hostname}%${zone}`,
        port: url.port === '' ? 80 : Number(url.port),
        path: `${url.pathname}${url.search}`,
        headers: { Host: url.host, ...headers },
        setHost: false,
        signal,
        agent,
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
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed meanwhile fails before any answer: once more, on a new one.
      if (
        retryOnStaleSocket &&
        request.reusedSocket &&
        !signal.aborted &&
        (error.code === 'ECONNRESET' || error.code === 'EPIPE')
      ) {
        nodeGet({ url, zone, headers, signal }, agent, false).then(resolve, reject);
        return;
      }
      reject(error);
    });
  });
}

/** GET through node:http on a new connection each time (agent: false). */
export const nodeHttpGet: HttpGet = (request) => nodeGet(request, false, false);

/**
 * GET through node:http with its own keep-alive agent: connections to a host are reused for its next
 * descriptions; an idle one is closed after `idleMs` (default 1000: below the usual server keep-alive of 2-5 s,
 * and a request that meets a connection the server closed anyway is retried once on a new one). Idle connections
 * never keep the process alive.
 */
export function createNodeHttpGet(options: { readonly idleMs?: number } = {}): HttpGet {
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 4, timeout: options.idleMs ?? 1000 });
  return (request) => nodeGet(request, agent, true);
}

/** What production uses: node:http with a keep-alive agent (createNodeHttpGet), zoned link-local hosts included. */
export function createSystemHttpGet(): HttpGet {
  return createNodeHttpGet();
}
