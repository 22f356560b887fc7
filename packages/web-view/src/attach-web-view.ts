// attachWebView: serves the live page for a control point on its own small HTTP server, guarded like every
// server of ours (@ssdp/http-guard: per-source and global connection caps, header and idle deadlines).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardHttpServer, type HttpGuardStats } from '@ssdp/http-guard';
import { DeviceDetailsService } from './device-details.ts';
import { createHostCheck } from './http-policy.ts';
import { LiveFeed } from './live-feed.ts';
import { createRequestHandler } from './routes.ts';
import type { WebViewSource } from './source.ts';
import { SseHub } from './sse-hub.ts';
import { loadStaticAssets } from './static-assets.ts';
import { resolveWebViewOptions, type WebViewOptions } from './web-view-options.ts';

export interface WebViewStats {
  /** Pages connected now. */
  readonly viewers: number;
  /** Pages cut because they stopped reading their stream. */
  readonly slowViewersCut: number;
  readonly http: HttpGuardStats;
}

export interface WebView {
  /** Where to open the page, e.g. `http://127.0.0.1:8080/` (a loopback address when listening on all). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly stats: WebViewStats;
  /** Closes the streams, the connections and the server. The control point keeps running. Idempotent. */
  close(): Promise<void>;
}

/** The server could not listen (address in use, not an address of this machine ...); `cause` has the system error. */
export class WebViewError extends Error {
  override readonly name = 'WebViewError';
  readonly code = 'SSDP_ERR_WEB_VIEW_LISTEN';
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Serves the web view of `source` (a ControlPoint) at http://host:port/. Resolves once it listens. Throws
 * InvalidOptionError for a wrong option; rejects with WebViewError when it cannot listen.
 */
export async function attachWebView(source: WebViewSource, options: WebViewOptions = {}): Promise<WebView> {
  const resolved = resolveWebViewOptions(options);
  const assets = loadStaticAssets();
  const server = http.createServer();
  const guard = guardHttpServer(server, resolved.http);
  const hub = new SseHub(resolved.maxViewers);
  const feed = new LiveFeed(source, hub, {
    flushIntervalMs: resolved.flushIntervalMs,
    refreshIntervalMs: resolved.refreshIntervalMs,
    httpDrops: () => guard.stats.drops,
  });
  const details = new DeviceDetailsService(source, feed.raw, () => feed.rawMessagesSeen);
  server.on(
    'request',
    createRequestHandler({
      source,
      assets,
      hub,
      feed,
      details,
      hostAllowed: createHostCheck(resolved.host, resolved.allowedHosts),
    }),
  );

  function teardown(): void {
    feed.close();
    hub.closeAll();
    guard.close();
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: resolved.host, port: resolved.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    teardown();
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new WebViewError(`web view: cannot listen on ${urlHost(resolved.host)}:${resolved.port} (${code})`, {
      cause: error,
    });
  }
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(resolved.host)}:${port}/`,
    host: resolved.host,
    port,
    get stats() {
      return { viewers: hub.size, slowViewersCut: hub.slowCut, http: guard.stats };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        teardown();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
