// The broker's configuration, written by the lab: listeners only where the lab says (inside its namespaces),
// anonymous, password and TLS listeners, persistence saved every second (so a kill -9 restarts with a known state),
// logs on stderr (unbuffered: the lab waits for "running").
export interface ListenerInit {
  readonly port: number;
  /** An address of the namespace the broker runs in (never 0.0.0.0 on the host). */
  readonly bind: string;
  readonly auth: 'anonymous' | 'password';
  readonly tls?: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
}

export interface BrokerConfigInit {
  readonly listeners: readonly ListenerInit[];
  readonly passwordFile?: string;
  /** Directory of mosquitto.db; omitted: no persistence. */
  readonly persistenceDir?: string;
  /** Run as root instead of dropping to the `mosquitto` user (which may not exist here). */
  readonly runAsRoot: boolean;
}

export function brokerConfig(init: BrokerConfigInit): string {
  const lines = [
    '# Written by tools/mqtt-lab for one test run.',
    'per_listener_settings true',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
  ];
  if (init.runAsRoot) lines.push('user root');
  if (init.persistenceDir !== undefined) {
    lines.push(
      'persistence true',
      `persistence_location ${init.persistenceDir.endsWith('/') ? init.persistenceDir : `${init.persistenceDir}/`}`,
      'autosave_interval 1',
    );
  }
  for (const listener of init.listeners) {
    if (listener.bind === '0.0.0.0' || listener.bind === '::')
      throw new Error('the lab broker binds to one address, never to all of them');
    lines.push('', `listener ${listener.port} ${listener.bind}`);
    if (listener.auth === 'anonymous') lines.push('allow_anonymous true');
    else {
      if (init.passwordFile === undefined) throw new Error('a password listener needs passwordFile');
      lines.push('allow_anonymous false', `password_file ${init.passwordFile}`);
    }
    if (listener.tls !== undefined)
      lines.push(
        `cafile ${listener.tls.caFile}`,
        `certfile ${listener.tls.certFile}`,
        `keyfile ${listener.tls.keyFile}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
