// UTF-8 <-> string through the WHATWG TextDecoder/TextEncoder globals (present in Node and browsers). The
// package type-checks without DOM and Node types, so the globals are reached through a narrow local type
// instead of an ambient declaration (which would clash with @types/node in the tests' tsconfig).

interface Utf8DecoderLike {
  decode(input: Uint8Array): string;
}
interface Utf8EncoderLike {
  encode(input: string): Uint8Array;
  encodeInto(input: string, destination: Uint8Array): { read: number; written: number };
}
interface TextCodecGlobals {
  TextDecoder: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => Utf8DecoderLike;
  TextEncoder: new () => Utf8EncoderLike;
}

const codecGlobals = globalThis as unknown as TextCodecGlobals;
// Both are stateless in non-streaming use, so one instance each is safe to share and saves an allocation
// per datagram. ignoreBOM keeps a leading BOM as U+FEFF so character offsets stay aligned with bytes.
const utf8Decoder = new codecGlobals.TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const utf8Encoder = new codecGlobals.TextEncoder();

/** Decodes UTF-8; invalid sequences become U+FFFD (never throws). */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

// Allocating a Uint8Array of more than 64 bytes costs V8 an off-heap backing store and GC bookkeeping, more than
// the encoding itself. Small results are therefore carved out of shared 8 KiB slabs, as Node's Buffer pool does.
const SLAB_BYTES = 8192;
/** Longer texts (up to 3 bytes per UTF-16 unit: 3 KiB) get a buffer of their own. */
const MAX_SLAB_CHARS = 1024;

/**
 * @internal Hands out UTF-8 encodings as views into shared slabs. The bytes of one result never change once
 * returned, but `result.buffer` is shared with other results (like a pooled Buffer): a caller that needs an
 * ArrayBuffer of its own copies with `slice()`. Kept per encoder instance; parseMessage never sees it.
 */
export class SlabUtf8Encoder {
  #slab = new Uint8Array(SLAB_BYTES);
  #used = 0;

  encode(text: string): Uint8Array {
    if (text.length > MAX_SLAB_CHARS) return utf8Encoder.encode(text);
    const room = text.length * 3;
    // A new slab when this one is full (or was detached by a transfer of some result's buffer: length 0).
    if (this.#used + room > this.#slab.length) {
      this.#slab = new Uint8Array(SLAB_BYTES);
      this.#used = 0;
    }
    const slab = this.#slab;
    const start = this.#used;
    const { written } = utf8Encoder.encodeInto(text, slab.subarray(start, start + room));
    this.#used = (start + written + 7) & ~7; // the next result starts 8-byte aligned
    return slab.subarray(start, start + written);
  }
}

/**
 * Byte offset of `charOffset` in the UTF-8 encoding of `text`, or undefined when the prefix holds a U+FFFD
 * (it may stand for 1 to 3 invalid input bytes, so the exact position is unknown).
 */
export function utf8ByteOffset(text: string, charOffset: number): number | undefined {
  let bytes = 0;
  for (let i = 0; i < charOffset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c === 0xfffd) return undefined;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
