import type { Contender } from '../harness.ts';

/** A codec contender: a harness contender plus the per-datagram function it loops over (tests call it too). */
export interface CodecContender extends Contender {
  /** How the contender is driven, for the table. */
  readonly how: string;
  /**
   * Handles one datagram the contender's way and returns how many of the read fields were present (the floor:
   * how many lines it split). Exposed so the tests can check each contender really sees every datagram.
   */
  readonly touch: (bytes: Buffer) => number;
}

/** 1 when a field is present, else 0: reading it is the point, counting keeps the read alive. */
export function present(value: unknown): number {
  return value === undefined ? 0 : 1;
}

/**
 * A contender looping over `sequence` with its own copy of the loop (see Contender.run). `touch` is called
 * through a closure variable; every contender pays that one call, as a socket callback would.
 */
export function loopContender(
  name: string,
  how: string,
  sequence: readonly Buffer[],
  touch: (bytes: Buffer) => number,
): CodecContender {
  if (sequence.length === 0) throw new RangeError('empty sequence');
  let next = 0;
  return {
    name,
    how,
    touch,
    run(ops: number): number {
      let sum = 0;
      let i = next;
      const n = sequence.length;
      for (let k = 0; k < ops; k++) {
        sum += touch(sequence[i]!);
        i = i + 1 === n ? 0 : i + 1;
      }
      next = i;
      return sum;
    },
  };
}

/** Fields read from each parsed message, the same for every contender. */
export const FIELDS_READ = {
  notify: ['NT', 'NTS', 'USN', 'LOCATION'],
  'search-response': ['ST', 'USN', 'LOCATION'],
  'm-search': ['ST', 'MX', 'MAN'],
} as const;
