// The floor: what any text parser pays at least, decoding the datagram and cutting it into lines.
import { loopContender, type CodecContender } from './codec-contender.ts';

export function touchFloor(bytes: Buffer): number {
  return bytes.toString('latin1').split('\r\n').length;
}

export function createFloorParse(sequence: readonly Buffer[]): CodecContender {
  return loopContender(
    'floor',
    "`buffer.toString('latin1').split('\\r\\n')` on the received Buffer (no copy); checksum = line count",
    sequence,
    touchFloor,
  );
}
