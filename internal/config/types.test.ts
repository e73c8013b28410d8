// Type-level tests of the schema-derived types: a misspelt path or a wrong-typed accessor does not compile (checked by tsc).
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type ClusterConfig, type Config, localConfig } from './load.js';
import { ConfigRuntime } from './runtime.js';
import type { ConfigValue, ConfigValues } from './schema.js';
import type { CamelCase, ParamOf, ParamPath, ParamPathOf, ParamValue } from './types.js';

describe('ParamPath and ParamValue', () => {
  it('knows every schema path and its value type', () => {
    expectTypeOf<'maxmemory'>().toExtend<ParamPath>();
    expectTypeOf<'http.auth_token'>().toExtend<ParamPath>();
    expectTypeOf<'maxmemry'>().not.toExtend<ParamPath>();
    expectTypeOf<'http'>().not.toExtend<ParamPath>();

    expectTypeOf<ParamValue<'maxmemory'>>().toEqualTypeOf<number>(); // memory
    expectTypeOf<ParamValue<'hz'>>().toEqualTypeOf<number>(); // int
    expectTypeOf<ParamValue<'appendonly'>>().toEqualTypeOf<boolean>();
    expectTypeOf<ParamValue<'requirepass'>>().toEqualTypeOf<string>();
    expectTypeOf<ParamValue<'cluster.seeds'>>().toEqualTypeOf<string>(); // a list is comma-separated once loaded
    expectTypeOf<ParamValue<'cluster.mode'>>().toEqualTypeOf<'proxy' | 'redirect'>();
    expectTypeOf<ParamValue<'appendfsync'>>().toEqualTypeOf<'always' | 'everysec' | 'no'>();

    expectTypeOf<'cluster.mode'>().toExtend<ParamPathOf<string>>();
    expectTypeOf<'cluster.mode'>().not.toExtend<ParamPathOf<number>>();
    expectTypeOf<'http.enabled'>().toExtend<ParamPathOf<boolean>>();
    expectTypeOf<CamelCase<'slowlog_log_slower_than'>>().toEqualTypeOf<'slowlogLogSlowerThan'>();
  });

  it('every default has its param type (an enum default is one of its values)', () => {
    type BadDefault = { [P in ParamPath]: ParamOf<P>['default'] extends ParamValue<P> ? never : P }[ParamPath];
    expectTypeOf<BadDefault>().toBeNever();
  });
});

/**
 * The hand-written Config interface the derived one replaced (every field must still be readable
 * with the same or a narrower type), plus the fields added since: the thresholds, the DEBUG and
 * protected-config switches, the full output-limit setting, and which paths a source set.
 */
interface HandWrittenConfig {
  readonly nodeId: string;
  readonly bind: string;
  readonly port: number;
  readonly dir: string;
  readonly databases: number;
  readonly requirepass: string;
  readonly loglevel: string;
  readonly logDir: string;
  readonly maxclients: number;
  readonly timeout: number;
  readonly hz: number;
  readonly maxmemory: number;
  readonly maxmemoryPolicy: string;
  readonly maxmemorySamples: number;
  readonly lfuLogFactor: number;
  readonly lfuDecayTime: number;
  readonly slowlogLogSlowerThan: number;
  readonly slowlogMaxLen: number;
  readonly protoMaxBulkLen: number;
  readonly clientQueryBufferLimit: number;
  readonly notifyKeyspaceEvents: string;
  readonly clientOutputBufferLimitPubsub: string;
  readonly appendonly: boolean;
  readonly appendfsync: string;
  readonly appendfilename: string;
  readonly appenddirname: string;
  readonly autoAofRewritePercentage: number;
  readonly autoAofRewriteMinSize: number;
  readonly aofLoadTruncated: boolean;
  readonly save: string;
  readonly dbfilename: string;
  readonly stopWritesOnBgsaveError: boolean;
  readonly clientOutputBufferLimit: string;
  readonly enableDebugCommand: 'no' | 'yes' | 'local';
  readonly enableProtectedConfigs: 'no' | 'yes' | 'local';
  readonly listMaxListpackSize: number;
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
  readonly zsetMaxListpackEntries: number;
  readonly zsetMaxListpackValue: number;
  readonly setMaxIntsetEntries: number;
  readonly streamNodeMaxBytes: number;
  readonly streamNodeMaxEntries: number;
  readonly http: {
    readonly port: number;
    readonly bind: string;
    readonly enabled: boolean;
    readonly authToken: string;
    readonly bodyLimit: number;
    readonly requestTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly rateLimit: number;
    readonly trustProxy: boolean;
    readonly tls: boolean;
  };
  readonly cluster: {
    readonly gossipPort: number;
    readonly seeds: readonly string[];
    readonly name: string;
    readonly secrets: readonly string[];
    readonly profile: 'lan' | 'fast';
    readonly announceHost: string;
    readonly mode: 'proxy' | 'redirect';
    readonly tokens: number;
    readonly forwardTimeoutMs: number;
    readonly handoffTimeoutMs: number;
    readonly migrationFlipDelayMs: number;
    readonly insecure: boolean;
    readonly replicas: number;
    readonly replicaReads: 'readonly' | 'always';
  };
  readonly replication: {
    readonly mode: 'async' | 'sync';
    readonly syncTimeoutMs: number;
  };
  readonly values: ConfigValues;
  readonly file: string;
  readonly explicit: readonly string[];
}

