import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import {
  parseSocketLink,
  parseUdpSocketTable,
  readUdpSocketTables,
  socketFd,
  socketInode,
} from '../src/kernel-drops.ts';

// Captured on Linux 6.18: a socket on 127.0.0.1 with a 4096-byte SO_RCVBUF that was sent 300 datagrams while its
// process was blocked (294 dropped), plus a second row with bytes still queued, and an IPv6 row in udp6's layout.
const UDP = [
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            ',
  '  169: 0100007F:D874 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 13773 2 00000000d42a04b0 294       ',
  '  171: FAFFFFEF:076C 00000000:0000 07 00000000:00000900 00:00000000 00000000     0        0 13790 2 00000000a1b2c3d4 0         ',
  '',
].join('\n');
const UDP6 = [
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
  '  1024: 00000000000000000000000001000000:076C 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 23456 2 0000000012345678 7',
  '',
].join('\n');

describe('parseUdpSocketTable', () => {
  it('reads inode, drops and the receive queue of each row, by inode', () => {
    const rows = parseUdpSocketTable(UDP);
    expect([...rows.keys()]).toEqual([13773, 13790]);
    expect(rows.get(13773)).toEqual({ inode: 13773, local: '0100007F:D874', rxQueue: 0, drops: 294 });
    expect(rows.get(13790)).toMatchObject({ rxQueue: 0x900, drops: 0 });
    expect(parseUdpSocketTable(UDP6).get(23456)).toMatchObject({
      local: '00000000000000000000000001000000:076C',
      drops: 7,
    });
  });

  it('skips the header, blank, truncated and garbled lines, and inode 0', () => {
    const text = [
      UDP.split('\n')[0],
      '  172: 0100007F:D874 00000000:0000 07',
      '  173: 0100007F:D874 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 xyz 2 0000 1',
      '  174: 0100007F:D874 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 0 2 0000 1',
      'garbage 0100007F:D874 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 55 2 0000 1',
      '',
    ].join('\n');
    expect(parseUdpSocketTable(text).size).toBe(0);
    expect(parseUdpSocketTable('').size).toBe(0);
  });
});

describe('readUdpSocketTables', () => {
  it('merges udp and udp6, and tolerates a missing udp6', () => {
    const files: Record<string, string> = { '/proc/net/udp': UDP, '/proc/net/udp6': UDP6 };
    const read = (path: string): string => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return text;
    };
    expect([...(readUdpSocketTables(read)?.keys() ?? [])]).toEqual([13773, 13790, 23456]);
    delete files['/proc/net/udp6'];
    expect([...(readUdpSocketTables(read)?.keys() ?? [])]).toEqual([13773, 13790]);
  });

  it('is undefined (and does not throw) where neither table exists', () => {
    expect(
      readUdpSocketTables(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });
});

describe('socket inodes', () => {
  it('parses socket:[inode] links only', () => {
    expect(parseSocketLink('socket:[13773]')).toBe(13773);
    for (const link of ['pipe:[13773]', 'socket:[]', 'socket:13773', '/dev/null', 'anon_inode:[eventfd]'])
      expect(parseSocketLink(link)).toBeUndefined();
  });

  it('finds a bound socket by its inode in /proc/net/udp (Linux), and gives up quietly otherwise', async (context) => {
    if (process.platform !== 'linux') context.skip();
    const socket = dgram.createSocket('udp4');
    expect(socketFd(socket)).toBeUndefined(); // not bound yet: no fd
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    try {
      const inode = socketInode(socket);
      expect(inode).toBeGreaterThan(0);
      const row = readUdpSocketTables()?.get(inode!);
      expect(row?.local).toBe(`0100007F:${socket.address().port.toString(16).toUpperCase().padStart(4, '0')}`);
      expect(row?.drops).toBe(0);
      expect(socketInode(socket, () => 'pipe:[1]')).toBeUndefined();
      expect(
        socketInode(socket, () => {
          throw new Error('EACCES');
        }),
      ).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => socket.close(resolve));
    }
    expect(socketInode(socket)).toBeUndefined(); // closed: no fd
    expect(socketFd({} as dgram.Socket)).toBeUndefined();
  });
});
