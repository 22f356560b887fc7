// Where the known headers of a message are, found once while the header block is scanned. A message keeps its
// header block as one string plus this index; every typed field reads its value straight out of the string
// (no lookup by name, no header objects), and the full header list is cut out only when someone asks for it.
import { KNOWN_HEADER_NAMES, TOKEN_CHARS, fieldIdOf, trimOws, type SsdpHeader } from './headers.ts';

/**
 * @internal Two numbers per known field (see `F_*` in headers.ts): the start and end of the first occurrence's
 * value, as on the line (untrimmed; a bare CR inside is still there: see {@link cutValue}); -1 when absent.
 */
export type FieldSlots = number[];

/** A fresh slot array, every field absent. A literal, so V8 copies a boilerplate instead of looping. */
export function newSlots(): FieldSlots {
  return [
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  ];
}

// Header names are read by a DFA over their characters: one table load per character both checks that the name
// is an RFC 9110 token and follows a trie of the known names (both cases), so when the name ends the state says
// which known header it is, if any. Row `state << 7` holds the next state for each ASCII code; NAME_STOP means
// "not a token character" (the name ends there). The table is ~25 KiB; the rows actually used stay in cache.
/** @internal The state the DFA starts in. */
export const NAME_START = 0;
/** @internal A token that is no prefix of a known name. */
const NAME_OTHER = 1;
/** @internal The next character is not a token character. */
export const NAME_STOP = 0xff;

function buildNameDfa(): { table: Uint8Array; fieldOf: Int8Array } {
  const trie: number[][] = [[], []];
  const fieldOf: number[] = [-1, -1];
  KNOWN_HEADER_NAMES.forEach((name, id) => {
    let state = NAME_START;
    for (const ch of name.toLowerCase()) {
      const code = ch.charCodeAt(0);
      let next = trie[state]![code];
      if (next === undefined) {
        next = trie.length;
        trie[state]![code] = next;
        trie.push([]);
        fieldOf.push(-1);
      }
      state = next;
    }
    fieldOf[state] = id;
  });
  if (trie.length >= NAME_STOP) throw new Error('header name DFA has too many states');
  const table = new Uint8Array(trie.length << 7);
  for (let state = 0; state < trie.length; state++) {
    for (let c = 0; c < 128; c++) {
      let next = NAME_STOP;
      if (TOKEN_CHARS[c] === 1) next = trie[state]![c >= 65 && c <= 90 ? c + 32 : c] ?? NAME_OTHER;
      table[(state << 7) | c] = next;
    }
  }
  return { table, fieldOf: Int8Array.from(fieldOf) };
}

const NAME_DFA = buildNameDfa();
/** @internal Next state: `NAME_TABLE[(state << 7) | charCode]` for a char code below 128. */
export const NAME_TABLE: Uint8Array = NAME_DFA.table;
/** @internal The field id a final state names, or -1. */
export const FIELD_OF_STATE: Int8Array = NAME_DFA.fieldOf;

const CANONICAL_NAMES: ReadonlySet<string> = new Set(KNOWN_HEADER_NAMES);

/**
 * @internal How a header name goes on the wire: the canonical spelling of a known header, the name itself for
 * any other token, undefined when it is not a token. One pass of the name DFA answers both questions.
 */
export function wireHeaderName(name: string): string | undefined {
  // Names already in canonical spelling (what the constructors write, what most senders send) are one lookup.
  if (CANONICAL_NAMES.has(name)) return name;
  const n = name.length;
  if (n === 0) return undefined;
  let state = NAME_START;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128) return undefined;
    state = NAME_TABLE[(state << 7) | c]!;
    if (state === NAME_STOP) return undefined;
  }
  const field = FIELD_OF_STATE[state]!;
  return field < 0 ? name : KNOWN_HEADER_NAMES[field]!;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * @internal Records where the value of a header with field id `field` is (`text[start, end)`, untrimmed: only
 * the values that are read get trimmed), unless an earlier header already did: the first occurrence counts.
 */
export function recordField(slots: FieldSlots, field: number, start: number, end: number): void {
  const at = field << 1;
  if (slots[at]! < 0) {
    slots[at] = start;
    slots[at + 1] = end;
  }
}

