// A small valid PNG, made here (no binary fixture): a rounded square in one colour with a lighter dot.
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

export function makeIcon(size: number, rgb: readonly [number, number, number]): Buffer {
  const rows: Buffer[] = [];
  const r = size / 2;
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x += 1) {
      const dx = Math.abs(x + 0.5 - r);
      const dy = Math.abs(y + 0.5 - r);
      const corner = Math.max(0, dx - r * 0.6) ** 2 + Math.max(0, dy - r * 0.6) ** 2 > (r * 0.4) ** 2;
      const dot = dx * dx + dy * dy < (r * 0.35) ** 2;
      const [red, green, blue] = dot ? rgb.map((c) => Math.min(255, c + 120)) : rgb;
      row.set([red!, green!, blue!, corner ? 0 : 255], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
