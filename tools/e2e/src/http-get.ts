// Fetches a URL from inside a lab host, as a control point there would. node:http (not fetch) because a
// link-local LOCATION needs the zone of the interface it was seen on, which a WHATWG URL cannot carry.
import type { NetnsLab } from '@ssdp/netns';
import { describeRun, runInHost } from './run-in-host.ts';

const SCRIPT = `
const http = require('node:http');
const [url, zone] = process.argv.slice(1);
const parsed = new URL(url);
let host = parsed.hostname.replace(/^\\[|\\]$/g, '');
if (zone && host.toLowerCase().startsWith('fe80:')) host += '%' + zone;
const request = http.get({ host, port: parsed.port || 80, path: parsed.pathname + parsed.search, timeout: 5000 }, (response) => {
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (chunk) => (body += chunk));
  response.on('end', () => process.stdout.write(JSON.stringify({ status: response.statusCode, contentType: response.headers['content-type'] ?? null, body })));
});
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', (error) => { process.stdout.write(JSON.stringify({ error: error.message })); process.exitCode = 1; });
`;

export interface HttpResult {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

/** GET `url` from `host`; rejects with the reason when it cannot be fetched there. */
export async function httpGetInHost(lab: NetnsLab, host: string, url: string, zone?: string): Promise<HttpResult> {
  const run = await runInHost(lab, host, process.execPath, ['-e', SCRIPT, url, ...(zone === undefined ? [] : [zone])], {
    timeoutMs: 10_000,
  });
  let result: Partial<HttpResult> & { error?: string };
  try {
    result = JSON.parse(run.stdout) as Partial<HttpResult> & { error?: string };
  } catch {
    throw new Error(`GET ${url} in ${host}: no result\n${describeRun(run)}`);
  }
  if (result.error !== undefined || typeof result.status !== 'number')
    throw new Error(`GET ${url} in ${host}: ${result.error ?? 'no status'}`);
  return { status: result.status, contentType: result.contentType ?? null, body: result.body ?? '' };
}
