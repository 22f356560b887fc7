import { describe, expect, it } from 'vitest';
import { integerListOption, integerOption, namesOption, outputOptions, priorityOption } from '../src/bench-options.ts';
import { roundOrder } from '../src/harness.ts';

describe('the benchmarks’ shared options', () => {
  it('reads integers with a floor and a default', () => {
    expect(integerOption(undefined, 7, '--rounds')).toBe(7);
    expect(integerOption('3', 7, '--rounds')).toBe(3);
    expect(integerOption('0', 7, '--profile-size', 0)).toBe(0);
    expect(() => integerOption('0', 7, '--rounds')).toThrow('--rounds: expected an integer >= 1, got "0"');
    expect(() => integerOption('1.5', 7, '--rounds')).toThrow('--rounds');
    expect(integerListOption('100,,1000', '--sizes')).toEqual([100, 1000]);
    expect(() => integerListOption('100,x', '--sizes')).toThrow('--sizes');
  });

  it('checks names, niceness and the results name', () => {
    expect(namesOption('b,a', ['a', 'b', 'c'] as const, '--regimes')).toEqual(['b', 'a']);
    expect(() => namesOption('a,d', ['a', 'b'] as const, '--regimes')).toThrow('--regimes: unknown d (a, b)');
    expect(priorityOption(undefined)).toBe(0);
    expect(priorityOption('-15')).toBe(-15);
    expect(() => priorityOption('-21')).toThrow('niceness');
    expect(outputOptions({}, 'storm')).toEqual({ name: 'storm', write: true });
    expect(outputOptions({ name: 'storm-2', 'no-write': true }, 'storm')).toEqual({ name: 'storm-2', write: false });
    expect(() => outputOptions({ name: 'Storm' }, 'storm')).toThrow('kebab-case');
  });

  it('rotates the order round by round', () => {
    expect([0, 1, 2, 3].map((round) => roundOrder(['a', 'b', 'c'], round).join(''))).toEqual([
      'abc',
      'bca',
      'cab',
      'abc',
    ]);
  });
});
