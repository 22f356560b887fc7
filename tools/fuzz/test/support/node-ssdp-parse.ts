// node-ssdp 4.0.1's own parse of a datagram, through its socket handler's body (`_parseMessage`) on a Client that
// was never started (no socket). "Accepted" means what node-ssdp acts on: a NOTIFY it emits as advertise-alive or
// advertise-bye, a response it emits, an M-SEARCH with MAN, MX and ST (anything else it drops).
import type { RemoteInfo } from 'node:dgram';
import { createRequire } from 'node:module';

export interface NodeSsdpView {
  readonly method: 'm-search' | 'notify-alive' | 'notify-byebye' | 'response';
  readonly status?: number;
  /** Upper-cased names; with a repeated header the last one wins. */
  readonly headers: Readonly<Record<string, string>>;
}

type Headers = Record<string, string>;
interface NodeSsdpClient {
  _parseMessage(msg: Buffer, rinfo: RemoteInfo): void;
  _msearch(headers: Headers, msg: string, rinfo: RemoteInfo): void;
  on(event: string, listener: (headers: Headers, status?: number) => void): unknown;
}

const require = createRequire(import.meta.url);
const { Client } = require('node-ssdp') as { Client: new (options: object) => NodeSsdpClient };
const RINFO: RemoteInfo = { address: '10.0.0.4', family: 'IPv4', port: 1900, size: 0 };

export function createNodeSsdpParser(): (bytes: Uint8Array) => NodeSsdpView | undefined {
  // A location keeps the constructor from looking up an interface address.
  const client = new Client({ location: 'http://127.0.0.1:1/description.xml' });
  let view: NodeSsdpView | undefined;
  client.on('advertise-alive', (headers) => (view = { method: 'notify-alive', headers }));
  client.on('advertise-bye', (headers) => (view = { method: 'notify-byebye', headers }));
  client.on('response', (headers, status) => (view = { method: 'response', status: status!, headers }));
  client._msearch = (headers) => {
    if (headers['MAN'] && headers['MX'] && headers['ST']) view = { method: 'm-search', headers };
  };
  return (bytes) => {
    view = undefined;
    client._parseMessage(Buffer.from(bytes), RINFO);
    return view;
  };
}
