// Fetches a device description from an advertised LOCATION, defensively. LOCATION is attacker-controlled: a
// spoofed NOTIFY can point every control point on a LAN at a victim (or at chargen), so:
// - the host must be the datagram's sender (unless allowForeignLocation); http only;
// - one deadline covers connect, headers, every redirect and the whole body, so a server trickling bytes
//   (slowloris) still ends at the deadline;
// - the body is counted while streaming and cut past maxBytes (Content-Length is only used to fail early);
// - redirects are followed by hand: a few, same host, http only.
import type { Clock } from '@ssdp/runtime';
import type { DescribeFailureReason } from './events.ts';
import type { HttpGet } from './http-get.ts';
import { isLinkLocal } from '@ssdp/transport';

export interface DescriptionRequest {
  /** LOCATION as advertised. */
  readonly location: string;
  /** The datagram's source address (IPv6 link-local with its `%zone`). */
  readonly source: string;
  /** Largest body for this request (at most the fetcher's own cap); for resources smaller than a description. */
  readonly maxBytes?: number;
  /** Accept header for this request. Default `text/xml, application/xml`. */
  readonly accept?: string;
}

export interface FetchFailure {
  readonly ok: false;
  readonly reason: DescribeFailureReason;
  readonly detail: string;
}

export type FetchOutcome = { readonly ok: true; readonly body: Uint8Array; readonly url: string } | FetchFailure;

export interface DescriptionFetcher {
  fetch(request: DescriptionRequest, signal?: AbortSignal): Promise<FetchOutcome>;
  /** Loads what the first fetch would otherwise load (the HTTP client), before it is needed. */
  preload?(): void;
}

export interface HttpDescriptionFetcherInit {
  /** Deadline for the whole exchange, ms. Default 3000. */
  readonly timeoutMs?: number;
  /** Largest body, bytes. Default 262,144 (256 KiB). */
  readonly maxBytes?: number;
  /** Most redirects followed. Default 3. */
  readonly maxRedirects?: number;
  /** Accept a LOCATION whose host is not the sender's address. Default false. */
  readonly allowForeignLocation?: boolean;
  readonly userAgent?: string;
}

export interface HttpDescriptionFetcherComponents {
  readonly clock: Clock;
  readonly httpGet: HttpGet;
  /** Loads the HTTP client behind `httpGet` ahead of the first description. */
  readonly preloadHttp?: () => void;
}

export const DEFAULT_DESCRIBE_TIMEOUT_MS = 3000;
export const DEFAULT_DESCRIPTION_MAX_BYTES = 262_144;
export const DEFAULT_MAX_REDIRECTS = 3;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function failure(reason: DescribeFailureReason, detail: string): FetchFailure {
  return { ok: false, reason, detail };
}

