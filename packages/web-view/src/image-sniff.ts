// Which raster format a body is, from its first bytes. Only these are served as icons: never SVG or anything that
// can carry script, whatever the device's Content-Type says.
export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/bmp' | 'image/x-icon';

function startsWith(body: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (body.byteLength < offset + bytes.length) return false;
  return bytes.every((byte, index) => body[offset + index] === byte);
}

export function sniffImage(body: Uint8Array): ImageType | undefined {
  if (startsWith(body, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(body, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(body, [0x47, 0x49, 0x46, 0x38, 0x37, 0x61]) || startsWith(body, [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]))
    return 'image/gif';
  if (startsWith(body, [0x52, 0x49, 0x46, 0x46]) && startsWith(body, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (startsWith(body, [0x42, 0x4d]) && body.byteLength > 26) return 'image/bmp';
  if (startsWith(body, [0x00, 0x00, 0x01, 0x00]) && body.byteLength > 22) return 'image/x-icon';
  return undefined;
}
