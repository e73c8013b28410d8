// TLS settings from Redis's tls-* parameters: the server context (RESP, HTTP) and the client side of peer links, with Redis's refusals.
import { constants } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext, type ConnectionOptions, type SecureContextOptions, type SecureVersion, type TLSSocket } from 'node:tls';
import type { ConfigRuntime } from '../config/runtime.js';

/** A TLS setting Redis would refuse (tlsConfigure failing); the message is the line Redis logs. */
export class TlsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsConfigError';
  }
}

const VERSIONS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * tls-protocols as Redis parses it (space-separated, case-insensitive; empty = TLSv1.2 TLSv1.3).
 * Node takes a range, not a set: "TLSv1 TLSv1.3" allows the versions between them too.
 */
export function parseTlsProtocols(s: string): { minVersion: SecureVersion; maxVersion: SecureVersion } {
  const words = s.split(' ').filter((w) => w !== '');
  if (words.length === 0) return { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' };
  let min = VERSIONS.length;
  let max = -1;
  for (const w of words) {
    const i = VERSIONS.findIndex((v) => v.toLowerCase() === w.toLowerCase());
    if (i < 0) throw new TlsConfigError("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
    min = Math.min(min, i);
    max = Math.max(max, i);
  }
  return { minVersion: VERSIONS[min] as SecureVersion, maxVersion: VERSIONS[max] as SecureVersion };
}

/** tls-ciphersuites (TLSv1.3, TLS_*) and tls-ciphers (TLSv1.2 and below) in Node's one list; unset ones keep OpenSSL's defaults. */
export function cipherList(ciphers: string, suites: string): string | undefined {
  const parts = [suites, ciphers].filter((p) => p !== '');
  return parts.length === 0 ? undefined : parts.join(':');
}

export type TlsAuthClients = 'no' | 'yes' | 'optional';

export interface TlsSettings {
  /** The server's secure context: RESP's TLS port and the HTTPS API. */
  readonly server: SecureContextOptions & { sessionTimeout: number };
  /** Outgoing peer links (tls-cluster): the client certificate, the CA and the same protocols and ciphers. */
  readonly client: ConnectionOptions;
  readonly authClients: TlsAuthClients;
}

/** What the settings are read from (the node's ConfigRuntime; tests give a plain table). */
export type TlsSource = Pick<ConfigRuntime, 'str' | 'num' | 'bool'>;

/** Whether any part uses TLS: then the settings must hold (Redis refuses to start or to apply them otherwise). */
export function tlsWanted(c: TlsSource): boolean {
  return c.num('redis.tls_port') !== 0 || c.bool('redis.tls_cluster') || c.bool('redis.tls_replication') || c.bool('http.tls');
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new TlsConfigError(`Failed to load ${what}: ${file}: ${(e as Error).message}`);
  }
}

/** tls-ca-cert-file plus every certificate file in tls-ca-cert-dir (OpenSSL's CApath looks files up by hash; all of them are read here). */
export function loadCa(file: string, dir: string): Buffer[] {
  const out: Buffer[] = [];
  if (file !== '') out.push(readPem(file, 'CA certificate(s) file'));
  if (dir !== '') {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      throw new TlsConfigError(`Failed to configure CA certificate(s) file/directory: ${dir}: ${(e as Error).message}`);
    }
    for (const n of names) {
      const p = path.join(dir, n);
      if (!statSync(p).isFile()) continue;
      const pem = readFileSync(p);
      if (pem.includes('-----BEGIN CERTIFICATE-----')) out.push(pem);
    }
  }
  return out;
}

/**
 * Reads and checks the tls-* settings as Redis's tlsConfigure does: a certificate and key are
 * required, and a CA when clients must present certificates or peer links use TLS. Throws
 * TlsConfigError with the line Redis logs.
 */
export function loadTlsSettings(c: TlsSource): TlsSettings {
  const certFile = c.str('redis.tls_cert_file');
  const keyFile = c.str('redis.tls_key_file');
  if (certFile === '') throw new TlsConfigError('No tls-cert-file configured!');
  if (keyFile === '') throw new TlsConfigError('No tls-key-file configured!');
  const authClients = c.str('redis.tls_auth_clients');
  const caFile = c.str('redis.tls_ca_cert_file');
  const caDir = c.str('redis.tls_ca_cert_dir');
  if ((authClients !== 'no' || c.bool('redis.tls_cluster') || c.bool('redis.tls_replication')) && caFile === '' && caDir === '') {
    throw new TlsConfigError('Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!');
  }
  const versions = parseTlsProtocols(c.str('redis.tls_protocols'));
  const ciphers = cipherList(c.str('redis.tls_ciphers'), c.str('redis.tls_ciphersuites'));
  const ca = loadCa(caFile, caDir);
  const common = { ...versions, ...(ciphers !== undefined ? { ciphers } : {}), ...(ca.length > 0 ? { ca } : {}) };
  const pass = c.str('redis.tls_key_file_pass');
  const dhFile = c.str('redis.tls_dh_params_file');
  const server = {
    ...common,
    cert: readPem(certFile, 'certificate'),
    key: readPem(keyFile, 'private key'),
    ...(pass !== '' ? { passphrase: pass } : {}),
    ...(dhFile !== '' ? { dhparam: readPem(dhFile, 'DH params file') } : {}),
    honorCipherOrder: c.bool('redis.tls_prefer_server_ciphers'),
    // Node keeps no server-side session cache of its own: resumption is by session tickets, which
    // tls-session-caching no turns off (Redis: SSL_SESS_CACHE_OFF).
    ...(c.bool('redis.tls_session_caching') ? {} : { secureOptions: constants.SSL_OP_NO_TICKET }),
    sessionTimeout: c.num('redis.tls_session_cache_timeout'),
  };
  // Outgoing links present tls-client-cert-file when set (both it and its key), else the server's own, as Redis does.
  const clientCert = c.str('redis.tls_client_cert_file');
  const clientKey = c.str('redis.tls_client_key_file');
  const own = clientCert !== '' && clientKey !== '';
  const clientPass = own ? c.str('redis.tls_client_key_file_pass') : pass;
  const client: ConnectionOptions = {
    ...common,
    cert: own ? readPem(clientCert, 'certificate') : server.cert,
    key: own ? readPem(clientKey, 'private key') : server.key,
    ...(clientPass !== '' ? { passphrase: clientPass } : {}),
    // Redis verifies a peer's chain against the CA, not its name (members are reached by address).
    checkServerIdentity: () => undefined,
  };
  // Built once here so a key that does not match its certificate, a wrong passphrase or a bad
  // cipher list is refused now, not at the first handshake.
  try {
    createSecureContext(server);
    if (own) createSecureContext(client);
  } catch (e) {
    throw new TlsConfigError(`Failed to configure TLS: ${(e as Error).message}`);
  }
  return { server, client, authClients };
}

/**
 * tls-auth-clients for one handshake that completed. The server always asks for a certificate and
 * never refuses the handshake itself, so the setting can change at run time (Redis reads it per
 * connection): yes needs a verified certificate, optional refuses only one that does not verify.
 */
export function clientCertAccepted(mode: TlsAuthClients, socket: Pick<TLSSocket, 'authorized' | 'getPeerCertificate'>): boolean {
  if (mode === 'no' || socket.authorized) return true;
  if (mode === 'yes') return false;
  return Object.keys(socket.getPeerCertificate()).length === 0;
}