/** Canonical text of an IP literal (or a host name, lower-cased) through the WHATWG URL host parser. */
export function canonicalHost(host: string): string | undefined {
  const bare = host.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  try {
    return new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

export function createHttpDescriptionFetcher(
  init: HttpDescriptionFetcherInit,
  components: HttpDescriptionFetcherComponents,
): DescriptionFetcher {
  const { clock, httpGet } = components;
  const timeoutMs = init.timeoutMs ?? DEFAULT_DESCRIBE_TIMEOUT_MS;
  const maxBytes = init.maxBytes ?? DEFAULT_DESCRIPTION_MAX_BYTES;
  const maxRedirects = init.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const defaultHeaders: Record<string, string> = { Accept: 'text/xml, application/xml' };
  if (init.userAgent !== undefined) defaultHeaders['User-Agent'] = init.userAgent;

  function parseLocation(location: string): URL | FetchFailure {
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      return failure('bad-location', `LOCATION is not a URL: ${JSON.stringify(location.slice(0, 100))}`);
    }
    if (url.protocol !== 'http:') return failure('bad-location', `LOCATION scheme ${url.protocol} is not http:`);
    if (url.username !== '' || url.password !== '') return failure('bad-location', 'LOCATION carries credentials');
    return url;
  }

  /** Where a request may go: the URL and the zone of a link-local sender, or why not. */
  function target(request: DescriptionRequest): { url: URL; zone: string | undefined } | FetchFailure {
    const url = parseLocation(request.location);
    if (!(url instanceof URL)) return url;
    const host = canonicalHost(url.hostname);
    if (init.allowForeignLocation !== true && (host === undefined || host !== canonicalHost(request.source))) {
      return failure('foreign-host', `LOCATION host ${url.hostname} is not the sender ${request.source}`);
    }
    const zoneIndex = request.source.indexOf('%');
    const zone =
      host !== undefined && isLinkLocal(host) && zoneIndex >= 0 ? request.source.slice(zoneIndex + 1) : undefined;
    return { url, zone };
  }

  async function readBody(
    body: AsyncIterable<Uint8Array>,
    limit: number,
    abort: () => void,
  ): Promise<Uint8Array | FetchFailure> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of body) {
      total += chunk.byteLength;
      if (total > limit) break; // leaving the loop ends the stream; the rest is not drained
      chunks.push(chunk);
    }
    if (total > limit) {
      abort(); // after the loop: an aborted stream would make its iterator's return() reject
      return failure('too-large', `body larger than ${limit} bytes`);
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }

  async function exchange(
    first: URL,
    zone: string | undefined,
    request: DescriptionRequest,
    signal: AbortSignal,
    abort: () => void,
  ): Promise<FetchOutcome> {
    const cap = Math.min(maxBytes, request.maxBytes ?? maxBytes);
    const headers = request.accept === undefined ? defaultHeaders : { ...defaultHeaders, Accept: request.accept };
    let url = first;
    for (let redirects = 0; ; redirects += 1) {
      const response = await httpGet({ url, zone, headers, signal });
      if (REDIRECTS.has(response.status)) {
        // The redirect's body is not read; the signal tears its connection down at the end.
        const next = redirectTarget(first, url, response.header('location'), response.status);
        if (!(next instanceof URL)) return next;
        if (redirects + 1 > maxRedirects) return failure('too-many-redirects', `more than ${maxRedirects} redirects`);
        url = next;
        continue;
      }
      if (response.status !== 200) return failure('http-status', `HTTP ${response.status}`);
      const declared = Number(response.header('content-length'));
      if (Number.isFinite(declared) && declared > cap) {
        abort();
        return failure('too-large', `Content-Length ${declared} is over ${cap} bytes`);
      }
      const body = await readBody(response.body, cap, abort);
      return body instanceof Uint8Array ? { ok: true, body, url: url.href } : body;
    }
  }

  return {
    preload() {
      components.preloadHttp?.();
    },
    async fetch(request, outerSignal) {
      const controller = new AbortController();
      let timedOut = false;
      const timer = clock.setTimeout(() => {
        timedOut = true;
        controller.abort(new Error('deadline'));
      }, timeoutMs);
      const onOuterAbort = () => controller.abort(new Error('cancelled'));
      outerSignal?.addEventListener('abort', onOuterAbort, { once: true });
      try {
        const where = target(request);
        if ('ok' in where) return where;
        if (outerSignal?.aborted === true) return failure('network', 'cancelled');
        return await exchange(where.url, where.zone, request, controller.signal, () =>
          controller.abort(new Error('stopped reading')),
        );
      } catch (error) {
        if (timedOut) return { ok: false, reason: 'timeout', detail: `no complete answer within ${timeoutMs} ms` };
        const message = error instanceof Error ? describeError(error) : String(error);
        return { ok: false, reason: 'network', detail: message };
      } finally {
        clock.clearTimeout(timer);
        outerSignal?.removeEventListener('abort', onOuterAbort);
        if (!controller.signal.aborted) controller.abort(new Error('done')); // frees a connection left half-read
      }
    },
  };
}

/** Where a redirect from `current` (first requested at `first`) may go: http on the same host only. */
function redirectTarget(first: URL, current: URL, location: string | undefined, status: number): URL | FetchFailure {
  if (location === undefined) return failure('http-status', `HTTP ${status} without Location`);
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    return failure('redirect-off-host', `redirect to an invalid URL ${JSON.stringify(location.slice(0, 100))}`);
  }
  if (next.protocol !== 'http:' || canonicalHost(next.hostname) !== canonicalHost(first.hostname)) {
    return failure('redirect-off-host', `redirect from ${first.host} to ${next.protocol}//${next.host}`);
  }
  return next;
}

/** fetch wraps the interesting part ("ECONNREFUSED") in `cause`. */
function describeError(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause
      ? String((cause as { code: unknown }).code)
      : undefined;
  return code === undefined ? error.message : `${error.message} (${code})`;
}
