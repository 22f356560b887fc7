import { describe, expect, it } from 'vitest';
import { TransportError } from '../src/errors.ts';
import {
  checkReceiveBufferSize,
  DEFAULT_RECEIVE_BUFFER_SIZE,
  isClamped,
  readRmemMax,
  RECEIVE_BUFFER_SIZE_MAX,
  receiveBufferHint,
  summarizeReceiveBuffers,
} from '../src/receive-buffer.ts';

describe('receiveBufferSize', () => {
  it('defaults to 4 MiB and accepts integers from 1 to 512 MiB', () => {
    expect(checkReceiveBufferSize(undefined)).toBe(DEFAULT_RECEIVE_BUFFER_SIZE);
    expect(DEFAULT_RECEIVE_BUFFER_SIZE).toBe(4 * 1024 * 1024);
    expect(checkReceiveBufferSize(1)).toBe(1);
    expect(checkReceiveBufferSize(RECEIVE_BUFFER_SIZE_MAX)).toBe(512 * 1024 * 1024);
  });

  it('rejects anything else with SSDP_ERR_INVALID_OPTION', () => {
    for (const value of [
      0,
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      RECEIVE_BUFFER_SIZE_MAX + 1,
      '4096' as unknown as number,
    ]) {
      let caught: unknown;
      try {
        checkReceiveBufferSize(value);
      } catch (error) {
        caught = error;
      }
      expect(caught, String(value)).toBeInstanceOf(TransportError);
      expect((caught as TransportError).code).toBe('SSDP_ERR_INVALID_OPTION');
      expect((caught as TransportError).toOneLine()).toMatch(
        /^SSDP_ERR_INVALID_OPTION: receiveBufferSize must be an integer from 1 to 536870912 bytes/,
      );
    }
  });
});

describe('what the kernel granted', () => {
  it('is clamped on Linux below twice the request (Linux doubles it), elsewhere below the request', () => {
    expect(isClamped(4096, 8192, 'linux')).toBe(false);
    expect(isClamped(1, 2304, 'linux')).toBe(false); // SOCK_MIN_RCVBUF floor
    expect(isClamped(4 * 1024 * 1024, 425_984, 'linux')).toBe(true); // rmem_max 212,992
    expect(isClamped(4096, 4096, 'darwin')).toBe(false);
    expect(isClamped(4096, 2048, 'darwin')).toBe(true);
    expect(isClamped(4096, undefined, 'linux')).toBe(false);
  });

  it('reads net.core.rmem_max when it can', () => {
    expect(readRmemMax(() => '212992\n')).toBe(212_992);
    expect(readRmemMax(() => 'junk')).toBeUndefined();
    expect(
      readRmemMax(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });

  it('names the sysctl that raises the cap', () => {
    const hint = receiveBufferHint(4_194_304, 425_984, 212_992, 'linux');
    expect(hint).toContain('granted 425984 bytes for the 4194304-byte receive buffer requested');
    expect(hint).toContain('net.core.rmem_max = 212992');
    expect(hint).toMatch(/sysctl -w net\.core\.rmem_max=4194304$/);
    expect(receiveBufferHint(4096, undefined, undefined, 'linux')).toMatch(
      /capped by net\.core\.rmem_max;.*sysctl -w net\.core\.rmem_max=4096$/,
    );
    expect(receiveBufferHint(4096, 2048, undefined, 'darwin')).not.toContain('sysctl');
  });

  it('summarises sockets: the smallest grant, clamped if any is, the hint only then', () => {
    expect(summarizeReceiveBuffers(4096, [], 212_992, 'linux')).toBeUndefined();
    const fine = summarizeReceiveBuffers(
      4096,
      [
        { socket: 'unicast 127.0.0.1:1900', interfaceId: 'lo/IPv4', granted: 8192, clamped: false },
        { socket: 'group 239.255.255.250:1900', granted: 8192, clamped: false },
      ],
      undefined,
      'linux',
    );
    expect(fine).toEqual({ requested: 4096, granted: 8192, clamped: false, sockets: expect.any(Array) });
    const capped = summarizeReceiveBuffers(
      4_194_304,
      [
        { socket: 'unicast 127.0.0.1:1900', granted: 425_984, clamped: true },
        { socket: 'group 239.255.255.250:1900', granted: undefined, clamped: false },
      ],
      212_992,
      'linux',
    );
    expect(capped).toMatchObject({ requested: 4_194_304, granted: 425_984, clamped: true, rmemMax: 212_992 });
    expect(capped?.hint).toContain('sysctl -w net.core.rmem_max=4194304');
  });
});
