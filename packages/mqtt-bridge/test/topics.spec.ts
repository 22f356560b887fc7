import { describe, expect, it } from 'vitest';
import { classifyError } from '../src/broker-connection.ts';
import { parseBrokerUrl } from '../src/broker-options.ts';
import { decodeUdn, deviceTopic, encodeUdn, parseTopic, statusTopic } from '../src/topics.ts';

describe('topic layout', () => {
  it('puts a device at PREFIX/SITE/devices/UDN and the status at PREFIX/SITE/status', () => {
    expect(deviceTopic('ssdp', 'home', 'uuid:5582983f-de46')).toBe('ssdp/home/devices/uuid:5582983f-de46');
    expect(statusTopic('home/ssdp', 'lab')).toBe('home/ssdp/lab/status');
    expect(parseTopic('home/ssdp', 'home/ssdp/lab/status')).toEqual({ kind: 'status', site: 'lab' });
    expect(parseTopic('ssdp', 'ssdp/lab/devices/uuid:a')).toEqual({ kind: 'device', site: 'lab', udn: 'uuid:a' });
    expect(parseTopic('ssdp', 'ssdp/lab/devices')).toBeUndefined();
    expect(parseTopic('ssdp', 'ssdp/lab/devices/a/b')).toBeUndefined();
    expect(parseTopic('ssdp', 'other/lab/status')).toBeUndefined();
  });

  it('round-trips any UDN through one topic level', () => {
    for (const udn of ['uuid:a', 'a/b+c#d%e\u0000f', '%2F', 'uuid:x::upnp:rootdevice@10.0.0.1']) {
      const level = encodeUdn(udn);
      expect([...'/+#\u0000'].filter((c) => level.includes(c))).toEqual([]);
      expect(decodeUdn(level)).toBe(udn);
      expect(parseTopic('ssdp', deviceTopic('ssdp', 's', udn))).toEqual({ kind: 'device', site: 's', udn });
    }
  });
});

describe('broker URL and errors', () => {
  it('shows scheme, host and port, with the default ports', () => {
    expect(parseBrokerUrl('mqtt://broker')).toEqual({ displayUrl: 'mqtt://broker:1883', tls: false });
    expect(parseBrokerUrl('mqtts://10.0.0.1:9999/')).toEqual({ displayUrl: 'mqtts://10.0.0.1:9999', tls: true });
  });

  it('refused credentials and an untrusted certificate are fatal; network errors are not', () => {
    expect(
      classifyError(Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }), 'mqtt://b:1883')?.code,
    ).toBe('SSDP_ERR_MQTT_REFUSED');
    expect(
      classifyError(
        Object.assign(new Error('Connection refused: Bad username or password'), { code: 4 }),
        'mqtt://b:1883',
      )?.code,
    ).toBe('SSDP_ERR_MQTT_REFUSED');
    expect(
      classifyError(Object.assign(new Error('Connection refused: Server unavailable'), { code: 3 }), 'mqtt://b:1883'),
    ).toBeUndefined();
    expect(
      classifyError(
        Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
        'mqtts://b:8883',
      )?.code,
    ).toBe('SSDP_ERR_MQTT_TLS');
    expect(
      classifyError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'mqtt://b:1883'),
    ).toBeUndefined();
  });
});
