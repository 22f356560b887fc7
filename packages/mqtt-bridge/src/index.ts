// Public surface of @ssdp/mqtt-bridge: share a control point's live registry through an MQTT broker
// (attachMqttBridge), and read every site's registry back (createMqttView). The topic layout is in the README.
export { attachMqttBridge, MqttBridge } from './attach-mqtt-bridge.ts';
export type {
  MqttBridgeComponents,
  MqttBridgeEventMap,
  MqttBridgeOptions,
  MqttBridgeStats,
  RegistrySource,
} from './attach-mqtt-bridge.ts';
export { createMqttView, MqttView } from './mqtt-view.ts';
export type {
  MqttViewComponents,
  MqttViewEventMap,
  MqttViewOptions,
  SiteRemovalReason,
  SiteStatus,
} from './mqtt-view.ts';
export type { SiteDevice } from './site-registry.ts';
export type { BrokerOptions } from './broker-options.ts';
export { parseBrokerUrl } from './broker-options.ts';
export type { BrokerClient, ClientInit, ConnectBroker } from './broker-client.ts';
export type { ConnectionState, ConnectionStatus } from './broker-connection.ts';
export type { PublisherStats } from './registry-publisher.ts';
export { MqttBridgeError, isMqttBridgeError } from './errors.ts';
export type { MqttBridgeErrorCode } from './errors.ts';
export {
  DEFAULT_TOPIC_PREFIX,
  STATUS_OFFLINE,
  STATUS_ONLINE,
  decodeUdn,
  deviceTopic,
  devicesFilter,
  encodeUdn,
  parseTopic,
  statusTopic,
  validateSite,
  validateTopicPrefix,
} from './topics.ts';
