// A DescriptionServer without sockets: requests are answered by calling the handler directly.
import type { DescriptionHandler, DescriptionServer, HttpResponseInfo, ListenEndpoint } from '../description-server.ts';

export interface MemoryDescriptionServer extends DescriptionServer {
  /** What a GET/HEAD/... to http://address:port/path would return; undefined when nothing listens there. */
  request(address: string, port: number, method: string, target: string): HttpResponseInfo | undefined;
  fetch(url: string, method?: string): HttpResponseInfo | undefined;
  readonly listening: ReadonlyMap<string, number>;
  closed: boolean;
}

export function createMemoryDescriptionServer(firstPort = 8080): MemoryDescriptionServer {
  const handlers = new Map<string, { port: number; handler: DescriptionHandler }>();
  let nextPort = firstPort;
  const server: MemoryDescriptionServer = {
    closed: false,
    get listening() {
      return new Map([...handlers].map(([address, entry]) => [address, entry.port]));
    },
    listen(endpoint: ListenEndpoint, handler: DescriptionHandler) {
      const existing = handlers.get(endpoint.address);
      if (existing !== undefined) return Promise.resolve(existing.port);
      const port = nextPort++;
      handlers.set(endpoint.address, { port, handler });
      return Promise.resolve(port);
    },
    unlisten(address: string) {
      handlers.delete(address);
      return Promise.resolve();
    },
    close() {
      handlers.clear();
      server.closed = true;
      return Promise.resolve();
    },
    request(address, port, method, target) {
      const entry = handlers.get(address);
      if (entry === undefined || entry.port !== port) return undefined;
      return entry.handler({ method, target });
    },
    fetch(url, method = 'GET') {
      const parsed = new URL(url);
      return server.request(
        parsed.hostname.replace(/^\[|\]$/g, ''),
        Number(parsed.port),
        method,
        parsed.pathname + parsed.search,
      );
    },
  };
  return server;
}
