// The node's TLS material: loaded at start when a part uses TLS, reloaded on CONFIG SET tls-*, shared by the RESP TLS port, HTTPS and peer links.
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from 'pino';
import { formatValue } from '../config/parse.js';
import type { ConfigRuntime } from '../config/runtime.js';
import { PARAM_BY_PATH, redisName, type ConfigValue, type Param } from '../config/schema.js';
import type { ParamPath } from '../config/types.js';
import { CommandError } from '../contracts/errors.js';
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
  /** The TLS parameters' values last accepted (a refused CONFIG SET goes back to them). */
  private good: Map<ParamPath, ConfigValue>;
  private readonly listeners: ((s: TlsSettings) => void)[] = [];

  constructor(
    private readonly runtime: ConfigRuntime,
    private readonly log: Logger,
  ) {
    this.good = this.values();
  }

  /** Loads the settings when any part uses TLS; a bad setting throws (the node does not start, as Redis). */
  load(): TlsSettings | null {
    if (this.current === null && tlsWanted(this.runtime)) {
      this.current = loadTlsSettings(this.runtime);
      this.good = this.values();
    }
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

  private values(): Map<ParamPath, ConfigValue> {
    return new Map(TLS_RELOAD_PARAMS.map((p) => [p, this.runtime.value(p)]));
  }

  /**
   * CONFIG SET of a tls-* parameter (`path`): the new certificates apply to connections made from
   * now on. Settings that do not load are refused as Redis's applyTlsCfg refuses them: the TLS
   * parameters go back to the values in force, the error line is logged, and CONFIG SET answers
   * "Unable to update TLS configuration. Check server logs.".
   */
  reload(path: string): void {
    if (!tlsWanted(this.runtime)) {
      // Nothing uses TLS: any value is accepted (Redis checks them once a part turns TLS on).
      this.good = this.values();
      return;
    }
    let next: TlsSettings;
    try {
      next = loadTlsSettings(this.runtime);
    } catch (e) {
      this.log.warn({ component: 'tls', err: (e as Error).message }, 'Unable to update TLS configuration');
      this.restore();
      const name = redisName(PARAM_BY_PATH.get(path) as Param);
      throw new CommandError('ERR', `CONFIG SET failed (possibly related to argument '${name}') - Unable to update TLS configuration. Check server logs.`);
    }
    const unchanged = this.current !== null && [...this.values()].every(([p, v]) => this.good.get(p) === v);
    this.current = next;
    this.good = this.values();
    // One CONFIG SET of several tls-* parameters calls this once per parameter: the listeners swap once.
    if (unchanged) return;
    this.log.info({ component: 'tls' }, 'TLS configuration reloaded');
    for (const l of this.listeners) l(next);
  }

  /** Puts the TLS parameters back to the values last accepted. */
  private restore(): void {
    const pairs: [string, string][] = [];
    for (const p of TLS_RELOAD_PARAMS) {
      const param = PARAM_BY_PATH.get(p) as Param;
      const back = this.good.get(p) as ConfigValue;
      if (this.runtime.value(p) !== back) pairs.push([redisName(param), formatValue(param, back)]);
    }
    // Their hooks come back here with values that load (or TLS off again): nothing more is refused.
    if (pairs.length > 0) this.runtime.set(pairs, { local: true });
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
