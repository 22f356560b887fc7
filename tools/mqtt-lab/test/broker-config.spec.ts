import { describe, expect, it } from 'vitest';
import { brokerConfig } from '../src/broker-config.ts';

describe('brokerConfig', () => {
  it('writes one listener per address with its auth and TLS, and persistence saved every second', () => {
    const text = brokerConfig({
      runAsRoot: true,
      persistenceDir: '/tmp/x',
      passwordFile: '/tmp/x/passwd',
      listeners: [
        { port: 1883, bind: '10.77.0.2', auth: 'anonymous' },
        { port: 1884, bind: '10.77.0.2', auth: 'password' },
        {
          port: 8883,
          bind: '127.0.0.1',
          auth: 'anonymous',
          tls: { caFile: '/c/ca.pem', certFile: '/c/s.pem', keyFile: '/c/s.key' },
        },
      ],
    });
    expect(text).toContain('user root\n');
    expect(text).toContain('persistence_location /tmp/x/\nautosave_interval 1\n');
    expect(text).toContain('listener 1883 10.77.0.2\nallow_anonymous true\n');
    expect(text).toContain('listener 1884 10.77.0.2\nallow_anonymous false\npassword_file /tmp/x/passwd\n');
    expect(text).toContain(
      'listener 8883 127.0.0.1\nallow_anonymous true\ncafile /c/ca.pem\ncertfile /c/s.pem\nkeyfile /c/s.key\n',
    );
  });

  it('never binds to every address', () => {
    expect(() =>
      brokerConfig({ runAsRoot: false, listeners: [{ port: 1883, bind: '0.0.0.0', auth: 'anonymous' }] }),
    ).toThrow(/never to all/);
  });
});
