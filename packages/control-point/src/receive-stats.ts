// What the transport knows about receiving, for stats and warnings: the receive buffer the kernel granted (with a
// one-line warning, once, when net.core.rmem_max capped it) and the datagrams the kernel dropped because that
// buffer was full (a warning whenever the count has grown since the last check). Losses are never silent.
import type { SsdpTransport } from '@ssdp/transport';
import type { ReceiveBufferStats } from './events.ts';

export interface ReceiveWatch {
  /** After the transport started: remembers the buffer granted, and warns once when it was capped. */
  started(): void;
  /** Warns when the kernel dropped datagrams since the last check (each search cycle, a final listing, stop). */
  check(): void;
  /** Datagrams the kernel dropped for our sockets since start; undefined where not counted. Reads /proc. */
  kernelDrops(): number | undefined;
  /** What was asked and granted (kept after stop). */
  receiveBuffer(): ReceiveBufferStats | undefined;
}

export function createReceiveWatch(transport: SsdpTransport, log: (line: string) => void): ReceiveWatch {
  let buffer: ReceiveBufferStats | undefined;
  let warnedClamp = false;
  let reported = 0;

  function readBuffer(): ReceiveBufferStats | undefined {
    const report = transport.receiveBuffer?.();
    if (report === undefined) return buffer; // stopped (or not said): the last known
    const { requested, granted, clamped, hint } = report;
    buffer = { requested, granted, clamped, ...(hint === undefined ? {} : { hint }) };
    return buffer;
  }

  function kernelDrops(): number | undefined {
    try {
      return transport.kernelDrops?.();
    } catch {
      return undefined; // a transport that throws here is not counting
    }
  }

  return {
    started() {
      const report = readBuffer();
      if (report?.clamped === true && !warnedClamp) {
        warnedClamp = true;
        log(
          `receive buffer: ${report.hint ?? `asked for ${report.requested} bytes, the kernel granted ${String(report.granted)}`}`,
        );
      }
    },
    check() {
      const total = kernelDrops();
      if (total === undefined || total <= reported) return;
      const fresh = total - reported;
      reported = total;
      const report = readBuffer();
      const size = report?.granted === undefined ? '' : ` (${report.granted} bytes granted)`;
      log(
        `the kernel dropped ${fresh} datagram${fresh === 1 ? '' : 's'} for us (${total} since start): the receive buffer${size} ` +
          `was full, so answers were lost; ask for more with recvBufferSize (--recv-buffer)` +
          (report?.clamped === true ? ' and raise net.core.rmem_max, which caps it' : ''),
      );
    },
    kernelDrops,
    receiveBuffer: readBuffer,
  };
}
