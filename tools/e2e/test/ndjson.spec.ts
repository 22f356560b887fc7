import { describe, expect, it } from 'vitest';
import { parseEventLine, parseEventLines } from '../src/ndjson.ts';

describe('NDJSON events', () => {
  it('keeps only JSON objects with a string "event"', () => {
    expect(parseEventLine('{"event":"started","port":1900}')).toEqual({ event: 'started', port: 1900 });
    for (const line of [
      '',
      'search from 10.0.0.1:1900 -',
      '[1,2]',
      '{"event":3}',
      '{"noevent":true}',
      '{"event":"cut',
    ]) {
      expect(parseEventLine(line), line).toBeUndefined();
    }
  });

  it('parses a whole stdout, skipping the human lines between', () => {
    expect(parseEventLines('{"event":"a"}\nhello\n  {"event":"b"}  \n').map((e) => e.event)).toEqual(['a', 'b']);
  });
});
