// Entry point of ssdp-device (bin/ssdp-device.js): the real runtime, under the process policy of process-entry.ts.
// stdout is batched (one write per event-loop turn, not one per line: a write per line was a quarter of the CPU
// under an M-SEARCH storm); stderr is rare and written at once, after the stdout lines queued before it.
import { createLineWriter } from './line-writer.ts';
import { createNodeRuntime } from './node-runtime.ts';
import { runProcess } from './process-entry.ts';
import { runCli } from './run-cli.ts';

const PROGRAM = 'ssdp-device';

const stdout = createLineWriter(
  {},
  {
    stream: process.stdout,
    defer: (callback) => void setImmediate(callback),
    onClosed: (error) =>
      void process.stderr.write(
        `${PROGRAM}: stdout closed (${(error as { code?: string }).code ?? error.message}); further output is discarded\n`,
      ),
  },
);

runProcess(PROGRAM, stdout, (io, shutdown) => runCli(process.argv.slice(2), io, createNodeRuntime(shutdown)));
