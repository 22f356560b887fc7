// --web [HOST:]PORT: serves the live web view (@ssdp/web-view) of the running control point. The host defaults to
// 127.0.0.1; any other host must be written out, and then a warning says the page is reachable from the network.
import type { ControlPoint } from '@ssdp/control-point';
import { attachWebView, isLoopbackHost, resolveWebViewOptions, type WebView } from '@ssdp/web-view';

export const webOptions = {
  web: { type: 'string' },
} as const;

export const webUsage = `      --web [HOST:]PORT               serve a live web page of the devices (host 127.0.0.1 unless given;
                                      another host makes the page reachable from the network); PORT 0: any
`;

export interface WebArguments {
  readonly host: string;
  readonly port: number;
}

/** `8080`, `127.0.0.1:8080`, `0.0.0.0:8080`, `[::1]:8080`; `fail` throws the CLI's usage error. */
export function parseWebArgument(raw: string | undefined, fail: (message: string) => never): WebArguments | undefined {
  if (raw === undefined) return undefined;
  const match = /^(?:(\[[^\]]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(raw.trim());
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || !Number.isInteger(port) || port > 65535)
    fail(`--web must be [HOST:]PORT with PORT 0..65535: ${JSON.stringify(raw)}`);
  const host = match[1] ?? '127.0.0.1';
  try {
    return { host: resolveWebViewOptions({ host, port }).host, port };
  } catch {
    return fail(`--web: not a host name or an address: ${JSON.stringify(host)}`);
  }
}

export interface CliWebView {
  /** What to tell the user once the control point has started: the URL, and the warning for a non-loopback host. */
  readonly messages: readonly string[];
  close(): Promise<void>;
}

/** Starts the web view (before the control point, so a port in use is a startup error like any other). */
export async function startWebView(web: WebArguments, controlPoint: ControlPoint): Promise<CliWebView> {
  const view: WebView = await attachWebView(controlPoint, { host: web.host, port: web.port });
  return { messages: webViewMessages(web.host, view.url), close: () => view.close() };
}

/** The URL line, after a one-line warning when the page is reachable from other machines. */
export function webViewMessages(host: string, url: string): string[] {
  const warning = `warning: the web view listens on ${host}: anyone on the network who can reach this machine can see the page and start searches`;
  return [...(isLoopbackHost(host) ? [] : [warning]), `web view at ${url}`];
}
