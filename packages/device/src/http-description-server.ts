// node:http behind DescriptionServer: one server per interface address (never 0.0.0.0), small header limits,
// and @ssdp/http-guard's per-source and global connection caps and deadlines, so one slow or hostile host cannot
// take the description away from the others.
import http from 'node:http';
import type { Socket } from 'node:net';
import { guardHttpServer, type HttpGuard, type HttpGuardOptions } from '@ssdp/http-guard';
import {
  DescriptionServerError,
  type HttpCutReason,
  type DescriptionHandler,
  type DescriptionServer,
  type ListenEndpoint,
} from './description-server.ts';

export interface HttpDescriptionServerInit {
  /** Port for every address; 0 picks one (the first address's port is then tried for the others). */
  readonly port: number;
  /** Server header value. */
  readonly serverHeader?: string;
  /** Connection caps and deadlines (defaults: @ssdp/http-guard's, 8 per source, 256 in all, 5 s headers). */
  readonly limits?: Omit<HttpGuardOptions, 'onDrop'>;
}

interface Listening {
  readonly server: http.Server;
  readonly port: number;
  readonly sockets: Set<Socket>;
  readonly guard: HttpGuard;
}

export function createHttpDescriptionServer(init: HttpDescriptionServerInit): DescriptionServer {
  const servers = new Map<string, Listening>();
  let preferredPort = init.port;
  let dropListener: ((reason: HttpCutReason, address: string) => void) | undefined;

  function bind(endpoint: ListenEndpoint, handler: DescriptionHandler, port: number): Promise<Listening> {
    const sockets = new Set<Socket>();
    // Node's own deadlines stay as a backstop behind the guard's (it checks them only every 30 s).
    const server = http.createServer(
      { maxHeaderSize: 8192, requestTimeout: 30_000, headersTimeout: 20_000, keepAliveTimeout: 10_000 },
      (request, response) => {
        try {
          const answer = handler({ method: request.method ?? 'GET', target: request.url ?? '/' });
          const body = Buffer.from(answer.body, 'utf8');
          response.statusCode = answer.status;
          for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
          if (init.serverHeader !== undefined) response.setHeader('server', init.serverHeader);
          response.setHeader('content-length', body.length);
          response.end(request.method === 'HEAD' ? undefined : body);
        } catch {
          response.statusCode = 500;
          response.end();
        }
        // Request bodies are never read: drain them so the connection can be reused or closed cleanly.
        request.resume();
      },
    );
    const guard = guardHttpServer(server, {
      ...init.limits,
      onDrop: (reason, address) => {
        if (reason !== 'http-idle') dropListener?.(reason, address); // an idle keep-alive close is housekeeping
      },
    });
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('clientError', (_error, socket: Socket) => socket.destroy());
    const host =
      endpoint.family === 'IPv6' && /^fe[89ab]/i.test(endpoint.address)
        ? `${endpoint.address}%${endpoint.name}`
        : endpoint.address;
    return new Promise<Listening>((resolve, reject) => {
      const failed = (error: Error) => {
        guard.close();
        reject(error);
      };
      server.once('error', failed);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', failed);
        const address = server.address();
        resolve({
          server,
          port: typeof address === 'object' && address !== null ? address.port : port,
          sockets,
          guard,
        });
      });
    });
  }

  async function closeOne(entry: Listening): Promise<void> {
    await new Promise<void>((resolve) => {
      entry.guard.close();
      entry.server.close(() => resolve());
      for (const socket of entry.sockets) socket.destroy();
    });
  }

  return {
    async listen(endpoint, handler) {
      const existing = servers.get(endpoint.address);
      if (existing !== undefined) return existing.port;
      let entry: Listening;
      try {
        entry = await bind(endpoint, handler, preferredPort);
      } catch (error) {
        const code = (error as { code?: unknown })?.code;
        // With an automatic port, another address may find the first one taken: take any free port there.
        if (init.port === 0 && preferredPort !== 0 && code === 'EADDRINUSE') {
          entry = await bind(endpoint, handler, 0).catch((second: unknown) => {
            throw toError(second, endpoint, 0);
          });
        } else throw toError(error, endpoint, preferredPort);
      }
      if (init.port === 0 && preferredPort === 0) preferredPort = entry.port;
      servers.set(endpoint.address, entry);
      return entry.port;
    },
    async unlisten(address) {
      const entry = servers.get(address);
      if (entry === undefined) return;
      servers.delete(address);
      await closeOne(entry);
    },
    onDrop(listener) {
      dropListener = listener;
    },
    async close() {
      const entries = [...servers.values()];
      servers.clear();
      await Promise.all(entries.map(closeOne));
    },
  };
}

function toError(error: unknown, endpoint: ListenEndpoint, port: number): DescriptionServerError {
  const code = (error as { code?: unknown })?.code;
  const what = `description server: cannot listen on ${endpoint.family === 'IPv6' ? `[${endpoint.address}]` : endpoint.address}:${port}`;
  if (code === 'EADDRINUSE')
    return new DescriptionServerError(`${what}: port already in use (choose another --http-port)`);
  if (code === 'EACCES' || code === 'EPERM')
    return new DescriptionServerError(`${what}: permission denied (${String(code)})`);
  return new DescriptionServerError(
    `${what}: ${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)}`,
  );
}
