import { describe, expect, it } from 'vitest';
import {
  broadcastFlag,
  byteSizeFlag,
  integerFlag,
  interfacesFlag,
  parseArgumentTable,
  profileFlag,
  ratioFlag,
  secondsFlag,
} from '../src/argument-table.ts';
import { UsageError } from '../src/usage-error.ts';

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('SSDP_ERR_USAGE');
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseArgumentTable', () => {
  const options = { port: { type: 'string' }, json: { type: 'boolean' } } as const;

  it('returns the values of known flags', () => {
    expect(parseArgumentTable(['--port', '7', '--json'], options)).toEqual({ port: '7', json: true });
  });

  it('turns an unknown flag or a positional into a UsageError', () => {
    expect(usageMessage(() => parseArgumentTable(['--bogus'], options))).toMatch(/bogus/);
    expect(usageMessage(() => parseArgumentTable(['stray'], options))).toMatch(/stray/);
  });
});

describe('flag helpers', () => {
  it('an absent flag is undefined (or the default)', () => {
    expect(integerFlag('port', undefined, 1, 2)).toBeUndefined();
    expect(secondsFlag('duration', undefined, 10)).toBeUndefined();
    expect(byteSizeFlag('recv-buffer', undefined, 1024)).toBeUndefined();
    expect(profileFlag(undefined)).toBe('upnp');
    expect(interfacesFlag(undefined)).toEqual([]);
  });

  it('integers: digits only, within the range, messages name the flag', () => {
    expect(integerFlag('port', ' 1900 ', 1, 65535)).toBe(1900);
    for (const bad of ['0', '65536', 'abc', '-1', '1.5', '', '12345678901']) {
      expect(usageMessage(() => integerFlag('port', bad, 1, 65535))).toBe('--port: expected an integer in 1..65535');
    }
  });

  it('seconds: > 0, three decimals at most, at most max', () => {
    expect(secondsFlag('duration', '0.25', 100)).toBe(0.25);
    expect(secondsFlag('duration', '100', 100)).toBe(100);
    for (const bad of ['0', '-1', '100.001', '0.0001', 'x']) {
      expect(usageMessage(() => secondsFlag('duration', bad, 100))).toBe(
        '--duration: expected a number of seconds > 0 (at most 100)',
      );
    }
  });

  it('ratios: 0 allowed (off), at most max', () => {
    expect(ratioFlag('max-amplification', '0', 10)).toBe(0);
    expect(ratioFlag('max-amplification', '2.5', 10)).toBe(2.5);
    expect(usageMessage(() => ratioFlag('max-amplification', '-1', 10))).toBe(
      '--max-amplification: expected a number in 0..10 (0 turns it off)',
    );
    expect(() => ratioFlag('max-amplification', '10.5', 10)).toThrow(UsageError);
  });

  it('byte sizes: K and M are KiB and MiB, 1 to max', () => {
    const max = 512 * 1024 * 1024;
    expect(byteSizeFlag('recv-buffer', '4096', max)).toBe(4096);
    expect(byteSizeFlag('recv-buffer', '4k', max)).toBe(4096);
    expect(byteSizeFlag('recv-buffer', '8M', max)).toBe(8 * 1024 * 1024);
    expect(byteSizeFlag('recv-buffer', '512M', max)).toBe(max);
    for (const bad of ['0', '513M', '4G', '1.5M', 'x']) {
      expect(usageMessage(() => byteSizeFlag('recv-buffer', bad, max))).toBe(
        '--recv-buffer: expected a size in bytes from 1 to 512M (K and M suffixes allowed)',
      );
    }
  });

  it('profile, broadcast and interfaces', () => {
    expect(profileFlag('legacy')).toBe('legacy');
    expect(usageMessage(() => profileFlag('dlna'))).toBe('--profile: expected upnp or legacy');
    expect(broadcastFlag('10.0.0.255', 'legacy')).toBe('10.0.0.255');
    expect(usageMessage(() => broadcastFlag('10.0.0.255', 'upnp'))).toBe('--broadcast: only with --profile legacy');
    expect(usageMessage(() => broadcastFlag('nope', 'legacy'))).toMatch(/^--broadcast: expected an IPv4/);
    expect(interfacesFlag(['eth0', 'all'])).toEqual(['eth0', 'all']);
    expect(usageMessage(() => interfacesFlag(['eth0', ' ']))).toBe('--interface: expected a name, an address or all');
  });
});
