// Splits a text stream into lines as chunks come: a line split across chunks is joined, a CR before the LF is
// dropped, and end() flushes a last line without a line end.
export function createLineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line.replace(/\r$/, ''));
    },
    end() {
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
}
