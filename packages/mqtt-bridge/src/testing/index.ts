// @ssdp/mqtt-bridge/testing: an in-memory broker to test code that uses the bridge or the view without a real one.
// Pass `broker.connect` as the `connect` component of attachMqttBridge / createMqttView.
export { FakeBroker, FakeClient, topicMatches } from './fake-broker.ts';
export type { PublishRecord } from './fake-broker.ts';
