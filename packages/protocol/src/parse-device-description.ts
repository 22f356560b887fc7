import { XMLParser } from 'fast-xml-parser';
import { advertisementSet } from './advertisement-set.ts';
import { readDecimal } from './decimal.ts';
import type { DescribedDevice, DescribedIcon, DescribedService, DeviceDescription } from './device-description.ts';
import { SsdpError, type SsdpErrorCode } from './errors.ts';
import { decodeUtf8, utf8ByteOffset } from './text-codec.ts';

/** Bounds for parsing an untrusted description document. */
export interface DescriptionLimits {
  /** Largest document in bytes (characters for string input). Default 262144 (256 KiB). */
  readonly maxBytes: number;
  /** Deepest element nesting. Default 32 (room for about 14 levels of embedded devices). */
  readonly maxDepth: number;
  /** Most elements in the document. Default 4096. */
  readonly maxElements: number;
}

/** The default {@link DescriptionLimits}. */
export const DEFAULT_DESCRIPTION_LIMITS: DescriptionLimits = Object.freeze({
  maxBytes: 262_144,
  maxDepth: 32,
  maxElements: 4096,
});

/** Result of {@link parseDeviceDescription}. */
export type DescriptionResult =
  { readonly ok: true; readonly description: DeviceDescription } | { readonly ok: false; readonly error: SsdpError };

/**
 * Unwinds out of the checks and the recursive mapper (through devices and list callbacks, where a result value at
 * every call would bury the mapping); `at` is a character offset, which parseDeviceDescription turns into bytes.
 */
function fail(code: SsdpErrorCode, message: string, at = -1): never {
  throw new SsdpError(code, message, at < 0 ? {} : { offset: at });
}

/**
 * One linear pass before the XML library sees the text: rejects every `<!` declaration except comments and
 * CDATA (so DOCTYPE and ENTITY, hence entity expansion and external entities, never reach the parser), and
 * enforces the depth and element limits exactly, with offsets.
 */
function prescan(text: string, limits: DescriptionLimits): void {
  let depth = 0;
  let elements = 0;
  let i = text.indexOf('<');
  checkReferences(text, 0, i < 0 ? text.length : i);
  while (i >= 0) {
    const next = text.charCodeAt(i + 1);
    let end: number;
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', i)) end = closeOf(text, '-->', i + 4);
      else if (text.startsWith('<![CDATA[', i)) end = closeOf(text, ']]>', i + 9);
      else fail('SSDP_ERR_XML_FORBIDDEN', 'DOCTYPE, ENTITY and other declarations are not accepted', i);
    } else if (next === 0x3f /* ? */) {
      end = closeOf(text, '?>', i + 2);
    } else if (next === 0x2f /* / */) {
      end = closeOf(text, '>', i + 2);
      depth--;
    } else {
      if (++elements > limits.maxElements) {
        fail('SSDP_ERR_XML_TOO_MANY_ELEMENTS', `more than ${limits.maxElements} elements`, i);
      }
      end = tagEnd(text, i + 1);
      checkReferences(text, i, end); // attribute values
      if (text.charCodeAt(end - 2) !== 0x2f /* not self-closing */ && ++depth > limits.maxDepth) {
        fail('SSDP_ERR_XML_TOO_DEEP', `elements nested deeper than ${limits.maxDepth}`, i);
      }
    }
    i = text.indexOf('<', end);
    checkReferences(text, end, i < 0 ? text.length : i); // character data up to the next markup
  }
}

/**
 * Every `&` in `text[from, to)` must start a predefined entity or a character reference: with no DTD allowed,
 * any other reference is a well-formedness error, wherever it appears (not only in elements that are read).
 */
function checkReferences(text: string, from: number, to: number): void {
  for (let amp = text.indexOf('&', from); amp >= 0 && amp < to; amp = text.indexOf('&', amp + 1)) {
    const semi = text.indexOf(';', amp);
    if (semi < 0 || semi > to || semi - amp > 12 || decodeReference(text.slice(amp + 1, semi)) === undefined) {
      fail('SSDP_ERR_XML_MALFORMED', 'unknown or malformed entity reference', amp);
    }
  }
}

/** Index just past `close` searched from `from`. */
function closeOf(text: string, close: string, from: number): number {
  const at = text.indexOf(close, from);
  if (at < 0) fail('SSDP_ERR_XML_MALFORMED', `unterminated markup, expected ${close}`, from);
  return at + close.length;
}

/** Index just past the `>` of a start tag, skipping quoted attribute values. */
function tagEnd(text: string, from: number): number {
  let quote = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return i + 1;
  }
  return fail('SSDP_ERR_XML_MALFORMED', 'unterminated start tag', from - 1);
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** The text of `&name;`: one of the five predefined entities or a character reference; else undefined. */
function decodeReference(name: string): string | undefined {
  if (Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name];
  if (!name.startsWith('#')) return undefined;
  const hex = name.startsWith('#x');
  const digits = name.slice(hex ? 2 : 1);
  const valid = digits.length > 0 && digits.length <= 8 && (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits);
  const code = valid ? Number.parseInt(digits, hex ? 16 : 10) : -1;
  return isXmlChar(code) ? String.fromCodePoint(code) : undefined;
}

