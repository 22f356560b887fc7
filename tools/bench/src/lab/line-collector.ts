// Lines of a child's stdout/stderr as they come (fed by startLabProcess's line callbacks), with a wait for the
// first line that matches.

export interface LineCollector {
  readonly lines: string[];
  /** Resolves with the first line (already seen or future) that passes `test`; rejects after `timeoutMs`. */
  waitFor(test: (line: string) => boolean, timeoutMs: number, what?: string): Promise<string>;
}

/** A collector fed line by line (e.g. by startLabProcess's line callbacks). */
export function createLineCollector(onLine?: (line: string) => void): LineCollector & { push(line: string): void } {
  const lines: string[] = [];
  const waiters = new Set<{ test: (line: string) => boolean; resolve: (line: string) => void }>();
  return {
    lines,
    push(line) {
      lines.push(line);
      onLine?.(line);
      for (const waiter of waiters) {
        if (waiter.test(line)) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    },
    waitFor(test, timeoutMs, what = 'a matching line') {
      const seen = lines.find(test);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          test,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${what}; last lines: ${lines.slice(-3).join(' | ')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
