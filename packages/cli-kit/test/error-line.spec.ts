import { describe, expect, it } from 'vitest';
import { readCommandLine } from '../src/command-line.ts';
import { errorLine, reportFailure, unexpectedErrorLine } from '../src/error-line.ts';
import { UsageError } from '../src/usage-error.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) } };
}

describe('errorLine', () => {
  it("uses an error's own toOneLine, else its message, always on one line", () => {
    const withHint = Object.assign(new Error('bind failed'), {
      toOneLine: () => 'E_PORT: in use\n  hint: pick another',
    });
    expect(errorLine(withHint)).toBe('E_PORT: in use hint: pick another');
    expect(errorLine(new Error('a\nb'))).toBe('a b');
    expect(errorLine('plain text')).toBe('plain text');
  });

  it('an unexpected error names its kind and the frame it came from', () => {
    const line = unexpectedErrorLine(new TypeError('boom'));
    expect(line).toMatch(/^TypeError: boom \(at .*error-line\.spec\.ts/);
    expect(line).not.toContain('\n');
  });
});

describe('reportFailure', () => {
  it('writes one line, adds the --help hint to a usage error only, and returns 2', () => {
    const { err, io } = capture();
    expect(reportFailure('prog', new UsageError('--port: expected an integer in 1..2'), io.stderr)).toBe(2);
    expect(reportFailure('prog', new Error('port in use'), io.stderr)).toBe(2);
    expect(err).toEqual(['prog: --port: expected an integer in 1..2 (see --help)', 'prog: port in use']);
  });
});

describe('readCommandLine', () => {
  const spec = (parse: (argv: readonly string[]) => { help: boolean; version: boolean; n?: number }) => ({
    program: 'prog',
    usage: 'Usage: prog\n',
    version: '9.9.9',
    parse,
  });

  it('returns the arguments to run with', () => {
    const { io, out, err } = capture();
    expect(
      readCommandLine(
        spec(() => ({ help: false, version: false, n: 1 })),
        [],
        io,
      ),
    ).toEqual({
      help: false,
      version: false,
      n: 1,
    });
    expect([out, err]).toEqual([[], []]);
  });

  it('answers --help (before --version) and --version with exit 0', () => {
    const both = capture();
    expect(
      readCommandLine(
        spec(() => ({ help: true, version: true })),
        [],
        both.io,
      ),
    ).toBe(0);
    expect(both.out).toEqual(['Usage: prog']);
    const version = capture();
    expect(
      readCommandLine(
        spec(() => ({ help: false, version: true })),
        [],
        version.io,
      ),
    ).toBe(0);
    expect(version.out).toEqual(['9.9.9']);
  });

  it('reports a UsageError with exit 2 and lets any other error through', () => {
    const { io, err } = capture();
    const bad = spec(() => {
      throw new UsageError('--x: no');
    });
    expect(readCommandLine(bad, [], io)).toBe(2);
    expect(err).toEqual(['prog: --x: no (see --help)']);
    const bug = spec(() => {
      throw new RangeError('bug');
    });
    expect(() => readCommandLine(bug, [], io)).toThrow(RangeError);
  });
});
