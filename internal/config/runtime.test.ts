// ConfigRuntime tests: CONFIG GET glob matching and CONFIG SET semantics (Redis 7 wording, atomic multi-pair, change hooks).
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
    expect(names(rt.get(['maxmemory*']))).toEqual(['maxmemory', 'maxmemory-policy', 'maxmemory-samples']);
    expect(names(rt.get(['?ort']))).toEqual(['port']);
    expect(names(rt.get(['*port']))).toEqual(['port', 'http-port', 'cluster-gossip-port']);
    expect(names(rt.get(['lfu-*-*']))).toEqual(['lfu-log-factor', 'lfu-decay-time']);
    expect(names(rt.get(['[bd]*']))).toEqual(['bind', 'dir', 'databases', 'dbfilename']);
    expect(names(rt.get(['slowlog-[^m]*']))).toEqual(['slowlog-log-slower-than']);
  });

  it('lists every schema parameter for *', () => {
    const { rt } = runtime();
    const all = names(rt.get(['*']));
    for (const p of PARAMS) expect(all).toContain(redisName(p));
    expect(new Set(all).size).toBe(all.length);
  });

  it('is case-insensitive', () => {
    const { rt } = runtime();
    expect(rt.get(['MAXMEMORY'])).toEqual([['maxmemory', '0']]);
    expect(names(rt.get(['HTTP-*']))).toEqual(['http-port', 'http-bind', 'http-enabled', 'http-auth-token', 'http-body-limit', 'http-request-timeout-ms', 'http-headers-timeout-ms', 'http-rate-limit', 'http-trust-proxy']);
  });

  it('answers several patterns without repeating a parameter', () => {
    const { rt } = runtime();
    expect(names(rt.get(['port', '*port', 'hz', 'port']))).toEqual(['port', 'http-port', 'cluster-gossip-port', 'hz']);
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

  it("refuses immutable parameters: can't set immutable config", () => {
    const { rt, changes } = runtime();
    expect(setError(rt, [['port', '7000']])).toBe("ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config");
    expect(setError(rt, [['Databases', '4']])).toBe("ERR CONFIG SET failed (possibly related to argument 'Databases') - can't set immutable config");
    expect(rt.num('port')).toBe(0);
    expect(changes).toEqual([]);
  });

  it("refuses unknown parameters in Redis's words, naming the argument as given", () => {
    const { rt } = runtime();
    expect(setError(rt, [['Foo', '1']])).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'Foo'");
    expect(setError(rt, [['maxmemory_policy', 'allkeys-lru']])).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'maxmemory_policy'");
  });

  it('reports an unknown name before any other problem, as Redis does', () => {
    const { rt } = runtime();
    expect(
      setError(rt, [
        ['port', '1'],
        ['hz', 'x'],
        ['nope', '2'],
        ['other', '3'],
      ]),
    ).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'nope'");
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
        ['port', '1'],
      ]),
    ).toBe("ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config");
  });

  it.each<[string, string, string]>([
    ['hz', 'abc', "argument couldn't be parsed into an integer"],
    ['hz', '1.5', "argument couldn't be parsed into an integer"],
    ['hz', '0', 'argument must be between 1 and 500 inclusive'],
    ['hz', '501', 'argument must be between 1 and 500 inclusive'],
    ['maxmemory', 'lots', 'argument must be a memory value'],
    ['maxmemory', '-1', 'argument must be a memory value'],
    ['maxmemory', '1.5gb', 'argument must be a memory value'],
    ['proto-max-bulk-len', '1kb', 'argument must be between 1048576 and 1099511627776 inclusive'],
    [
      'maxmemory-policy',
      'lru',
      'argument(s) must be one of the following: noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl',
    ],
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
