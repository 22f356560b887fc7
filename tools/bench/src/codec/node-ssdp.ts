// node-ssdp 4.0.1 parses inside its socket handler: `socket.on('message', (msg, rinfo) => self._parseMessage(msg,
// rinfo))` (lib/index.js). We call that same `_parseMessage` on a Client that was never started (no socket), with
// a fake rinfo. It does msg.toString() (UTF-8), splits on CRLF for the start line, then _getMethod/_getHeaders
// (split again, one regex per line), then emits 'advertise-alive'/'advertise-bye' (NOTIFY), 'response' (200 OK)
// or calls _msearch (M-SEARCH), where a Client with no USNs answers nothing and sends nothing.
import type { RemoteInfo } from 'node:dgram';
import { createRequire } from 'node:module';
import { loopContender, present, type CodecContender } from './codec-contender.ts';

type Headers = Record<string, string | undefined>;

interface NodeSsdpBase {
  _parseMessage(msg: Buffer, rinfo: RemoteInfo): void;
  _getHeaders(msg: string): Headers;
  _msearch(headers: Headers, msg: string, rinfo: RemoteInfo): void;
  on(event: string, listener: (headers: Headers) => void): unknown;
}

interface NodeSsdpHeader {
  toBuffer(): Buffer;
}

const require = createRequire(import.meta.url);
const { Client } = require('node-ssdp') as { Client: new (options: object) => NodeSsdpBase };
const SsdpHeader = require('node-ssdp/lib/ssdpHeader.js') as new (
  method: string,
  headers: Headers,
  isResponse?: boolean,
) => NodeSsdpHeader;

const FAKE_RINFO: RemoteInfo = { address: '127.0.0.1', family: 'IPv4', port: 50000, size: 0 };

/** A fresh never-started Client whose handlers count the fields read; returns the per-datagram function. */
export function createNodeSsdpTouch(): (bytes: Buffer) => number {
  // A location keeps the constructor from looking up an interface address; nothing here opens a socket.
  const client = new Client({ location: 'http://127.0.0.1:1/description.xml' });
  let found = -1;
  const onNotify = (headers: Headers): void => {
    found = present(headers['NT']) + present(headers['NTS']) + present(headers['USN']) + present(headers['LOCATION']);
  };
  client.on('advertise-alive', onNotify);
  client.on('advertise-bye', onNotify);
  client.on('response', (headers) => {
    found = present(headers['ST']) + present(headers['USN']) + present(headers['LOCATION']);
  });
  // M-SEARCH emits no event; _msearch is the library's own hook, so we read the fields there and let it run.
  const msearch = client._msearch;
  client._msearch = function (this: NodeSsdpBase, headers, msg, rinfo) {
    found = present(headers['ST']) + present(headers['MX']) + present(headers['MAN']);
    msearch.call(this, headers, msg, rinfo);
  };
  return (bytes) => {
    found = -1;
    client._parseMessage(bytes, FAKE_RINFO);
    return found;
  };
}

export function createNodeSsdpParse(sequence: readonly Buffer[]): CodecContender {
  return loopContender(
    'node-ssdp 4.0.1',
    "its socket handler's body, `client._parseMessage(buffer, fakeRinfo)` on a never-started Client; fields read in its 'advertise-*'/'response' listeners and its `_msearch`",
    sequence,
    createNodeSsdpTouch(),
  );
}

/** node-ssdp's message builder: one SsdpHeader per distinct datagram (built from node-ssdp's own parse), `toBuffer()` timed. */
export function createNodeSsdpSerialize(sequence: readonly Buffer[]): CodecContender {
  const parser = new Client({ location: 'http://127.0.0.1:1/description.xml' });
  const built = new Map<Buffer, NodeSsdpHeader>();
  for (const bytes of sequence) {
    if (built.has(bytes)) continue;
    const text = bytes.toString();
    const startLine = text.slice(0, text.indexOf('\r\n'));
    const headers = parser._getHeaders(text);
    const header = startLine.startsWith('HTTP/')
      ? new SsdpHeader('200 OK', headers, true)
      : new SsdpHeader(startLine.slice(0, startLine.indexOf(' ')), headers);
    built.set(bytes, header);
  }
  const serialize = (bytes: Buffer): number => built.get(bytes)!.toBuffer().length;
  return loopContender(
    'node-ssdp 4.0.1: SsdpHeader#toBuffer',
    '`header.toBuffer()` (what its `_send` calls) on prebuilt `SsdpHeader`s; its per-message `new SsdpHeader` (which draws 8 random bytes for an id) is not timed',
    sequence,
    serialize,
  );
}
