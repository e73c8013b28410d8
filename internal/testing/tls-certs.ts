// Test certificates made with the openssl CLI: a CA, a server certificate (localhost, 127.0.0.1) and a client certificate, as Redis's gen-test-certs.sh.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCerts {
  readonly dir: string;
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A second CA and a server certificate it signed: not trusted by `ca`. */
  readonly otherCa: string;
  readonly otherCert: string;
  readonly otherKey: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function signed(dir: string, name: string, ca: string, subject: string, ext: string): void {
  openssl(dir, ['genrsa', '-out', `${name}.key`, '2048']);
  openssl(dir, ['req', '-new', '-sha256', '-subj', subject, '-key', `${name}.key`, '-out', `${name}.csr`]);
  writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(dir, ['x509', '-req', '-sha256', '-days', '2', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
}

function caPair(dir: string, name: string, cn: string): void {
  openssl(dir, ['genrsa', '-out', `${name}.key`, '2048']);
  openssl(dir, ['req', '-x509', '-new', '-nodes', '-sha256', '-key', `${name}.key`, '-days', '2', '-subj', `/O=ringcache test/CN=${cn}`, '-out', `${name}.crt`]);
}

/** Makes the certificates in a fresh temp dir (about a second of openssl work). */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-tls-'));
  caPair(dir, 'ca', 'Certificate Authority');
  const serverExt = 'keyUsage = digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth, clientAuth\nsubjectAltName = DNS:localhost, IP:127.0.0.1\n';
  signed(dir, 'server', 'ca', '/O=ringcache test/CN=localhost', serverExt);
  signed(dir, 'client', 'ca', '/O=ringcache test/CN=client', 'keyUsage = digitalSignature, keyEncipherment\nextendedKeyUsage = clientAuth\n');
  caPair(dir, 'other-ca', 'Other Authority');
  signed(dir, 'other', 'other-ca', '/O=ringcache test/CN=localhost', serverExt);
  const p = (f: string): string => path.join(dir, f);
  return {
    dir,
    ca: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    otherCa: p('other-ca.crt'),
    otherCert: p('other.crt'),
    otherKey: p('other.key'),
  };
}
