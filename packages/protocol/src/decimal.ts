/**
 * @internal Reads `text[start, end)` as an unsigned decimal (digits only; leading zeros ignored, as UDA tells
 * recipients to do). Returns -1 when it is empty, holds anything but digits, or exceeds `max`.
 */
export function readDecimal(text: string, start: number, end: number, max: number): number {
  if (end <= start) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
    if (value > max) return -1;
  }
  return value;
}

/**
 * @internal Like {@link readDecimal} but saturating: any digit string parses, values above `cap` become `cap`.
 * Returns -1 for an empty or non-digit string.
 */
export function readDecimalSaturating(text: string, start: number, end: number, cap: number): number {
  if (end <= start) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    if (value < cap) value = value * 10 + d;
  }
  return value > cap ? cap : value;
}