describe('Config (derived from the schema)', () => {
  it('has exactly the fields of the hand-written interface it replaced, with the same or narrower types', () => {
    expectTypeOf<keyof Config>().toEqualTypeOf<keyof HandWrittenConfig>();
    expectTypeOf<keyof Config['http']>().toEqualTypeOf<keyof HandWrittenConfig['http']>();
    expectTypeOf<keyof ClusterConfig>().toEqualTypeOf<keyof HandWrittenConfig['cluster']>();
    expectTypeOf<Config>().toExtend<HandWrittenConfig>();
  });

  it('types each field from its param', () => {
    const c = localConfig();
    expectTypeOf(c.maxmemory).toEqualTypeOf<number>();
    expectTypeOf(c.logDir).toEqualTypeOf<string>();
    expectTypeOf(c.appendonly).toEqualTypeOf<boolean>();
    expectTypeOf(c.maxmemoryPolicy).toEqualTypeOf<'noeviction' | 'allkeys-lru' | 'allkeys-lfu' | 'allkeys-random' | 'volatile-lru' | 'volatile-lfu' | 'volatile-random' | 'volatile-ttl'>();
    expectTypeOf(c.appendfsync).toEqualTypeOf<'always' | 'everysec' | 'no'>();
    expectTypeOf(c.http.authToken).toEqualTypeOf<string>();
    expectTypeOf(c.http.bodyLimit).toEqualTypeOf<number>();
    expectTypeOf(c.http.trustProxy).toEqualTypeOf<boolean>();
    expectTypeOf(c.cluster.seeds).toEqualTypeOf<readonly string[]>();
    expectTypeOf(c.cluster.secrets).toEqualTypeOf<readonly string[]>();
    expectTypeOf(c.cluster.mode).toEqualTypeOf<'proxy' | 'redirect'>();
    expectTypeOf(c.cluster.profile).toEqualTypeOf<'lan' | 'fast'>();
    // @ts-expect-error the keyring string is only available split, as secrets
    void c.cluster.secret;
    // @ts-expect-error fields are camelCase
    void c.log_dir;
    // @ts-expect-error the no-effect `redis` section is read through the runtime only
    void c.redis;
    expect(c.cluster.secrets).toEqual([]);
  });
});

describe('ConfigRuntime accessors', () => {
  it('take only schema paths of the accessor type', () => {
    const rt = new ConfigRuntime(localConfig());
    expectTypeOf(rt.num('maxmemory')).toEqualTypeOf<number>();
    expectTypeOf(rt.str('requirepass')).toEqualTypeOf<string>();
    expectTypeOf(rt.str('cluster.mode')).toEqualTypeOf<'proxy' | 'redirect'>();
    expectTypeOf(rt.bool('appendonly')).toEqualTypeOf<boolean>();
    expectTypeOf(rt.value('hz')).toEqualTypeOf<number>();
    expectTypeOf(rt.value('maxmemory_policy')).toExtend<string>();

    // @ts-expect-error misspelt path
    rt.num('maxmemry');
    // @ts-expect-error misspelt path
    rt.str('cluster.mod');
    // @ts-expect-error misspelt path
    rt.value('http.authtoken');
    // @ts-expect-error a string param read as a number
    rt.num('cluster.mode');
    // @ts-expect-error a number param read as a string
    rt.str('maxmemory');
    // @ts-expect-error a number param read as a bool
    rt.bool('port');
    // @ts-expect-error a bool param read as a number
    rt.num('appendonly');
    // @ts-expect-error an arbitrary string is not a path
    rt.num('maxmemory' as string);

    expectTypeOf(rt.value('redis.repl_timeout')).toEqualTypeOf<number>();
    expectTypeOf(rt.value('redis.replica_read_only')).toEqualTypeOf<boolean>();
    expectTypeOf(rt.value('redis.repl_diskless_load')).toEqualTypeOf<'disabled' | 'on-empty-db' | 'swapdb'>();
    // @ts-expect-error Redis names are not paths: the section key uses underscores
    rt.value('redis.repl-timeout');
    expect(rt.value('redis.repl_timeout')).toBe(60);
    expect(rt.value('cluster.mode')).toBe('proxy');
    expect(rt.value('hz')).toBe(10);
    expect(rt.value('appendonly')).toBe(false);
  });

  it('onChange hooks get the path union, and the path narrows the value', () => {
    const rt = new ConfigRuntime(localConfig());
    const seen: [ParamPath, ConfigValue][] = [];
    rt.onChange((path, value) => {
      expectTypeOf(path).toEqualTypeOf<ParamPath>();
      if (path === 'maxmemory') expectTypeOf(value).toEqualTypeOf<number>();
      if (path === 'maxmemory_policy') expectTypeOf(value).toExtend<string>();
      if (path === 'appendonly') expectTypeOf(value).toEqualTypeOf<boolean>();
      seen.push([path, value]);
    });
    rt.onChange((path) => {
      // @ts-expect-error no such path: the comparison can never be true
      void (path === 'maxmemry');
    });
    rt.onChange(() => undefined);
    rt.set([['maxmemory', '1mb']]);
    expect(seen).toEqual([['maxmemory', 1024 * 1024]]);
  });
});
