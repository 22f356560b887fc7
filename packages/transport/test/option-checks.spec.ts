import { describe, expect, it } from 'vitest';
import {
  broadcastAddressOption,
  integerOption,
  interfacesOption,
  knownOptions,
  portOption,
  profileOption,
  receiveBufferOption,
  signalOption,
  textOption,
} from '../src/option-checks.ts';
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

  it('the options object: a plain object of known keys, an unknown key named', () => {
    const known = new Set(['port']);
    expect(() => knownOptions({ port: 1 }, known)).not.toThrow();
    for (const bad of [null, [], 'x']) expect(optionError(() => knownOptions(bad, known)).option).toBe('options');
    const unknown = optionError(() => knownOptions({ prot: 1 }, known));
    expect([unknown.option, unknown.detail]).toEqual(['prot', 'unknown option']);
  });

  it('text: a non-empty string on one line, or nothing', () => {
    expect(textOption('server', undefined)).toBeUndefined();
    expect(textOption('server', 'Linux/6 UPnP/2.0 x/1')).toBe('Linux/6 UPnP/2.0 x/1');
    for (const bad of ['', ' ', 'a\r\nb', 'a\n', 7])
      expect(optionError(() => textOption('server', bad)).option).toBe('server');
  });

  it("profile, port and broadcastAddress: the legacy profile's port is 1337 and only it broadcasts", () => {
    expect(profileOption(undefined)).toBe('upnp');
    expect(profileOption('legacy')).toBe('legacy');
    expect(optionError(() => profileOption('dlna')).detail).toBe("expected 'upnp' or 'legacy'");
    expect([portOption(undefined, 'upnp'), portOption(undefined, 'legacy'), portOption(5000, 'legacy')]).toEqual([
      1900, 1337, 5000,
    ]);
    expect(optionError(() => portOption(0, 'upnp')).option).toBe('port');
    expect(broadcastAddressOption(undefined, 'upnp')).toBeUndefined();
    expect(broadcastAddressOption('10.0.0.255', 'legacy')).toBe('10.0.0.255');
    expect(optionError(() => broadcastAddressOption('10.0.0.255', 'upnp')).detail).toMatch(/legacy/);
  });

  it('recvBufferSize: the transport receiveBufferSize in 1 byte..512 MiB, nothing when absent', () => {
    expect(receiveBufferOption(undefined)).toEqual({});
    expect(receiveBufferOption(8_388_608)).toEqual({ receiveBufferSize: 8_388_608 });
    for (const bad of [0, 512 * 1024 * 1024 + 1, 1.5])
      expect(optionError(() => receiveBufferOption(bad)).option).toBe('recvBufferSize');
  });
});
