// What every response carries, and the two request checks: the Host header (DNS rebinding) and same-origin for the
// one action (searching). The page shows what hostile devices send, so the browser is told to run nothing but our
// own script and to let no other site frame or read us.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import os from 'node:os';
import { isLoopbackHost } from './web-view-options.ts';

/** No inline script or style, nothing from another origin, no framing, no plugins, no <base>. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** For icons served from our origin: even opened on their own, they run nothing. */
export const IMAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'";

export function setSecurityHeaders(res: ServerResponse, csp: string = CONTENT_SECURITY_POLICY): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** The host name of a Host header value (`[::1]:8080` → `::1`), lower-cased; undefined when malformed. */
export function hostOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '' || header.length > 300) return undefined;
  const bracketed = /^\[([0-9a-f:.]+(?:%[\w.-]+)?)\](?::\d{1,5})?$/i.exec(header);
  if (bracketed !== null) return bracketed[1]!.toLowerCase();
  const plain = /^([a-z0-9.-]+)(?::\d{1,5})?$/i.exec(header);
  return plain === null ? undefined : plain[1]!.toLowerCase().replace(/\.$/, '');
}

const WILDCARDS = new Set(['0.0.0.0', '::']);
const LOCAL_ADDRESSES_TTL_MS = 5000;

/**
 * Decides whether a Host header names us. A DNS-rebinding page reaches us under its own name, so only names we
 * know are accepted: the listen address, localhost, loopback addresses, `allowedHosts`, and (listening on all
 * addresses) this machine's own addresses.
 */
export function createHostCheck(
  listenHost: string,
  allowedHosts: readonly string[],
): (header: string | undefined) => boolean {
  const allowed = new Set([listenHost.toLowerCase(), 'localhost', ...allowedHosts.map((h) => h.toLowerCase())]);
  const wildcard = WILDCARDS.has(listenHost);
  let local = new Set<string>();
  let localAt = Number.NEGATIVE_INFINITY;

  function localAddresses(): Set<string> {
    const now = Date.now();
    if (now - localAt > LOCAL_ADDRESSES_TTL_MS) {
      local = new Set(
        Object.values(os.networkInterfaces())
          .flat()
          .map((entry) => entry?.address.toLowerCase().replace(/%.*$/, ''))
          .filter((address): address is string => address !== undefined),
      );
      localAt = now;
    }
    return local;
  }

  return (header) => {
    const host = hostOf(header);
    if (host === undefined) return false;
    if (allowed.has(host) || isLoopbackHost(host)) return true;
    return wildcard && isIP(host.replace(/%.*$/, '')) !== 0 && localAddresses().has(host.replace(/%.*$/, ''));
  };
}

export type OriginVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Same-origin only: Sec-Fetch-Site, when sent, must say `same-origin`; Origin, when sent, must be this page's
 * origin; and at least one of them must be there (every browser sends them on a POST from script).
 */
export function checkSameOrigin(req: IncomingMessage): OriginVerdict {
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  if (site === undefined && origin === undefined) return { ok: false, reason: 'no Origin or Sec-Fetch-Site header' };
  if (site !== undefined && site !== 'same-origin') return { ok: false, reason: `Sec-Fetch-Site is ${site}` };
  if (origin !== undefined && origin.toLowerCase() !== `http://${(req.headers.host ?? '').toLowerCase()}`) {
    return { ok: false, reason: 'Origin is not this page' };
  }
  return { ok: true };
}
