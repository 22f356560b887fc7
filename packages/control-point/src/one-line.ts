// An error as one printable line (warnings go to one stderr line each).

/** The error's `toOneLine()` when it has one, else its message, with line breaks folded. */
export function oneLine(error: unknown): string {
  const text =
    typeof error === 'object' && error !== null && 'toOneLine' in error && typeof error.toOneLine === 'function'
      ? String(error.toOneLine())
      : error instanceof Error
        ? error.message
        : String(error);
  return text.replace(/\s*\n\s*/g, ' ');
}
