// NDJSON lines into objects; a line that is not a JSON object is kept as text, so a test can show it instead of
// dying on it.

export type JsonEvent = { readonly event: string; readonly time?: string } & Record<string, unknown>;

/** The event object of one NDJSON line, or undefined for anything else (blank, text, an array, no "event"). */
export function parseEventLine(line: string): JsonEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return typeof (value as { event?: unknown }).event === 'string' ? (value as JsonEvent) : undefined;
  } catch {
    return undefined;
  }
}

export function parseEventLines(text: string): JsonEvent[] {
  return text.split('\n').flatMap((line) => parseEventLine(line.trim()) ?? []);
}
