// The MQTT flags of ssdp-controller: --mqtt URL publishes the registry, --from-mqtt URL shows the broker's
// registries instead of searching; --site, --mqtt-topic and --mqtt-ca go with either. Credentials come from
// SSDP_MQTT_USERNAME / SSDP_MQTT_PASSWORD only, never from the command line.
import { stringFlag, type FlagValues } from '@ssdp/cli-kit';
import { isMqttBridgeError, parseBrokerUrl, validateSite, validateTopicPrefix } from '@ssdp/mqtt-bridge';

export const mqttOptions = {
  mqtt: { type: 'string' },
  'from-mqtt': { type: 'string' },
  site: { type: 'string' },
  'mqtt-topic': { type: 'string' },
  'mqtt-ca': { type: 'string' },
} as const;

export const mqttUsage = `      --mqtt <url>                    publish the registry to an MQTT broker (mqtt://host[:port], mqtts:// for TLS);
                                      user name and password from SSDP_MQTT_USERNAME / SSDP_MQTT_PASSWORD
      --from-mqtt <url>               do not search: show the devices that sites publish to the broker
      --site <name|+>                 the site: --mqtt publishes as it (default: the host name); --from-mqtt
                                      shows it, or + for every site (default +)
      --mqtt-topic <prefix>           topic prefix (default ssdp)
      --mqtt-ca <file>                PEM CA certificate of the broker, for mqtts://
`;

export interface MqttArguments {
  /** publish: --mqtt; view: --from-mqtt. */
  readonly mode: 'publish' | 'view';
  readonly url: string;
  /** undefined: the host name (publish) or every site (view). */
  readonly site: string | undefined;
  readonly topicPrefix: string;
  readonly caFile: string | undefined;
}

/** The MQTT part of the arguments; `fail` throws the CLI's usage error. */
export function parseMqttArguments(
  values: FlagValues,
  once: boolean,
  fail: (message: string) => never,
): MqttArguments | undefined {
  const publish = stringFlag(values, 'mqtt');
  const view = stringFlag(values, 'from-mqtt');
  const site = stringFlag(values, 'site');
  const topicPrefix = stringFlag(values, 'mqtt-topic');
  const caFile = stringFlag(values, 'mqtt-ca');
  if (publish !== undefined && view !== undefined) fail('--mqtt and --from-mqtt do not go together');
  const url = publish ?? view;
  if (url === undefined) {
    const stray = ['site', 'mqtt-topic', 'mqtt-ca'].find((name) => stringFlag(values, name) !== undefined);
    if (stray !== undefined) fail(`--${stray} needs --mqtt or --from-mqtt`);
    return undefined;
  }
  const mode = publish !== undefined ? 'publish' : 'view';
  if (mode === 'view' && once) fail('--from-mqtt does not go with --once');
  try {
    const { tls } = parseBrokerUrl(url);
    if (caFile !== undefined && !tls) fail('--mqtt-ca needs an mqtts:// URL');
    if (site !== undefined) validateSite(site, mode === 'view');
    if (topicPrefix !== undefined) validateTopicPrefix(topicPrefix);
  } catch (error) {
    if (isMqttBridgeError(error))
      fail(
        error.code === 'SSDP_ERR_MQTT_URL'
          ? `${mode === 'view' ? '--from-mqtt' : '--mqtt'}: ${error.message}`
          : error.message,
      );
    throw error;
  }
  return { mode, url, site, topicPrefix: topicPrefix ?? 'ssdp', caFile };
}
