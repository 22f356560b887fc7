// What the lab's broker authenticates with: a password file made by the unpacked mosquitto_passwd, and a CA with
// a server certificate for the broker's addresses, made with openssl (plus a second, unrelated CA that a client
// must not trust).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokerEnv, mosquittoPasswdBin } from './broker-paths.ts';

export function makePasswordFile(dir: string, users: Readonly<Record<string, string>>): string {
  const file = join(dir, 'passwd');
  writeFileSync(file, '', { mode: 0o600 });
  for (const [user, password] of Object.entries(users)) {
    execFileSync(mosquittoPasswdBin, ['-b', file, user, password], {
      env: { ...process.env, ...brokerEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 10_000,
    });
  }
  return file;
}

export interface Certificates {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** A CA that did not sign the broker's certificate. */
  readonly otherCaFile: string;
}

const openssl = (args: readonly string[]) =>
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=ssdp mqtt-lab ${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert, key };
}

/** A CA and a server certificate for `addresses` (IP subjectAltNames) signed by it. */
export function makeCertificates(dir: string, addresses: readonly string[]): Certificates {
  const ca = makeCa(dir, 'ca');
  const other = makeCa(dir, 'other-ca');
  const keyFile = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const certFile = join(dir, 'server.pem');
  const ext = join(dir, 'server.ext');
  writeFileSync(
    ext,
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${addresses.map((a) => `IP:${a}`).join(',')}\n`,
  );
  openssl([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    csr,
    '-subj',
    '/CN=ssdp mqtt-lab broker',
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return { caFile: ca.cert, certFile, keyFile, otherCaFile: other.cert };
}
