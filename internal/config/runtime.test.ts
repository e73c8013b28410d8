// ConfigRuntime tests: CONFIG GET glob matching and CONFIG SET semantics (Redis 7 wording, atomic multi-pair, change hooks).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../contracts/errors.js';
import { localConfig } from './load.js';
import { ConfigRuntime } from './runtime.js';
import { PARAMS, redisName, type ConfigValue } from './schema.js';

function runtime(): { rt: ConfigRuntime; changes: [string, ConfigValue][] } {
  const rt = new ConfigRuntime(localConfig());
  const changes: [string, ConfigValue][] = [];
  rt.onChange((p, v) => changes.push([p, v]));
  return { rt, changes };
}

/** The error line CONFIG SET answers with (`ERR ...`); fails the test if nothing is thrown. */
function setError(rt: ConfigRuntime, pairs: [string, string][]): string {
  try {
    rt.set(pairs);
  } catch (e) {
    expect(e).toBeInstanceOf(CommandError);
    return (e as CommandError).line;
  }
  throw new Error('expected CONFIG SET to fail');
}

const names = (rows: [string, string][]): string[] => rows.map(([n]) => n);

describe('ConfigRuntime.get (CONFIG GET)', () => {
  it('returns an exact name with its value as text', () => {
    const { rt } = runtime();
    expect(rt.get(['maxmemory'])).toEqual([['maxmemory', '0']]);
    expect(rt.get(['maxmemory-policy'])).toEqual([['maxmemory-policy', 'noeviction']]);
    expect(rt.get(['http-port'])).toEqual([['http-port', '0']]);
  });

  it('formats booleans as yes/no and sizes in bytes', () => {
    const rt = new ConfigRuntime(localConfig({ 'http.enabled': false, maxmemory: '2mb' }));
    expect(rt.get(['http-enabled'])).toEqual([['http-enabled', 'no']]);
    expect(rt.get(['maxmemory'])).toEqual([['maxmemory', String(2 * 1024 * 1024)]]);
  });

  it('matches glob patterns against the Redis-style names', () => {
    const { rt } = runtime();
    expect(names(rt.get(['maxmemory*']))).toEqual(['maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'maxmemory-clients', 'maxmemory-eviction-tenacity']);
    expect(names(rt.get(['?ort']))).toEqual(['port']);
    expect(names(rt.get(['*port']))).toEqual(['port', 'http-port', 'cluster-gossip-port', 'replica-announce-port', 'slave-announce-port', 'cluster-port', 'cluster-announce-port', 'cluster-announce-bus-port', 'cluster-announce-tls-port', 'tls-port']);
    expect(names(rt.get(['lfu-*-*']))).toEqual(['lfu-log-factor', 'lfu-decay-time']);
    expect(names(rt.get(['[bd]*'])).sort()).toEqual(['bgsave_cpulist', 'bind', 'bind-source-addr', 'bio_cpulist', 'busy-reply-threshold', 'daemonize', 'databases', 'dbfilename', 'dir', 'disable-thp', 'dynamic-hz']);
    expect(names(rt.get(['slowlog-[^m]*']))).toEqual(['slowlog-log-slower-than']);
  });

  it('lists every schema parameter and alias for *, except the hidden ones', () => {
    const { rt } = runtime();
    const all = names(rt.get(['*']));
    for (const p of PARAMS) {
      if (p.hidden === true) expect(all).not.toContain(redisName(p));
      else for (const n of [redisName(p), ...(p.aliases ?? [])]) expect(all).toContain(n);
    }
    expect(new Set(all).size).toBe(all.length);
  });

  it('answers a hidden parameter asked for by its exact name only', () => {
    const { rt } = runtime();
    expect(rt.get(['key-load-delay'])).toEqual([['key-load-delay', '0']]);
    expect(rt.get(['key-load-*'])).toEqual([]);
    expect(rt.get(['client-output-buffer-limit-pubsub'])).toEqual([['client-output-buffer-limit-pubsub', '33554432 8388608 60']]);
  });

  it("answers an alias under its own name, with its parameter's value", () => {
    const { rt } = runtime();
    expect(rt.get(['hash-max-*-entries'])).toEqual([
      ['hash-max-listpack-entries', '512'],
      ['hash-max-ziplist-entries', '512'],
    ]);
    expect(rt.get(['slaveof', 'replicaof'])).toEqual([
      ['slaveof', ''],
      ['replicaof', ''],
    ]);
    rt.set([['slave-read-only', 'no']]);
    expect(rt.get(['replica-read-only'])).toEqual([['replica-read-only', 'no']]);
  });

  it('shows dir absolute, as Redis shows its working directory', () => {
    const rt = new ConfigRuntime(localConfig({ dir: 'data/x' }));
    expect(rt.get(['dir'])).toEqual([['dir', path.resolve('data/x')]]);
  });

  it('is case-insensitive', () => {
    const { rt } = runtime();
    // An exact name is answered as asked for (Redis echoes the argument); a pattern with the real names.
    expect(rt.get(['MAXMEMORY'])).toEqual([['MAXMEMORY', '0']]);
    expect(rt.get(['maxmemory', 'MAXMEMORY'])).toEqual([['maxmemory', '0']]);
    expect(names(rt.get(['HTTP-*']))).toEqual(['http-port', 'http-bind', 'http-enabled', 'http-auth-token', 'http-body-limit', 'http-request-timeout-ms', 'http-headers-timeout-ms', 'http-rate-limit', 'http-trust-proxy', 'http-tls']);
  });

  it('answers several patterns without repeating a parameter', () => {
    const { rt } = runtime();
    expect(names(rt.get(['port', '*-port', 'hz', 'port']))).toEqual(['port', 'http-port', 'cluster-gossip-port', 'replica-announce-port', 'slave-announce-port', 'cluster-port', 'cluster-announce-port', 'cluster-announce-bus-port', 'cluster-announce-tls-port', 'tls-port', 'hz']);
  });

  it('returns nothing for names that do not exist', () => {
    const { rt } = runtime();
    expect(rt.get(['no-such-thing'])).toEqual([]);
    expect(rt.get(['maxmemory_policy'])).toEqual([]);
  });
});

describe('ConfigRuntime.set (CONFIG SET)', () => {
  it('changes a mutable value, coerced, and fires the hooks with the schema path', () => {
    const { rt, changes } = runtime();
    rt.set([['maxmemory', '10mb']]);
    expect(rt.num('maxmemory')).toBe(10 * 1024 * 1024);
    expect(rt.get(['maxmemory'])).toEqual([['maxmemory', '10485760']]);
    expect(changes).toEqual([['maxmemory', 10 * 1024 * 1024]]);
    rt.set([['MaxMemory-Policy', 'ALLKEYS-LFU']]);
    expect(rt.str('maxmemory_policy')).toBe('allkeys-lfu');
    expect(changes.at(-1)).toEqual(['maxmemory_policy', 'allkeys-lfu']);
  });

  it('does not change the Config it started from', () => {
    const cfg = localConfig();
    const rt = new ConfigRuntime(cfg);
    rt.set([['hz', '100']]);
    expect(rt.num('hz')).toBe(100);
    expect(cfg.hz).toBe(10);
    expect(cfg.values['hz']).toBe(10);
  });

  it('tells every part of its values when one part refuses, then rolls every value back and answers with the first refusal', () => {
    const { rt } = runtime();
    const seen: [string, ConfigValue][] = [];
    rt.onChange((p, v) => {
      seen.push([p, v]);
      if (p === 'hz' && v === 50) throw new Error('hz refused');
    });
    expect(() =>
      rt.set([
        ['hz', '50'],
        ['maxmemory-samples', '7'],
      ]),
    ).toThrow('hz refused');
    // As Redis's restoreBackupConfig: the parts hear the old values again.
    expect(seen).toEqual([
      ['hz', 50],
      ['maxmemory_samples', 7],
      ['hz', 10],
      ['maxmemory_samples', 5],
    ]);
    expect(rt.num('hz')).toBe(10);
    expect(rt.num('maxmemory_samples')).toBe(5);
  });

  it('prepares an asynchronous change before committing any value, and commits or aborts it with the rest', async () => {
    const { rt, changes } = runtime();
    const log: string[] = [];
    let fail = false;
    rt.onPrepare({
      paths: ['port'],
      prepare: (next) => {
        log.push(`prepare ${String(next('port'))} maxmemory=${String(rt.num('maxmemory'))}`);
        if (fail) return Promise.reject(new CommandError('ERR', "CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port: EADDRINUSE"));
        return Promise.resolve({ commit: () => log.push('commit'), abort: () => log.push('abort') });
      },
    });
    // Without the prepared parameter the set stays synchronous.
    expect(rt.set([['maxmemory', '1000']])).toBeUndefined();
    fail = true;
    const refused = rt.set([
      ['maxmemory', '2000'],
      ['port', '7001'],
    ]);
    expect(refused).toBeInstanceOf(Promise);
    await expect(refused).rejects.toThrow('Unable to listen on this port');
    expect(rt.num('maxmemory')).toBe(1000);
    expect(rt.num('port')).toBe(localConfig().port);
    fail = false;
    await rt.set([
      ['maxmemory', '3000'],
      ['port', '7002'],
    ]);
    expect(rt.num('port')).toBe(7002);
    expect(log).toEqual(['prepare 7001 maxmemory=1000', 'prepare 7002 maxmemory=1000', 'commit']);
    expect(changes).toEqual([
      ['maxmemory', 1000],
      ['maxmemory', 3000],
      ['port', 7002],
    ]);
  });

  it('aborts the prepared change when another part refuses its value', async () => {
    const { rt } = runtime();
    const log: string[] = [];
    rt.onPrepare({ paths: ['port'], prepare: () => Promise.resolve({ commit: () => log.push('commit'), abort: () => log.push('abort') }) });
    rt.onChange((p) => {
      if (p === 'hz') throw new CommandError('ERR', 'hz refused');
    });
    await expect(
      rt.set([
        ['port', '7003'],
        ['hz', '20'],
      ]),
    ).rejects.toThrow('hz refused');
    expect(log).toEqual(['abort']);
    expect(rt.num('port')).toBe(localConfig().port);
    expect(rt.num('hz')).toBe(10);
  });

  it('refuses a change that needs a preparation when the caller cannot wait (inside MULTI)', () => {
    const { rt } = runtime();
    rt.onPrepare({ paths: ['port'], prepare: () => Promise.resolve({ commit: () => undefined, abort: () => undefined }) });
    expect(() => rt.set([['port', '7004']], { async: false })).toThrow("CONFIG SET failed (possibly related to argument 'port') - can not move a listener inside a transaction");
  });

  it('sets several pairs and fires the hooks after all are applied', () => {
    const { rt } = runtime();
    const seen: [string, number, number][] = [];
    rt.onChange((p) => seen.push([p, rt.num('hz'), rt.num('maxmemory_samples')]));
    rt.set([
      ['hz', '50'],
      ['maxmemory-samples', '7'],
    ]);
    expect(seen).toEqual([
      ['hz', 50, 7],
      ['maxmemory_samples', 50, 7],
    ]);
  });

  it('fires no hook for a value that did not change', () => {
    const { rt, changes } = runtime();
    rt.set([['hz', '10']]);
    expect(changes).toEqual([]);
    rt.set([['hz', '11']]);
    expect(changes).toEqual([['hz', 11]]);
  });

  it("refuses immutable parameters: can't set immutable config, even to their value", () => {
    const { rt, changes } = runtime();
    expect(setError(rt, [['Databases', '16']])).toBe("ERR CONFIG SET failed (possibly related to argument 'Databases') - can't set immutable config");
    expect(setError(rt, [['daemonize', 'no']])).toBe("ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config");
    expect(setError(rt, [['enable-debug-command', 'yes']])).toBe("ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config");
    expect(changes).toEqual([]);
  });

  it('accepts the current value of a start-up parameter as a no-op, and refuses another', () => {
    const { rt, changes } = runtime();
    rt.set([['http-port', '0'], ['node-id', 'test'], ['cluster-seeds', '']]);
    expect(changes).toEqual([]);
    expect(setError(rt, [['http-port', '7000']])).toBe("ERR CONFIG SET failed (possibly related to argument 'http-port') - can't set immutable config");
    expect(setError(rt, [['PORT', 'x']])).toBe("ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer");
    expect(rt.num('http.port')).toBe(0);
  });

  it('refuses protected parameters unless enable-protected-configs allows the client', () => {
    const no = runtime().rt;
    expect(setError(no, [['dbfilename', 'x.rcs']])).toBe("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config");
    expect(setError(no, [['DIR', '/tmp']])).toBe("ERR CONFIG SET failed (possibly related to argument 'DIR') - can't set protected config");
    const local = new ConfigRuntime(localConfig({ enable_protected_configs: 'local' }));
    expect(() => local.set([['dbfilename', 'x.rcs']])).toThrow("can't set protected config");
    local.set([['dbfilename', 'x.rcs']], { local: true });
    expect(local.str('dbfilename')).toBe('x.rcs');
    const yes = new ConfigRuntime(localConfig({ enable_protected_configs: 'yes' }));
    yes.set([['dbfilename', 'y.rcs']]);
    expect(yes.str('dbfilename')).toBe('y.rcs');
    expect(() => yes.set([['dbfilename', 'a/b']])).toThrow("CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename");
  });

  it("refuses unknown parameters in Redis's words, naming the argument as given", () => {
    const { rt } = runtime();
    expect(setError(rt, [['Foo', '1']])).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'Foo'");
    expect(setError(rt, [['maxmemory_policy', 'allkeys-lru']])).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'maxmemory_policy'");
  });

  it('reports the first name problem, in argument order, before any value problem, as Redis does', () => {
    const { rt } = runtime();
    expect(
      setError(rt, [
        ['port', '1'],
        ['hz', 'x'],
        ['nope', '2'],
        ['other', '3'],
      ]),
    ).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'nope'");
    expect(setError(rt, [['daemonize', 'yes'], ['nosuch', '1']])).toBe("ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config");
    expect(setError(rt, [['nosuch', '1'], ['daemonize', 'yes']])).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  });

  it('refuses a parameter given twice', () => {
    const { rt, changes } = runtime();
    expect(
      setError(rt, [
        ['hz', '20'],
        ['HZ', '30'],
      ]),
    ).toBe("ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter");
    expect(rt.num('hz')).toBe(10);
    expect(changes).toEqual([]);
  });

  it('reports name problems before value problems', () => {
    const { rt } = runtime();
    expect(
      setError(rt, [
        ['hz', 'abc'],
        ['databases', '1'],
      ]),
    ).toBe("ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config");
  });

  it('treats a name and its alias as two parameters: no duplicate, the later value wins', () => {
    const { rt, changes } = runtime();
    rt.set([['hash-max-ziplist-entries', '1'], ['hash-max-listpack-entries', '2']]);
    expect(rt.num('hash_max_listpack_entries')).toBe(2);
    expect(changes).toEqual([['hash_max_listpack_entries', 2]]);
    expect(setError(rt, [['Hash-Max-Ziplist-Value', 'x']])).toBe("ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-value') - argument must be a memory value");
  });

  it.each<[string, string, string]>([
    ['hz', 'abc', "argument couldn't be parsed into an integer"],
    ['hz', '1.5', "argument couldn't be parsed into an integer"],
    ['hz', '-1', 'argument must be between 0 and 2147483647 inclusive'],
    ['hz', '01', "argument couldn't be parsed into an integer"],
    ['hz', '+1', "argument couldn't be parsed into an integer"],
    ['hz', ' 1', "argument couldn't be parsed into an integer"],
    ['maxmemory', 'lots', 'argument must be a memory value'],
    ['maxmemory', '-1', 'argument must be a memory value'],
    ['maxmemory', '1.5gb', 'argument must be a memory value'],
    ['proto-max-bulk-len', '1kb', 'argument must be between 1048576 and 9223372036854775807 inclusive'],
    ['slowlog-log-slower-than', '9223372036854775808', "argument couldn't be parsed into an integer"],
    ['hash-max-listpack-entries', '-1', 'argument must be between 0 and 9223372036854775807 inclusive'],
    ['maxclients', '0', 'argument must be between 1 and 4294967295 inclusive'],
    ['appendonly', 'true', "argument must be 'yes' or 'no'"],
    [
      'maxmemory-policy',
      'lru',
      'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction',
    ],
    ['appendfsync', 'x', 'argument(s) must be one of the following: everysec, always, no'],
    ['notify-keyspace-events', 'Q', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."],
    ['save', '100 10 0 5', 'Invalid save parameters'],
    ['save', '100 10 5', 'Invalid save parameters'],
    ['client-output-buffer-limit', 'master 1 1 1', 'Invalid client class specified in buffer limit configuration.'],
    ['client-output-buffer-limit', 'replica 1 1 -1', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.'],
    ['client-output-buffer-limit', 'normal 1 1', 'Wrong number of arguments in buffer limit configuration.'],
    ['maxmemory-clients', '200%', 'percentage argument must be less or equal to 100'],
    ['maxmemory-clients', '-5', 'argument must be a memory or percent value'],
    ['oom-score-adj-values', '1 2', 'wrong number of arguments'],
    ['shutdown-on-sigterm', 'save nosave', "shutdown options SAVE and NOSAVE can't be used simultaneously"],
    ['latency-tracking-info-percentiles', '50 99 200', 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]'],
    ['latency-tracking-info-percentiles', '50.0 99.90 x', 'Invalid latency-tracking-info-percentiles parameters'],
    ['proc-title-template', '{foo}', 'template format is invalid or contains unknown variables'],
    ['cluster-announce-hostname', 'a_b', 'Hostnames may only contain alphanumeric characters, hyphens or dots'],
    ['repl-diskless-load', 'x', 'argument(s) must be one of the following: disabled, on-empty-db, swapdb'],
  ])('CONFIG SET %s %s -> %s', (name, value, reason) => {
    const { rt } = runtime();
    expect(setError(rt, [[name, value]])).toBe(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`);
  });

  it('names the canonical parameter when a value is refused', () => {
    const { rt } = runtime();
    expect(setError(rt, [['MAXMEMORY', 'x']])).toBe("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
  });

  it('validates every pair before applying any (atomic)', () => {
    const { rt, changes } = runtime();
    expect(
      setError(rt, [
        ['maxmemory', '1mb'],
        ['timeout', '30'],
        ['hz', 'fast'],
      ]),
    ).toBe("ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer");
    expect(rt.num('maxmemory')).toBe(0);
    expect(rt.num('timeout')).toBe(0);
    expect(changes).toEqual([]);
  });

  it('keeps secrets settable and readable by the runtime', () => {
    const { rt } = runtime();
    rt.set([['requirepass', 's3cret']]);
    expect(rt.str('requirepass')).toBe('s3cret');
    rt.set([['requirepass', '']]);
    expect(rt.str('requirepass')).toBe('');
  });
});

describe('persistence parameters', () => {
  it('CONFIG SET save "" and appendonly no are real settings; save schedules are validated', () => {
    const rt = new ConfigRuntime(localConfig({ save: '3600 1' }));
    expect(() => rt.set([['save', '']])).not.toThrow();
    expect(() => rt.set([['appendonly', 'no'], ['maxmemory', '1mb']])).not.toThrow();
    expect(rt.num('maxmemory')).toBe(1024 * 1024);
    expect(() => rt.set([['save', '60']])).toThrow("CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
    rt.set([['save', '900 1 300 10'], ['appendfsync', 'always']]);
    expect(rt.get(['save', 'appendonly', 'appendfsync'])).toEqual([
      ['save', '900 1 300 10'],
      ['appendonly', 'no'],
      ['appendfsync', 'always'],
    ]);
  });
});

describe("Redis 7.0's value syntax and canonical forms", () => {
  it('reads values back as Redis shows them', () => {
    const { rt } = runtime();
    const set = (name: string, value: string): string => {
      rt.set([[name, value]]);
      return (rt.get([name])[0] as [string, string])[1];
    };
    expect(set('maxmemory', '')).toBe('0'); // memtoull reads nothing as 0
    expect(set('maxmemory', '1Kb')).toBe('1024');
    expect(set('hz', '1000')).toBe('500'); // accepted, clamped
    expect(set('hz', '0')).toBe('1');
    expect(set('appendonly', 'YES')).toBe('yes');
    expect(set('notify-keyspace-events', 'KEA')).toBe('AKE');
    expect(set('notify-keyspace-events', 'Kx')).toBe('xK');
    expect(set('notify-keyspace-events', 'mEg$')).toBe('g$Em');
    expect(set('save', '0100 +10')).toBe('100 10');
    expect(set('save', '')).toBe('');
    expect(set('client-output-buffer-limit', 'pubsub 1mb 2mb 5')).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2097152 5');
    expect(set('client-output-buffer-limit', 'replica 1k 1 1 normal 5 5 5')).toBe('normal 5 5 5 slave 1000 1 1 pubsub 1048576 2097152 5');
    expect(set('shutdown-on-sigterm', 'now NOSAVE')).toBe('nosave now');
    expect(set('shutdown-on-sigterm', 'default')).toBe('default');
    expect(set('latency-tracking-info-percentiles', '50.0 99.90')).toBe('50 99.9');
    expect(set('oom-score-adj', 'relative')).toBe('yes');
    expect(set('maxmemory-clients', '10%')).toBe('10%');
    expect(set('maxmemory-clients', '1mb')).toBe('1048576');
    expect(set('slowlog-max-len', '9223372036854775807')).toBe(String(Number.MAX_SAFE_INTEGER)); // kept as 2^53-1
  });

  it('keeps the pubsub spelling in step with client-output-buffer-limit, firing both hooks', () => {
    const { rt, changes } = runtime();
    rt.set([['client-output-buffer-limit', 'pubsub 1mb 512kb 10']]);
    expect(rt.str('client_output_buffer_limit_pubsub')).toBe('1048576 524288 10');
    expect(changes).toEqual([
      ['client_output_buffer_limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 10'],
      ['client_output_buffer_limit_pubsub', '1048576 524288 10'],
    ]);
    rt.set([['client-output-buffer-limit-pubsub', '2mb 1mb 20']]);
    expect(rt.str('client_output_buffer_limit')).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 2097152 1048576 20');
    changes.length = 0;
    rt.set([['client-output-buffer-limit', 'normal 1 1 1']]);
    expect(changes.map(([p]) => p)).toEqual(['client_output_buffer_limit']);
  });

  it('every value CONFIG GET * shows can be set back (the Tcl suite\'s CONFIG sanity)', () => {
    const { rt, changes } = runtime();
    const skip = new Set(PARAMS.filter((p) => p.mutable === false || p.protectedConfig === true || p.secret === true).flatMap((p) => [redisName(p), ...(p.aliases ?? [])]));
    const before = rt.get(['*']).filter(([n]) => !skip.has(n));
    for (const [n, v] of before) rt.set([[n, v]]);
    expect(rt.get(['*']).filter(([n]) => !skip.has(n))).toEqual(before);
    expect(changes).toEqual([]);
  });
});