/** Decodes the five predefined entities and character references (prescan already rejected anything else). */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  let out = '';
  let last = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', last)) {
    const semi = text.indexOf(';', amp);
    const name = semi < 0 ? '' : text.slice(amp + 1, semi);
    const decoded = decodeReference(name);
    if (decoded === undefined) fail('SSDP_ERR_XML_MALFORMED', `unknown entity &${name.slice(0, 10)};`);
    out += text.slice(last, amp) + decoded;
    last = semi + 1;
  }
  return out + text.slice(last);
}

type XmlNode = Record<string, unknown>;

function asNode(value: unknown): XmlNode | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlNode) : undefined;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** Text of a leaf element (entities decoded, CDATA kept verbatim), or undefined when absent. */
function textOf(node: XmlNode, name: string): string | undefined {
  const value = first(node[name]);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return decodeEntities(value);
  const element = asNode(value);
  if (element === undefined) return String(value);
  const text = typeof element['#text'] === 'string' ? decodeEntities(element['#text']) : '';
  const cdata = element['#cdata'];
  const cdataText = Array.isArray(cdata) ? cdata.join('') : typeof cdata === 'string' ? cdata : '';
  return text + cdataText;
}

function required(node: XmlNode, name: string, where: string): string {
  const value = textOf(node, name);
  if (value === undefined || value.length === 0) fail('SSDP_ERR_DESCRIPTION_INVALID', `${where} has no ${name}`);
  return value;
}

function number(node: XmlNode, name: string, where: string): number {
  const text = required(node, name, where);
  const value = readDecimal(text, 0, text.length, 2_147_483_647);
  if (value < 0) fail('SSDP_ERR_DESCRIPTION_INVALID', `${where} ${name} is not a non-negative integer`);
  return value;
}

/** Children named `item` of the list element `list` (e.g. iconList/icon). */
function listOf(node: XmlNode, list: string, item: string): XmlNode[] {
  const container = asNode(first(node[list]));
  if (container === undefined) return [];
  const items = container[item];
  const array = Array.isArray(items) ? items : items === undefined ? [] : [items];
  return array.map((entry) => asNode(entry) ?? fail('SSDP_ERR_DESCRIPTION_INVALID', `${list} holds an empty ${item}`));
}

/** Sets `key` only when the element exists, so absent elements stay absent properties. */
function withOptional(target: Record<string, unknown>, key: string, value: string | undefined): void {
  if (value !== undefined) target[key] = value;
}

function mapIcon(node: XmlNode): DescribedIcon {
  return {
    mimetype: required(node, 'mimetype', 'icon'),
    width: number(node, 'width', 'icon'),
    height: number(node, 'height', 'icon'),
    depth: number(node, 'depth', 'icon'),
    url: required(node, 'url', 'icon'),
  };
}

function mapService(node: XmlNode): DescribedService {
  return {
    serviceType: required(node, 'serviceType', 'service'),
    serviceId: required(node, 'serviceId', 'service'),
    scpdURL: textOf(node, 'SCPDURL') ?? '',
    controlURL: textOf(node, 'controlURL') ?? '',
    eventSubURL: textOf(node, 'eventSubURL') ?? '',
  };
}

function mapDevice(node: XmlNode): DescribedDevice {
  const device: Record<string, unknown> = {
    deviceType: required(node, 'deviceType', 'device'),
    friendlyName: textOf(node, 'friendlyName') ?? '',
    manufacturer: textOf(node, 'manufacturer') ?? '',
  };
  withOptional(device, 'manufacturerURL', textOf(node, 'manufacturerURL'));
  withOptional(device, 'modelDescription', textOf(node, 'modelDescription'));
  device['modelName'] = textOf(node, 'modelName') ?? '';
  withOptional(device, 'modelNumber', textOf(node, 'modelNumber'));
  withOptional(device, 'modelURL', textOf(node, 'modelURL'));
  withOptional(device, 'serialNumber', textOf(node, 'serialNumber'));
  device['udn'] = required(node, 'UDN', 'device');
  withOptional(device, 'upc', textOf(node, 'UPC'));
  withOptional(device, 'presentationURL', textOf(node, 'presentationURL'));
  device['icons'] = listOf(node, 'iconList', 'icon').map(mapIcon);
  device['services'] = listOf(node, 'serviceList', 'service').map(mapService);
  device['devices'] = listOf(node, 'deviceList', 'device').map(mapDevice);
  return device as unknown as DescribedDevice;
}

