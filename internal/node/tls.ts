// The node's TLS material: loaded at start when a part uses TLS, reloaded on CONFIG SET tls-*, shared by the RESP TLS port, HTTPS and peer links.
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { ConfigRuntime } from '../config/runtime.js';
import type { ParamPath } from '../config/types.js';
import { loadTlsSettings, tlsWanted, type TlsSettings } from '../server/tls.js';

/** The parameters whose change rebuilds the TLS context (Redis's applyTlsCfg ones; tls-auth-clients is read per connection). */
export const TLS_RELOAD_PARAMS: readonly ParamPath[] = [
  'redis.tls_cert_file',
  'redis.tls_key_file',
  'redis.tls_key_file_pass',
  'redis.tls_client_cert_file',
  'redis.tls_client_key_file',
  'redis.tls_client_key_file_pass',
  'redis.tls_dh_params_file',
  'redis.tls_ca_cert_file',
  'redis.tls_ca_cert_dir',
  'redis.tls_protocols',
  'redis.tls_ciphers',
  'redis.tls_ciphersuites',
  'redis.tls_prefer_server_ciphers',
  'redis.tls_session_caching',
  'redis.tls_session_cache_timeout',
  'redis.tls_replication',
];

export class NodeTls {
  private current: TlsSettings | null = null;
  private readonly listeners: ((s: TlsSettings) => void)[] = [];

  constructor(
    private readonly runtime: ConfigRuntime,
    private readonly log: Logger,
  ) {}

  /** Loads the settings when any part uses TLS; a bad setting throws (the node does not start, as Redis). */
  load(): TlsSettings | null {
    if (this.current === null && tlsWanted(this.runtime)) this.current = loadTlsSettings(this.runtime);
    return this.current;
  }

  /** The settings in force; load() ran first. */
  get settings(): TlsSettings {
    const s = this.load();
    if (s === null) throw new Error('TLS is not configured');
    return s;
  }

  /** Called with the new settings after each successful reload (the listeners swap their context). */
  onReload(l: (s: TlsSettings) => void): void {
    this.listeners.push(l);
  }

  /**
   * CONFIG SET of a tls-* parameter: the new certificates apply to connections made from now on.
   * Settings that do not load keep the old context in force (logged); Redis also refuses the
   * CONFIG SET then.
   */
  reload(): void {
    if (!tlsWanted(this.runtime)) return;
    try {
      this.current = loadTlsSettings(this.runtime);
    } catch (e) {
      this.log.warn({ component: 'tls', err: (e as Error).message }, 'Unable to update TLS configuration; the previous one stays in force');
      return;
    }
    this.log.info({ component: 'tls' }, 'TLS configuration reloaded');
    for (const l of this.listeners) l(this.current);
  }

  /** What a replica's link to its primary connects with: TLS options under tls-replication, null for plain TCP. */
  replicationOptions(): ConnectionOptions | null {
    return this.runtime.bool('redis.tls_replication') ? this.clientSide() : null;
  }

  /** What peer links connect with: TLS options under tls-cluster, null for plain TCP. Read per connect, so a reload reaches new links. */
  linkOptions(): ConnectionOptions | null {
    return this.runtime.bool('redis.tls_cluster') ? this.clientSide() : null;
  }

  /**
   * The client side of the settings. Turned on at run time (CONFIG SET tls-replication yes) with
   * settings that do not load, the link goes without: it fails against a TLS port, and is logged.
   */
  private clientSide(): ConnectionOptions | null {
    try {
      return this.settings.client;
    } catch (e) {
      this.log.warn({ component: 'tls', err: (e as Error).message }, 'TLS is not configured; the link connects without it');
      return null;
    }
  }
}
