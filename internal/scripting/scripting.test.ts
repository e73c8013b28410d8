// EVAL and SCRIPT through the executor: conversions both ways, errors in Redis's words, sandbox rules, journaling by effect. Expected values were read from redis-server 7.0.15.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor();
});
const ev = (script: string, ...rest: string[]): unknown => t.run('EVAL', script, ...(rest.length === 0 ? ['0'] : rest));

describe('EVAL conversions', () => {
  it('converts Lua values to replies (RESP2 rules)', () => {
    expect(ev("return redis.call('set', KEYS[1], ARGV[1])", '1', 'k', 'v')).toBe('+OK');
    expect(ev("return redis.call('get', KEYS[1])", '1', 'k')).toBe('v');
    expect(ev("return {1,2,3,'a',{4,5}, nil, 7}")).toEqual([1, 2, 3, 'a', [4, 5]]);
    expect(ev('return 3.99')).toBe(3);
    expect(ev('return true')).toBe(1);
    expect(ev('return false')).toBeNull();
    expect(ev("return {err='My Error'}")).toBe('-My Error');
    expect(ev("return redis.error_reply('MY_ERR boom')")).toBe('-MY_ERR boom');
    expect(ev("return redis.status_reply('FINE')")).toBe('+FINE');
    expect(ev("return redis.sha1hex('')")).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  it('converts replies to Lua values in RESP2 and after redis.setresp(3)', () => {
    t.run('HSET', 'h', 'f', 'v');
    t.run('ZADD', 'z', '1.5', 'a');
    expect(ev("return redis.call('hgetall', 'h')")).toEqual(['f', 'v']);
    expect(ev("redis.setresp(3) return redis.call('hgetall', 'h')")).toEqual({ f: 'v' });
    expect(ev("return redis.call('zrange', 'z', 0, -1, 'withscores')")).toEqual(['a', '1.5']);
    expect(ev("redis.setresp(3) return redis.call('zscore', 'z', 'a')")).toBe(1.5);
    expect(ev("return type(redis.call('get', 'nokey'))")).toBe('boolean');
    expect(ev("redis.setresp(3) return type(redis.call('get', 'nokey'))")).toBe('nil');
  });

  it('runs nested commands in the script protocol, not the caller\'s', () => {
    t.run('ZADD', 'z', '1', 'a');
    t.client.proto = 3;
    expect(ev("local r = redis.call('zrange', 'z', 0, 0, 'withscores') return #r")).toBe(2);
  });

  it('numbers passed to redis.call are formatted with %.17g', () => {
    expect(ev("redis.call('set', 'n', 0.1) return redis.call('get', 'n')")).toBe('0.10000000000000001');
    expect(ev("redis.call('set', 'n', 3) return redis.call('get', 'n')")).toBe('3');
  });
});

describe('EVAL errors and sandbox', () => {
  it('words errors as Redis does', () => {
    expect(ev("return redis.call('nosuch')")).toMatch(/^-ERR Unknown Redis command called from script script: [0-9a-f]{40}, on @user_script:1\.$/);
    expect(ev("return redis.pcall('nosuch')")).toBe('-ERR Unknown Redis command called from script');
    expect(ev("redis.call('set','s','x') return redis.call('incr','s')")).toMatch(/^-ERR value is not an integer or out of range script: /);
    expect(ev('syntax error here')).toMatch(/^-ERR Error compiling script \(new function\): user_script:1: /);
    expect(t.run('EVAL', 'return 1', '-1')).toBe("-ERR Number of keys can't be negative");
    expect(t.run('EVAL', 'return 1', '5')).toBe("-ERR Number of keys can't be greater than number of args");
    expect(t.run('EVALSHA', '0000000000000000000000000000000000000000', '0')).toBe('-NOSCRIPT No matching script. Please use EVAL.');
  });

  it('keeps globals and libraries read-only', () => {
    expect(ev('a = 1')).toMatch(/^-ERR user_script:1: Attempt to modify a readonly table script: .*, on @user_script:1\.$/);
    expect(ev('return a')).toMatch(/^-ERR user_script:1: Script attempted to access nonexistent global variable 'a' script: /);
    expect(ev('string.upper = nil')).toMatch(/Attempt to modify a readonly table/);
    expect(ev('redis.call = function() end')).toMatch(/Attempt to modify a readonly table/);
    expect(ev('setmetatable(_G, {})')).toMatch(/^-ERR Attempt to modify a readonly table/);
    expect(ev('return print')).toMatch(/nonexistent global variable 'print'/);
    expect(ev('return os')).toMatch(/nonexistent global variable 'os'/);
    expect(ev('local t = {} t.x = 1 return t.x')).toBe(1);
  });

  it('offers Lua 5.1: unpack, table.getn, loadstring', () => {
    expect(ev('return unpack({1,2})')).toBe(1);
    expect(ev('return table.getn({1,2,3})')).toBe(3);
    expect(ev("return loadstring('return 5')()")).toBe(5);
  });

  it('refuses writes from read-only scripts and noscript commands', () => {
    expect(t.run('EVAL_RO', "return redis.call('set', 'a', 'b')", '0')).toMatch(/^-ERR Write commands are not allowed from read-only scripts\. script: /);
    expect(ev("#!lua flags=no-writes\nreturn redis.call('set', 'a', 'b')")).toMatch(/Write commands are not allowed from read-only scripts/);
    expect(ev('#!lua flags=bad\nreturn 1')).toBe('-ERR Unexpected flag in script shebang: bad');
    expect(ev("return redis.call('multi')")).toMatch(/This Redis command is not allowed from script/);
  });
});

describe('SCRIPT and journaling', () => {
  it('loads, finds and flushes scripts', () => {
    expect(t.run('SCRIPT', 'LOAD', 'return 1')).toBe('e0e1f9fabfc9d4800c877a703b823ac0578ff8db');
    expect(t.run('SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 'ffff')).toEqual([1, 0]);
    expect(t.run('EVALSHA', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB', '0')).toBe(1);
    expect(t.run('SCRIPT', 'FLUSH')).toBe('+OK');
    expect(t.run('SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db')).toEqual([0]);
    expect(t.run('SCRIPT', 'KILL')).toBe('-NOTBUSY No scripts in execution right now.');
  });

  it('journals a script by its effects inside MULTI/EXEC; SELECT inside does not move the caller', () => {
    t.journal.length = 0;
    ev("redis.call('set', 'a', '1') redis.call('incr', 'a') return redis.call('get', 'a')");
    expect(t.journal.map((j) => (j.argv[0] as string).toLowerCase())).toEqual(['multi', 'set', 'incr', 'exec']);
    ev("redis.call('select', 1) return redis.call('set', 'x', 'y')");
    expect(t.run('EXISTS', 'x')).toBe(0);
    t.journal.length = 0;
    ev("redis.set_repl(redis.REPL_NONE) redis.call('set', 'q', '1')");
    expect(t.journal).toEqual([]);
  });

  it('math.random follows Redis\'s lrand48 sequence', () => {
    expect(ev('math.randomseed(0) return math.random(1000)')).toBe(171);
  });
});

describe('CLIENT PAUSE WRITE and declared script flags', () => {
  it('lets a no-writes script (EVAL shebang, cached EVALSHA, queued in MULTI) run and holds one that may write', () => {
    const t = createTestExecutor();
    const other = t.newClient();
    const ro = '#!lua flags=no-writes\nreturn 12';
    const sha = t.run('SCRIPT', 'LOAD', ro) as string;
    t.run('CLIENT', 'PAUSE', '100000', 'WRITE');
    expect(t.runAs(other, 'EVAL', ro, '0')).toBe(12);
    expect(t.runAs(other, 'EVALSHA', sha, '0')).toBe(12);
    t.runAs(other, 'MULTI');
    t.runAs(other, 'EVAL', ro, '0');
    expect(t.runAs(other, 'EXEC')).toEqual([12]);
    expect(t.executor.execute(other, ['EVAL', "return redis.call('set', 'k', 'v')", '0'])).toBeInstanceOf(Promise);
    t.run('CLIENT', 'UNPAUSE');
  });
});