function mapDescription(document: XmlNode): DeviceDescription {
  const root = asNode(first(document['root']));
  if (root === undefined) fail('SSDP_ERR_DESCRIPTION_INVALID', 'the document element is not root');
  const spec = asNode(first(root['specVersion']));
  if (spec === undefined) fail('SSDP_ERR_DESCRIPTION_INVALID', 'root has no specVersion');
  const deviceNode = asNode(first(root['device']));
  if (deviceNode === undefined) fail('SSDP_ERR_DESCRIPTION_INVALID', 'root has no device');
  const description: Record<string, unknown> = {
    specVersion: { major: number(spec, 'major', 'specVersion'), minor: number(spec, 'minor', 'specVersion') },
  };
  const configId = root['@_configId'];
  if (typeof configId === 'string') {
    const value = readDecimal(configId.trim(), 0, configId.trim().length, 2_147_483_647);
    if (value < 0) fail('SSDP_ERR_DESCRIPTION_INVALID', 'root configId is not a non-negative 31-bit integer');
    description['configId'] = value;
  }
  withOptional(description, 'urlBase', textOf(root, 'URLBase'));
  const device = mapDevice(deviceNode);
  try {
    advertisementSet(device);
  } catch (error) {
    fail('SSDP_ERR_DESCRIPTION_INVALID', error instanceof Error ? error.message : 'invalid device tree');
  }
  description['device'] = device;
  return description as unknown as DeviceDescription;
}

function createXmlParser(limits: DescriptionLimits): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    // Entities are decoded by decodeEntities after the fact; the library must never expand anything itself.
    processEntities: false,
    htmlEntities: false,
    removeNSPrefix: true,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: '#cdata',
    maxNestedTags: limits.maxDepth + 1,
    isArray: (name) => name === 'icon' || name === 'service' || name === 'device',
  });
}

/**
 * Parses a root device description (UDA §2.3) from untrusted input. **Never throws.**
 *
 * Bounded: size, depth and element count are checked in one linear pre-pass before fast-xml-parser runs, and
 * any DOCTYPE, ENTITY or other `<!` declaration is rejected outright (`SSDP_ERR_XML_FORBIDDEN`), so neither
 * internal entity expansion (billion laughs) nor external entities can happen. Only the five predefined
 * entities and character references are decoded. Namespace prefixes are ignored; unknown elements are skipped.
 *
 * Required: `root/specVersion/major|minor`, `device/deviceType` (a device URN), `device/UDN` (`uuid:…`, unique in
 * the tree), and for each service `serviceType` (a service URN) and `serviceId`; each icon needs all five
 * children. UDA also requires friendlyName, manufacturer and modelName: when absent they read as `''`.
 */
export function parseDeviceDescription(
  input: string | Uint8Array,
  limits?: Partial<DescriptionLimits>,
): DescriptionResult {
  const pick = (value: number | undefined, fallback: number): number =>
    typeof value === 'number' && value >= 0 ? value : fallback; // NaN or junk keeps the default
  const effective: DescriptionLimits = {
    maxBytes: pick(limits?.maxBytes, DEFAULT_DESCRIPTION_LIMITS.maxBytes),
    maxDepth: pick(limits?.maxDepth, DEFAULT_DESCRIPTION_LIMITS.maxDepth),
    maxElements: pick(limits?.maxElements, DEFAULT_DESCRIPTION_LIMITS.maxElements),
  };
  const isBytes = typeof input !== 'string';
  let text = '';
  let bomSize = 0;
  try {
    if (isBytes && !(input instanceof Uint8Array)) {
      fail('SSDP_ERR_INVALID_ARGUMENT', 'input must be a string or a Uint8Array');
    }
    if (input.length > effective.maxBytes) {
      fail('SSDP_ERR_XML_TOO_LARGE', `document larger than ${effective.maxBytes}`, effective.maxBytes);
    }
    text = isBytes ? decodeUtf8(input) : input;
    if (text.charCodeAt(0) === 0xfeff) {
      // A byte order mark is allowed; offsets below are shifted back by its size.
      text = text.slice(1);
      bomSize = isBytes ? 3 : 1;
    }
    prescan(text, effective);
    let document: unknown;
    try {
      document = createXmlParser(effective).parse(text, true);
    } catch (error) {
      fail('SSDP_ERR_XML_MALFORMED', `not well-formed XML: ${error instanceof Error ? error.message : String(error)}`);
    }
    const node = asNode(document);
    if (node === undefined) fail('SSDP_ERR_DESCRIPTION_INVALID', 'empty document');
    return { ok: true, description: mapDescription(node) };
  } catch (error) {
    if (error instanceof SsdpError) return { ok: false, error: atByteOffset(error, text, isBytes, bomSize) };
    return {
      ok: false,
      error: new SsdpError('SSDP_ERR_INTERNAL', `internal description parser error: ${String(error)}`),
    };
  }
}

/** The error with its character offset into `text` turned into one into the input (bytes for byte input). */
function atByteOffset(error: SsdpError, text: string, isBytes: boolean, bomSize: number): SsdpError {
  const at = error.offset;
  if (at === undefined || error.code === 'SSDP_ERR_XML_TOO_LARGE') return error;
  const inText = isBytes ? utf8ByteOffset(text, at) : at;
  return new SsdpError(error.code, error.message, inText === undefined ? {} : { offset: inText + bomSize });
}
