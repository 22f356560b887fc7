import { advertisementSet } from './advertisement-set.ts';
import type { DescribedDevice, DescribedIcon, DescribedService, DeviceDescription } from './device-description.ts';
import { DEVICE_DESCRIPTION_NAMESPACE } from './device-description.ts';
import { SsdpError } from './errors.ts';

/** True for characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF). */
function hasInvalidXmlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    if (c === 0xfffe || c === 0xffff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

/** Escapes text for element content and attribute values; CR is written as a reference so it survives parsing. */
function escapeXml(text: string, what: string): string {
  if (hasInvalidXmlChar(text)) {
    throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `${what} holds a character XML 1.0 cannot carry`);
  }
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
    .replaceAll('\r', '&#13;');
}

function checkCount(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > 2_147_483_647) {
    throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `${what} must be a non-negative integer: ${value}`);
  }
  return value;
}

class XmlWriter {
  private readonly lines: string[] = [];
  private depth = 0;
  open(name: string, attributes = ''): void {
    this.lines.push(`${'  '.repeat(this.depth)}<${name}${attributes}>`);
    this.depth++;
  }
  close(name: string): void {
    this.depth--;
    this.lines.push(`${'  '.repeat(this.depth)}</${name}>`);
  }
  /** One element holding `value` (a number must be a non-negative 31-bit integer); nothing when undefined. */
  text(name: string, value: string | number | undefined): void {
    if (value === undefined) return;
    const content = typeof value === 'number' ? String(checkCount(value, name)) : escapeXml(value, name);
    this.lines.push(`${'  '.repeat(this.depth)}<${name}>${content}</${name}>`);
  }
  /** `<parent>` holding one element per [element, key] pair, in that order. */
  record<T>(parent: string, value: T, elements: readonly (readonly [string, keyof T])[]): void {
    this.open(parent);
    for (const [name, key] of elements) this.text(name, value[key] as string | number | undefined);
    this.close(parent);
  }
  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

// The children of each element, in UDA order: [element name, field of the described value].
const ICON_ELEMENTS = [
  ['mimetype', 'mimetype'],
  ['width', 'width'],
  ['height', 'height'],
  ['depth', 'depth'],
  ['url', 'url'],
] as const satisfies readonly (readonly [string, keyof DescribedIcon])[];
const SERVICE_ELEMENTS = [
  ['serviceType', 'serviceType'],
  ['serviceId', 'serviceId'],
  ['SCPDURL', 'scpdURL'],
  ['controlURL', 'controlURL'],
  ['eventSubURL', 'eventSubURL'],
] as const satisfies readonly (readonly [string, keyof DescribedService])[];
const DEVICE_TEXT_ELEMENTS = [
  ['deviceType', 'deviceType'],
  ['friendlyName', 'friendlyName'],
  ['manufacturer', 'manufacturer'],
  ['manufacturerURL', 'manufacturerURL'],
  ['modelDescription', 'modelDescription'],
  ['modelName', 'modelName'],
  ['modelNumber', 'modelNumber'],
  ['modelURL', 'modelURL'],
  ['serialNumber', 'serialNumber'],
  ['UDN', 'udn'],
  ['UPC', 'upc'],
] as const satisfies readonly (readonly [string, keyof DescribedDevice])[];

function writeDevice(xml: XmlWriter, device: DescribedDevice): void {
  xml.open('device');
  for (const [name, key] of DEVICE_TEXT_ELEMENTS) xml.text(name, device[key]);
  if (device.icons.length > 0) {
    xml.open('iconList');
    for (const icon of device.icons) xml.record('icon', icon, ICON_ELEMENTS);
    xml.close('iconList');
  }
  if (device.services.length > 0) {
    xml.open('serviceList');
    for (const service of device.services) xml.record('service', service, SERVICE_ELEMENTS);
    xml.close('serviceList');
  }
  if (device.devices.length > 0) {
    xml.open('deviceList');
    for (const embedded of device.devices) writeDevice(xml, embedded);
    xml.close('deviceList');
  }
  xml.text('presentationURL', device.presentationURL);
  xml.close('device');
}

/**
 * Builds a root device description document (UDA §2.3) in the UDA element order, with every text escaped.
 * {@link parseDeviceDescription} reads it back to an equal value.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_DEVICE` for a device tree that cannot be advertised (bad UDN or
 *   type, duplicate UDN); `SSDP_ERR_INVALID_ARGUMENT` for characters XML cannot carry or bad numbers.
 */
export function buildDeviceDescription(description: DeviceDescription): string {
  advertisementSet(description.device); // validates the identity of every device
  const xml = new XmlWriter();
  const configId =
    description.configId === undefined ? '' : ` configId="${checkCount(description.configId, 'configId')}"`;
  xml.open('root', ` xmlns="${DEVICE_DESCRIPTION_NAMESPACE}"${configId}`);
  xml.record('specVersion', description.specVersion, [
    ['major', 'major'],
    ['minor', 'minor'],
  ]);
  xml.text('URLBase', description.urlBase);
  writeDevice(xml, description.device);
  xml.close('root');
  return `<?xml version="1.0" encoding="utf-8"?>\n${xml.toString()}`;
}
