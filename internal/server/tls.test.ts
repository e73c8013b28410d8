// Table tests of the tls-* settings: tls-protocols, the cipher list, tls-auth-clients per connection, and Redis's refusals.
import { describe, expect, it } from 'vitest';
import { localConfig } from '../config/load.js';
import { ConfigRuntime } from '../config/runtime.js';
import { cipherList, clientCertAccepted, loadTlsSettings, parseTlsProtocols, tlsWanted } from './tls.js';

describe('tls-protocols', () => {
  it.each([
    ['', 'TLSv1.2', 'TLSv1.3'],
    ['TLSv1.2', 'TLSv1.2', 'TLSv1.2'],
    ['tlsv1.3', 'TLSv1.3', 'TLSv1.3'],
    ['TLSv1.3 TLSv1.2', 'TLSv1.2', 'TLSv1.3'],
    ['TLSv1  TLSv1.1', 'TLSv1', 'TLSv1.1'],
  ])('%j allows %s to %s', (s, min, max) => {
    expect(parseTlsProtocols(s)).toEqual({ minVersion: min, maxVersion: max });
  });

  it("refuses an unknown version with Redis's message", () => {
    expect(() => parseTlsProtocols('TLSv1.2 SSLv3')).toThrow("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
  });
});

describe('ciphers', () => {
  it('joins TLSv1.3 suites and TLSv1.2 ciphers into one list; unset keeps the defaults', () => {
    expect(cipherList('', '')).toBeUndefined();
    expect(cipherList('ECDHE-RSA-AES128-GCM-SHA256', '')).toBe('ECDHE-RSA-AES128-GCM-SHA256');
    expect(cipherList('ECDHE-RSA-AES128-GCM-SHA256', 'TLS_AES_128_GCM_SHA256')).toBe('TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256');
  });
});

describe('tls-auth-clients', () => {
  const sock = (authorized: boolean, presented: boolean) => ({ authorized, getPeerCertificate: () => (presented ? { subject: { CN: 'c' } } : {}) }) as never;
  it.each([
    ['yes', true, true, true],
    ['yes', false, true, false],
    ['yes', false, false, false],
    ['optional', false, false, true],
    ['optional', false, true, false],
    ['optional', true, true, true],
    ['no', false, true, true],
    ['no', false, false, true],
  ] as const)('%s: verified %s, presented %s -> accepted %s', (mode, authorized, presented, ok) => {
    expect(clientCertAccepted(mode, sock(authorized, presented))).toBe(ok);
  });
});

describe('loadTlsSettings', () => {
  it('is wanted only when a part uses TLS', () => {
    expect(tlsWanted(new ConfigRuntime(localConfig()))).toBe(false);
    expect(tlsWanted(new ConfigRuntime(localConfig({ 'redis.tls_port': 6380 })))).toBe(true);
    expect(tlsWanted(new ConfigRuntime(localConfig({ 'http.tls': true })))).toBe(true);
  });

  it("refuses what Redis's tlsConfigure refuses, in its order", () => {
    const rt = (o: Record<string, string>) => new ConfigRuntime(localConfig({ 'redis.tls_port': 6380, ...o }));
    expect(() => loadTlsSettings(rt({}))).toThrow('No tls-cert-file configured!');
    expect(() => loadTlsSettings(rt({ 'redis.tls_cert_file': '/x.crt' }))).toThrow('No tls-key-file configured!');
    expect(() => loadTlsSettings(rt({ 'redis.tls_cert_file': '/x.crt', 'redis.tls_key_file': '/x.key' }))).toThrow('Either tls-ca-cert-file or tls-ca-cert-dir must be specified');
    expect(() => loadTlsSettings(rt({ 'redis.tls_cert_file': '/x.crt', 'redis.tls_key_file': '/x.key', 'redis.tls_auth_clients': 'no' }))).toThrow('Failed to load certificate: /x.crt');
  });
});
