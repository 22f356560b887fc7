// Entry point of ssdp-controller (bin/ssdp-controller.js): the real components, under the process policy of
// process-entry.ts. stdout gets a line per event as it comes (a control point prints little); --watch writes its
// screen to the same stream.
import { runProcess, type LineSink } from './process-entry.ts';
import { runCli } from './run-cli.ts';
import { createSystemComponents } from './system-components.ts';

const PROGRAM = 'ssdp-controller';
const stream = process.stdout;

/** Lines written at once; a closed stdout (EPIPE: the reader went away) is said once, then output is discarded. */
function directLines(): LineSink {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    process.stderr.write(`${PROGRAM}: stdout closed (${error.code ?? error.message}); further output is discarded\n`);
  });
  return {
    write: (line) => void (closed || stream.write(`${line}\n`)),
    flush: () => undefined,
  };
}

runProcess(PROGRAM, directLines(), (io, shutdown) =>
  runCli(
    process.argv.slice(2),
    { ...io, ...(stream.isTTY ? { terminal: { write: (text: string) => void stream.write(text), columns: stream.columns } } : {}) },
    createSystemComponents(shutdown),
  ),
);
