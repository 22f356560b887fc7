// An HttpGet answered in memory, for createControlPoint's `httpGet` component in tests: descriptions come from a
// memory description server (@ssdp/device/testing) or a fake device's descriptionXml(), with no socket.
import type { HttpGet } from '../http-get.ts';

export interface MemoryHttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What answers a GET of `url`; undefined: nothing listens there (the GET fails like a refused connection). */
export type MemoryHttpHandler = (url: string) => MemoryHttpResponse | undefined;

/** An HttpGet that asks `handler`, e.g. `createMemoryHttpGet((url) => descriptionServer.fetch(url))`. */
export function createMemoryHttpGet(handler: MemoryHttpHandler): HttpGet {
  return ({ url, signal }) => {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const response = handler(url.href);
    if (response === undefined) {
      return Promise.reject(Object.assign(new Error(`connect ECONNREFUSED ${url.host}`), { code: 'ECONNREFUSED' }));
    }
    const headers = new Map(Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    const bytes = new TextEncoder().encode(response.body);
    return Promise.resolve({
      status: response.status,
      header: (name: string) => headers.get(name.toLowerCase()),
      body: (async function* () {
        yield bytes;
      })(),
    });
  };
}
