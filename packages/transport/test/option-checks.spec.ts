import { describe, expect, it } from 'vitest';
import { integerOption, interfacesOption, signalOption } from '../src/option-checks.ts';
import { InvalidOptionError } from '../src/option-errors.ts';

function optionError(run: () => unknown): InvalidOptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('option checks', () => {
  it('integers: whole numbers in range, named in the error with what was given', () => {
    expect(integerOption('port', 1900, 1, 65535)).toBe(1900);
    for (const bad of [0, 65536, 1.5, '1900', Number.NaN, undefined]) {
      const error = optionError(() => integerOption('port', bad, 1, 65535));
      expect(error.option).toBe('port');
      expect(error.detail).toMatch(/^expected an integer in 1\.\.65535, got /);
    }
  });

  it("interfaces: 'all', a list of non-empty strings, or nothing (an empty list is loopback too)", () => {
    expect(interfacesOption(undefined)).toBeUndefined();
    expect(interfacesOption([])).toBeUndefined();
    expect(interfacesOption('all')).toEqual(['all']);
    expect(interfacesOption(['eth0', '10.0.0.2'])).toEqual(['eth0', '10.0.0.2']);
    for (const bad of ['eth0', [''], [' '], [1], {}])
      expect(optionError(() => interfacesOption(bad)).option).toBe('interfaces');
  });

  it('signal: an AbortSignal or a look-alike from another realm; anything else is named', () => {
    const signal = new AbortController().signal;
    expect(signalOption(undefined)).toBeUndefined();
    expect(signalOption({})).toBeUndefined();
    expect(signalOption({ signal })).toBe(signal);
    const lookAlike = { aborted: false, addEventListener: () => undefined, removeEventListener: () => undefined };
    expect(signalOption({ signal: lookAlike })).toBe(lookAlike);
    expect(optionError(() => signalOption('x')).option).toBe('options');
    expect(optionError(() => signalOption({ signal: { aborted: false } })).option).toBe('signal');
  });
});
