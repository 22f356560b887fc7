// Batched line output for stdout: lines are gathered and written in order once per event-loop turn, or at once
// when the batch reaches `maxBatchChars`, instead of a write syscall per line (docs/benchmarks.md, storm). flush()
// writes the rest synchronously: runProcess calls it when the run ends, before every stderr line (so the two
// streams stay in order on a terminal) and on process exit, so no line is lost. A write error (EPIPE: the reader
// closed the pipe) ends the output: onClosed is told once, later lines are discarded, nothing throws.

/** The part of a Writable (process.stdout) the writer uses. */
export interface LineStream {
  write(chunk: string): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface LineWriterInit {
  /** Write at once when the batch reaches this many characters (bounds the memory held between turns). */
  readonly maxBatchChars?: number;
}

export interface LineWriterComponents {
  readonly stream: LineStream;
  /** Runs `callback` after the current event-loop turn (setImmediate in runMain). */
  readonly defer: (callback: () => void) => void;
  /** Called once when a write fails; every later line is discarded. */
  readonly onClosed?: (error: Error) => void;
}

export interface LineWriter {
  /** Queues one line (without its newline). */
  write(line: string): void;
  /** Writes every queued line now. */
  flush(): void;
  /** True once a write failed. */
  readonly closed: boolean;
}

export const DEFAULT_MAX_BATCH_CHARS = 64 * 1024;

export function createLineWriter(init: LineWriterInit, components: LineWriterComponents): LineWriter {
  const { stream, defer } = components;
  const maxBatchChars = init.maxBatchChars ?? DEFAULT_MAX_BATCH_CHARS;
  let batch = '';
  let deferred = false;
  let closed = false;

  function close(error: unknown): void {
    if (closed) return;
    closed = true;
    batch = '';
    components.onClosed?.(error instanceof Error ? error : new Error(String(error)));
  }

  function flush(): void {
    if (batch === '' || closed) return;
    const chunk = batch;
    batch = '';
    try {
      stream.write(chunk);
    } catch (error) {
      close(error);
    }
  }

  function onTurnEnd(): void {
    deferred = false;
    flush();
  }

  // Errors of process.stdout arrive as 'error' events (after the failed write); without a listener they would be
  // uncaught exceptions, one per write.
  stream.on('error', close);

  return {
    write(line) {
      if (closed) return;
      batch += `${line}\n`;
      if (batch.length >= maxBatchChars) flush();
      else if (!deferred) {
        deferred = true;
        defer(onTurnEnd);
      }
    },
    flush,
    get closed() {
      return closed;
    },
  };
}
