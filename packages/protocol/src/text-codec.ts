// UTF-8 <-> string through the WHATWG TextDecoder/TextEncoder globals (present in Node and browsers). The
// package type-checks without DOM and Node types, so the globals are reached through a narrow local type
// instead of an ambient declaration (which would clash with @types/node in the tests' tsconfig).

interface Utf8DecoderLike {
  decode(input: Uint8Array): string;
}
interface Utf8EncoderLike {
  encode(input: string): Uint8Array;
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

/** Encodes a string as UTF-8 (lone surrogates become U+FFFD). */
export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
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