/** @internal Where the value `text[start, end)` starts once leading SP/HTAB are skipped. */
export function trimStart(text: string, start: number, end: number): number {
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  return start;
}

/** @internal Where the value `text[start, end)` ends once trailing SP/HTAB are dropped. */
export function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return end;
}

/** @internal True when `text[start, end)` holds a CR (a bare one: line endings are outside every range). */
export function hasCr(text: string, start: number, end: number): boolean {
  const cr = text.indexOf('\r', start);
  return cr >= 0 && cr < end;
}

/** @internal `text[start, end)` as a header value: bare CRs read as SP (RFC 9112 §2.2), trimmed of SP/HTAB. */
export function cutValue(text: string, start: number, end: number): string {
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  // Rare: a CR is replaced, which may expose blanks at the edges again.
  return hasCr(text, start, end) ? trimOws(text.slice(start, end).replaceAll('\r', ' ')) : text.slice(start, end);
}

/**
 * @internal Calls `visit(nameStart, nameEnd, valueStart, valueEnd)` for every header line of an already
 * validated header block without continuation lines, from `first` to the empty line (or the end).
 */
function forEachLine(
  text: string,
  first: number,
  visit: (nameStart: number, nameEnd: number, valueStart: number, valueEnd: number) => boolean,
): void {
  let pos = first;
  const n = text.length;
  while (pos < n) {
    const lf = text.indexOf('\n', pos);
    const lineEnd = lf < 0 ? n : lf;
    const contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
    if (contentEnd === pos) return;
    const colon = text.indexOf(':', pos);
    let nameEnd = colon;
    while (nameEnd > pos && isBlank(text.charCodeAt(nameEnd - 1))) nameEnd--;
    if (visit(pos, nameEnd, colon + 1, contentEnd)) return;
    pos = lf < 0 ? n : lf + 1;
  }
}

/** @internal The header lines of a validated block (no continuation lines) as objects, in wire order. */
export function materializeHeaders(text: string, first: number): SsdpHeader[] {
  const headers: SsdpHeader[] = [];
  forEachLine(text, first, (nameStart, nameEnd, valueStart, valueEnd) => {
    headers.push({ name: text.slice(nameStart, nameEnd), value: cutValue(text, valueStart, valueEnd) });
    return false;
  });
  return headers;
}

/** @internal ASCII case-insensitive (A-Z only) equality of `text[start, start + name.length)` and `name`. */
function sameNameAt(text: string, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    let a = text.charCodeAt(start + i);
    let b = name.charCodeAt(i);
    if (a >= 97 && a <= 122) a -= 32;
    if (b >= 97 && b <= 122) b -= 32;
    if (a !== b) return false;
  }
  return true;
}

/** @internal The first value of the header `name` (any name, ASCII case-insensitive) in a validated block. */
export function findHeaderValue(text: string, first: number, name: string): string | undefined {
  let value: string | undefined;
  forEachLine(text, first, (nameStart, nameEnd, valueStart, valueEnd) => {
    if (nameEnd - nameStart !== name.length || !sameNameAt(text, nameStart, name)) return false;
    value = cutValue(text, valueStart, valueEnd);
    return true;
  });
  return value;
}

/** @internal Offset of the start of the line holding `text[at]`. */
export function lineStartOf(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/** @internal A header block rebuilt from header objects, so that typed fields read it like a parsed one. */
export interface IndexedList {
  readonly text: string;
  readonly slots: FieldSlots;
}

/**
 * @internal Indexes a header list (a constructed message, or a parsed one with continuation lines) by writing it
 * as `name:value` lines. Names are tokens and values hold no CR or LF (the constructors and the parser ensure
 * it), so each header is exactly one line and reads back as the same name and value.
 */
export function indexHeaderList(headers: readonly SsdpHeader[]): IndexedList {
  const slots = newSlots();
  let text = '';
  for (const header of headers) {
    const start = text.length + header.name.length + 1;
    text += `${header.name}:${header.value}\n`;
    const field = fieldIdOf(header.name);
    if (field >= 0) recordField(slots, field, start, text.length - 1);
  }
  return { text, slots };
}
