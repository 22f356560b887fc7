// @achingbrain/ssdp 4.2.4 parses with parseSsdpMessage(ssdp, buffer, remote) (dist/src/parse-ssdp-message.js),
// which SSDP.start() binds to 'transport:incoming-message', the event its socket callback emits per datagram.
// It decodes UTF-8, trims, splits on /\r?\n/, builds a message object (upper-cased keys, unquoted values,
// numbers parsed) and emits 'ssdp:notify' / 'ssdp:search-response' / 'ssdp:m-search'. We pass a plain
// EventEmitter whose listeners read the fields, instead of the library's own ones (which would answer searches
// and fetch descriptions over HTTP). The module is not in the package's exports map, so it is imported by URL.
import type { RemoteInfo } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { loopContender, present, type CodecContender } from './codec-contender.ts';

type Message = Record<string, unknown>;
type ParseSsdpMessage = (ssdp: EventEmitter, buffer: Buffer, remote: RemoteInfo) => void;

const moduleUrl = new URL('parse-ssdp-message.js', import.meta.resolve('@achingbrain/ssdp'));
const { parseSsdpMessage } = (await import(moduleUrl.href)) as { parseSsdpMessage: ParseSsdpMessage };

const FAKE_RINFO: RemoteInfo = { address: '127.0.0.1', family: 'IPv4', port: 50000, size: 0 };

export function createAchingbrainTouch(): (bytes: Buffer) => number {
  const bus = new EventEmitter();
  let found = -1;
  bus.on('ssdp:notify', (message: Message) => {
    found = present(message['NT']) + present(message['NTS']) + present(message['USN']) + present(message['LOCATION']);
  });
  bus.on('ssdp:search-response', (message: Message) => {
    found = present(message['ST']) + present(message['USN']) + present(message['LOCATION']);
  });
  bus.on('ssdp:m-search', (message: Message) => {
    found = present(message['ST']) + present(message['MX']) + present(message['MAN']);
  });
  return (bytes) => {
    found = -1;
    parseSsdpMessage(bus, bytes, FAKE_RINFO);
    return found;
  };
}

export function createAchingbrainParse(sequence: readonly Buffer[]): CodecContender {
  return loopContender(
    '@achingbrain/ssdp 4.2.4',
    '`parseSsdpMessage(emitter, buffer, fakeRinfo)`, the handler `SSDP.start()` binds; fields read in listeners on its `ssdp:*` events',
    sequence,
    createAchingbrainTouch(),
  );
}
