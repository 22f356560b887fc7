// The topic layout (README "Topics"): PREFIX/SITE/status and PREFIX/SITE/devices/UDN. A UDN is one topic level:
// the characters MQTT gives a meaning to (/ + #), NUL and % itself are percent-encoded, so any UDN round-trips.
import { MqttBridgeError } from './errors.ts';

export const DEFAULT_TOPIC_PREFIX = 'ssdp';
/** The retained payloads of PREFIX/SITE/status. */
export const STATUS_ONLINE = 'online';
export const STATUS_OFFLINE = 'offline';

const MAX_LEVEL_LENGTH = 256;
/** Characters that cannot stand in a topic level as they are: the separator, the wildcards and NUL. */
const hasSpecial = (text: string, also = ''): boolean => [...`/+#\u0000${also}`].some((c) => text.includes(c));

/** A site name: one topic level, no wildcard. `+` (every site) only where `allowWildcard`. */
export function validateSite(site: string, allowWildcard = false): string {
  if (allowWildcard && site === '+') return site;
  if (site === '' || site.length > MAX_LEVEL_LENGTH || hasSpecial(site)) {
    throw new MqttBridgeError(
      'SSDP_ERR_MQTT_OPTION',
      `site must be one MQTT topic level without / + # (1..${MAX_LEVEL_LENGTH} characters): ${JSON.stringify(site)}`,
    );
  }
  return site;
}

/** A topic prefix: one or more levels (`ssdp`, `home/ssdp`), no wildcard, no empty level, not a `$` topic. */
export function validateTopicPrefix(prefix: string): string {
  const levels = prefix.split('/');
  if (
    prefix.length > 1024 ||
    prefix.startsWith('$') ||
    hasSpecial(prefix.replaceAll('/', '')) ||
    levels.some((level) => level === '')
  ) {
    throw new MqttBridgeError(
      'SSDP_ERR_MQTT_OPTION',
      `topic prefix must be MQTT topic levels without + # or empty levels, not starting with $: ${JSON.stringify(prefix)}`,
    );
  }
  return prefix;
}

export function encodeUdn(udn: string): string {
  return [...udn]
    .map((c) => (hasSpecial(c, '%') ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c))
    .join('');
}

export function decodeUdn(level: string): string {
  return level.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export const statusTopic = (prefix: string, site: string): string => `${prefix}/${site}/status`;
export const deviceTopic = (prefix: string, site: string, udn: string): string =>
  `${prefix}/${site}/devices/${encodeUdn(udn)}`;
/** The subscription for every device of `site` (`+` for every site). */
export const devicesFilter = (prefix: string, site: string): string => `${prefix}/${site}/devices/+`;

export type ParsedTopic =
  | { readonly kind: 'status'; readonly site: string }
  | { readonly kind: 'device'; readonly site: string; readonly udn: string };

/** What a topic under `prefix` is, or undefined for anything else. */
export function parseTopic(prefix: string, topic: string): ParsedTopic | undefined {
  if (!topic.startsWith(`${prefix}/`)) return undefined;
  const levels = topic.slice(prefix.length + 1).split('/');
  const site = levels[0];
  if (site === undefined || site === '') return undefined;
  if (levels.length === 2 && levels[1] === 'status') return { kind: 'status', site };
  if (levels.length === 3 && levels[1] === 'devices' && levels[2] !== '')
    return { kind: 'device', site, udn: decodeUdn(levels[2]!) };
  return undefined;
}
