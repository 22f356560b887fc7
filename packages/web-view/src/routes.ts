// Every request of the web view: Host check first (DNS rebinding), then exact routes. GETs read; the one POST
// (search) must come from our own page. Each response but the live stream has its own deadline.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BusyError, type DeviceDetailsService } from './device-details.ts';
import { IMAGE_CONTENT_SECURITY_POLICY, checkSameOrigin, setSecurityHeaders } from './http-policy.ts';
import type { LiveFeed } from './live-feed.ts';
import type { WebViewSource } from './source.ts';
import type { SseHub } from './sse-hub.ts';
import type { StaticAsset } from './static-assets.ts';

/** A non-stream response must be done within this (a details lookup waits for one device fetch, 3 s by default). */
export const RESPONSE_DEADLINE_MS = 10_000;
const MAX_BODY_BYTES = 1024;
/** Searches: a burst of 5, then one per second. */
const SEARCH_BURST = 5;
const SEARCH_REFILL_MS = 1000;

export interface RouteContext {
  readonly source: WebViewSource;
  readonly assets: ReadonlyMap<string, StaticAsset>;
  readonly hub: SseHub;
  readonly feed: LiveFeed;
  readonly details: DeviceDetailsService;
  readonly hostAllowed: (header: string | undefined) => boolean;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > MAX_BODY_BYTES) {
        req.pause(); // read no more; the 413 goes out with Connection: close
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

/** Searches allowed now: a burst of SEARCH_BURST, refilled one per SEARCH_REFILL_MS. */
function createSearchLimiter(): () => boolean {
  let searchTokens = SEARCH_BURST;
  let searchRefilledAt = Date.now();
  return () => {
    const now = Date.now();
    searchTokens = Math.min(SEARCH_BURST, searchTokens + (now - searchRefilledAt) / SEARCH_REFILL_MS);
    searchRefilledAt = now;
    if (searchTokens < 1) return false;
    searchTokens -= 1;
    return true;
  };
}

function serveStatic(req: IncomingMessage, res: ServerResponse, asset: StaticAsset): void {
  res.setHeader('ETag', asset.etag);
  res.setHeader('Cache-Control', 'no-cache');
  if (req.headers['if-none-match'] === asset.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', asset.contentType);
  res.setHeader('Content-Length', asset.body.byteLength);
  res.end(req.method === 'HEAD' ? undefined : asset.body);
}

async function serveDetails(context: RouteContext, res: ServerResponse, udn: string): Promise<void> {
  try {
    const details = await context.details.details(udn);
    if (details === undefined) sendJson(res, 404, { error: 'unknown-device' });
    else sendJson(res, 200, details);
  } catch (error) {
    if (error instanceof BusyError) sendJson(res, 503, { error: 'busy' });
    else sendJson(res, 500, { error: 'internal' });
  }
}

async function serveIcon(context: RouteContext, res: ServerResponse, udn: string): Promise<void> {
  try {
    const icon = await context.details.icon(udn);
    if (icon === undefined) {
      send(res, 404, 'no icon');
      return;
    }
    setSecurityHeaders(res, IMAGE_CONTENT_SECURITY_POLICY);
    res.statusCode = 200;
    res.setHeader('Content-Type', icon.type);
    res.setHeader('Cache-Control', 'private, max-age=60');
    res.setHeader('Content-Length', icon.body.byteLength);
    res.end(Buffer.from(icon.body.buffer, icon.body.byteOffset, icon.body.byteLength));
  } catch (error) {
    send(res, error instanceof BusyError ? 503 : 500, 'icon unavailable');
  }
}

async function serveSearch(
  context: RouteContext,
  takeSearchToken: () => boolean,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const origin = checkSameOrigin(req);
  if (!origin.ok) return sendJson(res, 403, { error: 'cross-origin', detail: origin.reason });
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    return sendJson(res, 415, { error: 'expected application/json' });
  }
  const body = await readBody(req);
  if (body === undefined) {
    res.setHeader('Connection', 'close');
    return sendJson(res, 413, { error: 'too-large', detail: `at most ${MAX_BODY_BYTES} bytes` });
  }
  let target: unknown;
  try {
    const parsed: unknown = JSON.parse(body);
    target =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { st?: unknown }).st : null;
  } catch {
    target = null;
  }
  if (target !== undefined && (typeof target !== 'string' || target.trim() === '')) {
    return sendJson(res, 400, { error: 'bad-request', detail: 'expected {"st": "<search target>"}' });
  }
  if (!takeSearchToken())
    return sendJson(res, 429, { error: 'too-many-searches', detail: 'at most one search per second' });
  try {
    await context.source.search(target === undefined ? undefined : target.trim());
    sendJson(res, 202, { ok: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    sendJson(res, 400, { error: 'bad-search-target', detail });
  }
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  send(res, 405, 'method not allowed');
}

export function createRequestHandler(context: RouteContext): (req: IncomingMessage, res: ServerResponse) => void {
  const takeSearchToken = createSearchLimiter();

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://web-view.invalid');
    const method = req.method ?? 'GET';
    const asset = context.assets.get(url.pathname);
    const udn = url.searchParams.get('udn') ?? '';
    const reading = method === 'GET' || method === 'HEAD';
    if (url.pathname === '/api/search') {
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      void serveSearch(context, takeSearchToken, req, res);
      return;
    }
    if (asset === undefined && !url.pathname.startsWith('/api/')) return send(res, 404, 'not found');
    if (!reading) return methodNotAllowed(res, 'GET, HEAD');
    if (asset !== undefined) return serveStatic(req, res, asset);
    switch (url.pathname) {
      case '/api/events':
        if (!context.hub.open(req, res, () => context.feed.snapshotFrame())) send(res, 503, 'too many viewers');
        return;
      case '/api/device':
        void serveDetails(context, res, udn);
        return;
      case '/api/icon':
        void serveIcon(context, res, udn);
        return;
      default:
        send(res, 404, 'not found');
    }
  }

  return (req, res) => {
    setSecurityHeaders(res);
    if (!context.hostAllowed(req.headers.host)) {
      // 421: this server is not the one the name points at (a DNS-rebinding page, or a name we were not told).
      send(
        res,
        req.headers.host === undefined ? 400 : 421,
        'unknown Host header: open the page by the address it was started on',
      );
      return;
    }
    try {
      if (new URL(req.url ?? '/', 'http://web-view.invalid').pathname !== '/api/events') {
        const deadline = setTimeout(() => res.destroy(), RESPONSE_DEADLINE_MS);
        res.once('close', () => clearTimeout(deadline));
      }
      route(req, res);
    } catch {
      send(res, 500, 'internal error');
    }
  };
}
