/**
 * @internal True when `text` at `start` holds `lower` in any ASCII case. `lower` is lower-case; only its letters
 * match case-insensitively (folding punctuation too would let control characters through: ':' | 0x20 is ':',
 * and so is 0x1a | 0x20).
 */
export function equalsLowerAt(text: string, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = text.charCodeAt(start + i);
    const l = lower.charCodeAt(i);
    if (c !== l && ((c | 0x20) !== l || l < 0x61)) return false;
  }
  return true;
}
