// Ours against node-ssdp on one datagram: when both accept it, the method, the status and every header value
// must agree, up to the known, deliberate differences listed in KNOWN_DIFFERENCES.
import { parseMessage } from '@ssdp/protocol';
import type { NodeSsdpView } from './node-ssdp-parse.ts';

const METHOD_OF_KIND: Readonly<Record<string, string>> = {
  'm-search': 'm-search',
  'notify-alive': 'notify-alive',
  'notify-byebye': 'notify-byebye',
  'search-response': 'response',
};

export type Comparison =
  { readonly both: false } | { readonly both: true; readonly known?: string; readonly mismatches: readonly string[] };

/**
 * Where the two parsers differ on purpose; a datagram showing one is not compared (it is counted under the
 * difference's name instead). Each has its reason.
 */
export const KNOWN_DIFFERENCES: readonly {
  readonly name: string;
  readonly reason: string;
  readonly applies: (text: string) => boolean;
}[] = [
  {
    name: 'bare line ends',
    reason:
      'RFC 9112 §2.2 lets a recipient end a line at a bare LF, and ours does (the prototype and some stacks send LF); node-ssdp splits on CRLF only, so its headers differ',
    applies: (text) => /\n(?<!\r\n)|\r(?!\n)/.test(text),
  },
  {
    name: 'obs-fold',
    reason:
      'a line starting with SP/HTAB continues the previous value (RFC 9112 §5.2, obs-fold replaced by SP) in ours; node-ssdp reads it as a header of its own',
    applies: (text) => /\r\n[ \t]/.test(text.slice(0, headEnd(text))),
  },
  {
    name: 'lines after the blank line',
    reason: 'the head ends at the first empty line (RFC 9112 §2.1) in ours; node-ssdp reads every line as a header',
    applies: (text) => headEnd(text) < text.length - 4,
  },
  {
    name: 'non-ASCII bytes',
    reason:
      'ours keeps header bytes as they came (latin1 view, UDA headers are ASCII); node-ssdp decodes UTF-8 and replaces invalid sequences with U+FFFD',
    applies: (text) => /[\u0080-\uffff]/.test(text),
  },
];

function headEnd(text: string): number {
  const end = text.indexOf('\r\n\r\n');
  return end < 0 ? text.length : end;
}

const LATIN1 = new TextDecoder('latin1');

export function compareWithNodeSsdp(bytes: Uint8Array, theirs: NodeSsdpView | undefined): Comparison {
  const ours = parseMessage(bytes);
  if (!ours.ok || theirs === undefined) return { both: false };
  const text = LATIN1.decode(bytes);
  const known = KNOWN_DIFFERENCES.find((difference) => difference.applies(text));
  if (known !== undefined) return { both: true, known: known.name, mismatches: [] };
  const mismatches: string[] = [];
  const method = METHOD_OF_KIND[ours.message.kind];
  if (method !== theirs.method) mismatches.push(`method: ours ${String(method)}, node-ssdp ${theirs.method}`);
  if (theirs.method === 'response' && theirs.status !== 200) mismatches.push(`status: node-ssdp ${theirs.status}`);
  const oursByName = new Map<string, string>();
  for (const { name, value } of ours.message.headers) oursByName.set(name.toUpperCase(), value);
  for (const [name, value] of oursByName) {
    // node-ssdp keeps trailing whitespace in a value; ours trims it (RFC 9112 §5: OWS around the value is not part of it).
    const their = theirs.headers[name]?.replace(/[ \t]+$/, '');
    if (their !== value) mismatches.push(`${name}: ours ${JSON.stringify(value)}, node-ssdp ${JSON.stringify(their)}`);
  }
  for (const name of Object.keys(theirs.headers)) {
    if (!oursByName.has(name))
      mismatches.push(`${name}: only node-ssdp has it (${JSON.stringify(theirs.headers[name])})`);
  }
  return { both: true, mismatches };
}
