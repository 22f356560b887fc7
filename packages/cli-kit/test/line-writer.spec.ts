import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLineWriter, type LineStream } from '../src/line-writer.ts';

/** A stream that records its writes, and a defer queue run by hand (one event-loop turn = runTurn()). */
function setup(options: { maxBatchChars?: number; throwOnWrite?: Error } = {}) {
  const writes: string[] = [];
  const emitter = new EventEmitter();
  const stream: LineStream = {
    write(chunk) {
      if (options.throwOnWrite !== undefined) throw options.throwOnWrite;
      writes.push(chunk);
      return true;
    },
    on: (event, listener) => emitter.on(event, listener),
  };
  let deferred: (() => void)[] = [];
  const closed: Error[] = [];
  const writer = createLineWriter(options.maxBatchChars === undefined ? {} : { maxBatchChars: options.maxBatchChars }, {
    stream,
    defer: (callback) => deferred.push(callback),
    onClosed: (error) => closed.push(error),
  });
  const runTurn = () => {
    const callbacks = deferred;
    deferred = [];
    for (const callback of callbacks) callback();
  };
  return { writer, writes, emitter, closed, runTurn, pendingTurns: () => deferred.length };
}

describe('createLineWriter', () => {
  it('writes the lines of one event-loop turn in one write, in order', () => {
    const { writer, writes, runTurn, pendingTurns } = setup();
    for (let i = 0; i < 1000; i += 1) writer.write(`line ${i}`);
    expect(writes).toEqual([]);
    expect(pendingTurns()).toBe(1);
    runTurn();
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n')).toEqual([...Array.from({ length: 1000 }, (_, i) => `line ${i}`), '']);
    writer.write('next turn');
    runTurn();
    expect(writes).toEqual([writes[0], 'next turn\n']);
  });

  it('writes at once when the batch reaches its bound, and keeps the order', () => {
    const { writer, writes, runTurn } = setup({ maxBatchChars: 20 });
    writer.write('0123456789'); // 11 chars with the newline
    expect(writes).toEqual([]);
    writer.write('abcdefghij'); // 22: over the bound
    expect(writes).toEqual(['0123456789\nabcdefghij\n']);
    writer.write('tail');
    runTurn();
    expect(writes.join('')).toBe('0123456789\nabcdefghij\ntail\n');
  });

  it('flush() writes what is queued synchronously (shutdown, exit, before a stderr line) and nothing when empty', () => {
    const { writer, writes, runTurn } = setup();
    writer.write('a');
    writer.write('b');
    writer.flush();
    expect(writes).toEqual(['a\nb\n']);
    writer.flush();
    runTurn(); // the turn's callback finds nothing left
    expect(writes).toEqual(['a\nb\n']);
  });

  it('stops writing after an EPIPE error event: told once, later lines discarded, nothing thrown', () => {
    const { writer, writes, emitter, closed, runTurn } = setup();
    writer.write('before');
    runTurn();
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    emitter.emit('error', epipe);
    emitter.emit('error', epipe);
    writer.write('after');
    writer.flush();
    runTurn();
    expect(writes).toEqual(['before\n']);
    expect(closed).toEqual([epipe]);
    expect(writer.closed).toBe(true);
  });

  it('treats a write that throws like a closed stream', () => {
    const { writer, closed, runTurn } = setup({ throwOnWrite: new Error('EBADF') });
    writer.write('x');
    expect(() => runTurn()).not.toThrow();
    writer.write('y');
    runTurn();
    expect(closed.map((e) => e.message)).toEqual(['EBADF']);
  });
});
