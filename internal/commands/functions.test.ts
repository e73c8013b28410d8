// FUNCTION and FCALL through the executor: every subcommand, register_function form, flag and error, with redis-server 7.0.15's wording.
import { describe, expect, it } from 'vitest';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';

const lib = (name: string, body: string): string => `#!lua name=${name}\n${body}`;
const fn = (libName: string, fname: string, body: string): string => lib(libName, `redis.register_function('${fname}', function(KEYS, ARGV)\n ${body} \nend)`);
const flagged = (libName: string, fname: string, flags: string, body: string): string =>
  lib(libName, `redis.register_function{function_name='${fname}', callback=function(KEYS, ARGV) ${body} end, flags={${flags}}}`);

function loaded(...codes: string[]): TestExecutor {
  const t = createTestExecutor();
  for (const c of codes) expect(t.run('FUNCTION', 'LOAD', c)).not.toMatch(/^-/);
  return t;
}

describe('FUNCTION LOAD', () => {
  it('loads a library, answers its name, and FCALL finds its functions case-insensitively', () => {
    const t = createTestExecutor();
    expect(t.run('FUNCTION', 'LOAD', fn('test', 'test', "return 'hello'"))).toBe('test');
    expect(t.run('FCALL', 'test', '0')).toBe('hello');
    expect(t.run('FCALL', 'TEST', '0')).toBe('hello');
    expect(t.run('FUNCTION', 'LOAD', fn('test', 'test', "return 'hello1'"))).toBe("-ERR Library 'test' already exists");
    expect(t.run('FUNCTION', 'LOAD', 'REPLACE', fn('test', 'test', "return 'hello1'"))).toBe('test');
    expect(t.run('FUNCTION', 'load', 'replace', 'replace', fn('test', 'test', "return 'hello2'"))).toBe('test');
    expect(t.run('FCALL', 'test', '0')).toBe('hello2');
    expect(t.run('FUNCTION', 'LOAD', 'foo', 'bar', fn('x', 'x', 'return 1'))).toBe('-ERR Unknown option given: foo');
  });

  it('checks the metadata line as Redis does', () => {
    const t = createTestExecutor();
    const body = "redis.register_function('foo', function() return 1 end)";
    expect(t.run('FUNCTION', 'LOAD', body)).toBe('-ERR Missing library metadata');
    expect(t.run('FUNCTION', 'LOAD', '#!lua name=x')).toBe('-ERR Invalid library metadata');
    expect(t.run('FUNCTION', 'LOAD', `#!lua name="x\n${body}`)).toBe('-ERR Invalid library metadata');
    expect(t.run('FUNCTION', 'LOAD', `#! name=test\n${body}`)).toBe("-ERR Engine '' not found");
    expect(t.run('FUNCTION', 'LOAD', `#!bad_engine name=test\n${body}`)).toBe("-ERR Engine 'bad_engine' not found");
    expect(t.run('FUNCTION', 'LOAD', `#!lua name=test foo=bar\n${body}`)).toBe('-ERR Invalid metadata value given: foo=bar');
    expect(t.run('FUNCTION', 'LOAD', `#!lua\n${body}`)).toBe('-ERR Library name was not given');
    expect(t.run('FUNCTION', 'LOAD', `#!lua name=foo name=bar\n${body}`)).toBe('-ERR Invalid metadata value, name argument was given multiple times');
    expect(t.run('FUNCTION', 'LOAD', `#!lua name=bad-name\n${body}`)).toBe(
      '-ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long',
    );
    expect(t.run('FUNCTION', 'LOAD', `#!LUA NAME="foo"\n${body}`)).toBe('foo');
  });

  it('reports compile and registration errors, and a failed REPLACE keeps the old library', () => {
    const t = loaded(fn('test', 'test', "return 'old'"));
    expect(t.run('FUNCTION', 'LOAD', 'REPLACE', fn('test', 'test', 'bad script'))).toMatch(/^-ERR Error compiling function: user_function:3: /);
    expect(t.run('FCALL', 'test', '0')).toBe('old');
    expect(t.run('FUNCTION', 'LOAD', lib('lib2', 'return 1'))).toBe('-ERR No functions registered');
    expect(t.run('FUNCTION', 'LOAD', lib('lib2', "redis.register_function('test', function() return 1 end)"))).toBe('-ERR Function test already exists');
    expect(t.run('FUNCTION', 'LOAD', lib('lib2', "redis.register_function('f1', function() return 1 end)\nredis.register_function('f1', function() return 1 end)"))).toBe(
      '-ERR Error registering functions: ERR Function already exists in the library',
    );
    expect(t.run('FUNCTION', 'STATS')).toEqual({ running_script: null, engines: { LUA: { libraries_count: 1, functions_count: 1 } } });
  });

  it('register_function: positional and table forms, every argument error', () => {
    const t = createTestExecutor();
    const reg = (args: string): unknown => t.run('FUNCTION', 'LOAD', 'REPLACE', lib('l', `redis.register_function(${args})`));
    const e = (m: string): string => `-ERR Error registering functions: ERR ${m}`;
    expect(reg('')).toBe(e('wrong number of arguments to redis.register_function'));
    expect(reg("'f1', function() return 1 end, {}, 'description', 'extra arg'")).toBe(e('wrong number of arguments to redis.register_function'));
    expect(reg("'f1'")).toBe(e('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).'));
    expect(reg('nil, function() return 1 end')).toBe(e('first argument to redis.register_function must be a string'));
    expect(reg("'f2', 'not a function'")).toBe(e('second argument to redis.register_function must be a function'));
    expect(reg("'test\\0test', function() return 1 end")).toBe(e('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long'));
    expect(reg("'', function() return 1 end")).toBe(e('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long'));
    expect(reg('{function_name=function() return 1 end, callback=function() end}')).toBe(e('function_name argument given to redis.register_function must be a string'));
    expect(reg("{function_name='f1', callback='bad'}")).toBe(e('callback argument given to redis.register_function must be a function'));
    expect(reg("{function_name='f1', callback=function() end, description=function() end}")).toBe(e('description argument given to redis.register_function must be a string'));
    expect(reg("{function_name='f1', callback=function() end, some_unknown='unknown'}")).toBe(e('unknown argument given to redis.register_function'));
    expect(reg('{callback=function() end}')).toBe(e('redis.register_function must get a function name argument'));
    expect(reg("{function_name='f1'}")).toBe(e('redis.register_function must get a callback argument'));
    expect(reg("{function_name='f1', callback=function() end, flags='bad flags type'}")).toBe(e('flags argument to redis.register_function must be a table representing function flags'));
    expect(reg("{function_name='f1', callback=function() end, flags={function() end}}")).toBe(e('unknown flag given'));
    expect(reg("{function_name='f1', callback=function() end, flags={'unknown'}}")).toBe(e('unknown flag given'));
    expect(reg("{FUNCTION_NAME='f1', Callback=function() return 'ok' end, Description='some desc', FLAGS={'No-Writes', 'allow-oom'}}")).toBe('l');
    expect(t.run('FUNCTION', 'LIST')).toEqual([{ library_name: 'l', engine: 'LUA', functions: [{ name: 'f1', description: 'some desc', flags: ['+no-writes', '+allow-oom'] }] }]);
    expect(reg("{function_name='f2', callback=function() end, flags={'allow-cross-slot-keys', 'no-cluster', 'allow-stale', 'allow-oom', 'no-writes'}}")).toBe('l');
    expect((t.run('FUNCTION', 'LIST') as { functions: { flags: string[] }[] }[])[0]?.functions[0]?.flags).toEqual([
      '+no-writes',
      '+allow-oom',
      '+allow-stale',
      '+no-cluster',
      '+allow-cross-slot-keys',
    ]);
  });

  it('the load environment has only the library API; the functions get the run-time API', () => {
    const t = createTestExecutor();
    const load = (body: string): unknown => t.run('FUNCTION', 'LOAD', 'REPLACE', lib('lib2', body));
    const e = (m: string): string => `-ERR Error registering functions: ERR ${m}`;
    expect(load('return math.random()')).toBe(e("user_function:2: Script attempted to access nonexistent global variable 'math'"));
    expect(load("return redis.call('ping')")).toBe(e("user_function:2: Script attempted to access nonexistent global variable 'call'"));
    expect(load('return redis.setresp(3)')).toBe(e("user_function:2: Script attempted to access nonexistent global variable 'setresp'"));
    expect(load('redis.math.random()')).toBe(e("user_function:2: Script attempted to access nonexistent global variable 'math'"));
    expect(load('mt = getmetatable(_G)')).toBe(e("user_function:2: Script attempted to access nonexistent global variable 'getmetatable'"));
    expect(load('a = 1')).toBe(e('user_function:2: Attempt to modify a readonly table'));
    expect(load('redis.x = 1')).toBe(e('user_function:2: Attempt to modify a readonly table'));
    expect(load('local a = 1\nwhile 1 do a = a + 1 end')).toBe(e('FUNCTION LOAD timeout'));
    expect(
      load(
        "local lib = redis\nlocal v = redis.REDIS_VERSION\nredis.log(redis.LOG_NOTICE, 'loading')\n" +
          "redis.register_function('f1', function() lib.redis = redis end)\n" +
          "redis.register_function('f2', function() return lib.register_function('f1', function() end) end)\n" +
          "redis.register_function('f3', function() return redis.register_function('f9', function() end) end)\n" +
          "redis.register_function('f4', function() return {v, redis.call('ping'), string.format('%d', math.floor(2.5))} end)\n" +
          "redis.register_function('f5', function() return undefinedvar end)",
      ),
    ).toBe('lib2');
    expect(t.run('FCALL', 'f1', '0')).toBe('-ERR user_function:5: Attempt to modify a readonly table script: f1, on @user_function:5.');
    expect(t.run('FCALL', 'f2', '0')).toBe('-ERR redis.register_function can only be called on FUNCTION LOAD command script: f2, on @user_function:6.');
    expect(t.run('FCALL', 'f3', '0')).toBe("-ERR user_function:7: attempt to call field 'register_function' (a nil value) script: f3, on @user_function:7.");
    expect(t.run('FCALL', 'f4', '0')).toEqual(['7.0.15', '+PONG', '2']);
    expect(t.run('FCALL', 'f5', '0')).toBe("-ERR user_function:9: Script attempted to access nonexistent global variable 'undefinedvar' script: f5, on @user_function:9.");
  });

  it('functions of one library share its locals; FUNCTION FLUSH and SCRIPT FLUSH are independent', () => {
    const t = loaded(lib('lib1', "local function add1(a) return a + 1 end\nredis.register_function('f1', function() return add1(1) end)\nredis.register_function('f2', function() return add1(2) end)"));
    expect(t.run('FCALL', 'f1', '0')).toBe(2);
    expect(t.run('FCALL', 'f2', '0')).toBe(3);
    expect(t.run('SCRIPT', 'FLUSH')).toBe('+OK');
    expect(t.run('FCALL', 'f2', '0')).toBe(3);
    expect(t.run('FLUSHALL')).toBe('+OK');
    expect(t.run('FCALL', 'f2', '0')).toBe(3);
  });
});

describe('FCALL and FCALL_RO', () => {
  it('passes keys and args, checks numkeys as Redis', () => {
    const t = loaded(fn('test', 'test', "return redis.call('set', KEYS[1], ARGV[1])"));
    expect(t.run('FCALL', 'test', '1', 'x', 'foo')).toBe('+OK');
    expect(t.run('GET', 'x')).toBe('foo');
    expect(t.run('FCALL', 'nope', '0')).toBe('-ERR Function not found');
    expect(t.run('FCALL', 'test', 'bad_arg')).toBe('-ERR Bad number of keys provided');
    expect(t.run('FCALL', 'test', '10', 'key1')).toBe("-ERR Number of keys can't be greater than number of args");
    expect(t.run('FCALL', 'test', '-1', 'key1')).toBe("-ERR Number of keys can't be negative");
    expect(t.run('COMMAND', 'GETKEYS', 'fcall', 'test', '1', 'x', 'foo')).toEqual(['x']);
    expect(t.run('COMMAND', 'GETKEYS', 'fcall_ro', 'test', '1', 'x', 'foo')).toEqual(['x']);
  });

  it('honours no-writes and the _ro form', () => {
    const t = loaded(flagged('ro', 'ro_set', "'no-writes'", "return redis.call('set', 'x', '1')"), flagged('ro2', 'ro_get', "'no-writes'", "return redis.call('get', 'x')"), fn('w', 'w_set', "return redis.call('set', 'x', 1)"));
    expect(t.run('FCALL_RO', 'ro_set', '0')).toMatch(/^-ERR Write commands are not allowed from read-only scripts\. script: ro_set/);
    expect(t.run('FCALL', 'ro_set', '0')).toMatch(/^-ERR Write commands are not allowed from read-only scripts\./);
    expect(t.run('SET', 'x', '1')).toBe('+OK');
    expect(t.run('FCALL_RO', 'ro_get', '0')).toBe('1');
    expect(t.run('FCALL_RO', 'w_set', '0')).toBe('-ERR Can not execute a script with write flag using *_ro command.');
  });

  it('denies writes over maxmemory unless allow-oom; no-writes functions still run', () => {
    const t = loaded(fn('a', 'f1', "return redis.call('set', 'x', '1')"), flagged('b', 'f2', "'allow-oom'", "return redis.call('set', 'x', '2')"), flagged('c', 'f3', "'no-writes'", "return 'hello'"));
    expect(t.run('SET', 'big', 'x'.repeat(1000))).toBe('+OK');
    expect(t.run('CONFIG', 'SET', 'maxmemory', '1')).toBe('+OK');
    expect(t.run('FCALL', 'f1', '1', 'k')).toBe("-OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'");
    expect(t.run('FCALL', 'f2', '1', 'x')).toBe('+OK');
    expect(t.run('FCALL', 'f3', '1', 'k')).toBe('hello');
    expect(t.run('FCALL_RO', 'f3', '1', 'k')).toBe('hello');
    expect(t.run('FUNCTION', 'LOAD', fn('d', 'f4', 'return 1'))).toMatch(/^-OOM command not allowed when used memory > 'maxmemory'/);
  });

  it('journals the effects of a function, not the FCALL', () => {
    const t = loaded(fn('j', 'incr2', "redis.call('incr', KEYS[1]) return redis.call('incr', KEYS[1])"));
    t.journal.length = 0;
    expect(t.run('FCALL', 'incr2', '1', 'n')).toBe(2);
    expect(t.journal.map((j) => j.argv)).toEqual([['MULTI'], ['incr', 'n'], ['incr', 'n'], ['EXEC']]);
  });
});

describe('FUNCTION DELETE / FLUSH / LIST / STATS / KILL / HELP', () => {
  it('DELETE removes a library and its functions', () => {
    const t = loaded(fn('test', 'test', 'return 1'));
    expect(t.run('FUNCTION', 'DELETE', 'test')).toBe('+OK');
    expect(t.run('FCALL', 'test', '0')).toBe('-ERR Function not found');
    expect(t.run('FUNCTION', 'DELETE', 'test')).toBe('-ERR Library not found');
    expect(t.run('FUNCTION', 'DELETE')).toBe("-ERR wrong number of arguments for 'function|delete' command");
  });

  it('FLUSH [ASYNC|SYNC]', () => {
    const t = loaded(fn('a', 'a', 'return 1'));
    expect(t.run('FUNCTION', 'FLUSH')).toBe('+OK');
    expect(t.run('FUNCTION', 'LIST')).toEqual([]);
    expect(t.run('FUNCTION', 'LOAD', fn('a', 'a', 'return 1'))).toBe('a');
    expect(t.run('FUNCTION', 'flush', 'async')).toBe('+OK');
    expect(t.run('FUNCTION', 'FLUSH', 'SYNC')).toBe('+OK');
    expect(t.run('FUNCTION', 'FLUSH', 'bad_arg')).toBe('-ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    expect(t.run('FUNCTION', 'flush', 'sync', 'extra_arg')).toBe("-ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP.");
    expect(t.run('FUNCTION', 'STATS')).toEqual({ running_script: null, engines: { LUA: { libraries_count: 0, functions_count: 0 } } });
  });

  it('LIST with LIBRARYNAME (case-insensitive glob) and WITHCODE, options once each', () => {
    const code = lib('library1', "redis.register_function('f6', function(keys, args) return 7 end)");
    const t = loaded(code, lib('lib1', "redis.register_function('f7', function(keys, args) return 7 end)"));
    expect(t.run('FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'LIBRARY*')).toEqual([
      { library_name: 'library1', engine: 'LUA', functions: [{ name: 'f6', description: null, flags: [] }], library_code: code },
    ]);
    expect(t.run('FUNCTION', 'LIST', 'libraryname', 'nomatch')).toEqual([]);
    expect((t.run('FUNCTION', 'LIST') as unknown[]).length).toBe(2);
    expect(t.run('FUNCTION', 'LIST', 'bad_argument')).toBe('-ERR Unknown argument bad_argument');
    expect(t.run('FUNCTION', 'LIST', 'libraryname')).toBe('-ERR library name argument was not given');
    expect(t.run('FUNCTION', 'LIST', 'withcode', 'withcode')).toBe('-ERR Unknown argument withcode');
    expect(t.run('FUNCTION', 'LIST', 'withcode', 'libraryname', 'foo', 'libraryname', 'foo')).toBe('-ERR Unknown argument libraryname');
  });

  it('STATS counts libraries and functions; KILL with nothing running; HELP', () => {
    const t = loaded(lib('test1', "redis.register_function('f1', function() return 1 end)\nredis.register_function('f2', function() return 1 end)"), fn('test2', 'f3', 'return 1'));
    expect(t.run('FUNCTION', 'STATS')).toEqual({ running_script: null, engines: { LUA: { libraries_count: 2, functions_count: 3 } } });
    expect(t.run('FUNCTION', 'DELETE', 'test1')).toBe('+OK');
    expect(t.run('FUNCTION', 'STATS')).toEqual({ running_script: null, engines: { LUA: { libraries_count: 1, functions_count: 1 } } });
    expect(t.run('FUNCTION', 'KILL')).toBe('-NOTBUSY No scripts in execution right now.');
    expect(t.run('FUNCTION', 'bad_subcommand')).toBe("-ERR unknown subcommand 'bad_subcommand'. Try FUNCTION HELP.");
    const help = t.run('FUNCTION', 'HELP') as string[];
    expect(help[0]).toBe('+FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toContain('+RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]');
    expect(help.at(-1)).toBe('+    Prints this help.');
  });
});

describe('FUNCTION DUMP / RESTORE', () => {
  const three = lib(
    'lib1',
    "local function add1(a) return a + 1 end\nredis.register_function('f1', function() return add1(1) end)\nredis.register_function('f2', function() return add1(2) end)\nredis.register_function('f3', function() return add1(3) end)",
  );

  it('DUMP is RDB_OPCODE_FUNCTION2 records, RDB version 10 and a CRC64', () => {
    const t = loaded(fn('test', 'test', "return 'hello'"));
    const p = Buffer.from(t.run('FUNCTION', 'DUMP') as string, 'latin1');
    expect(p[0]).toBe(245);
    expect(p.readUInt16LE(p.length - 10)).toBe(10);
    expect(p.subarray(3, p.length - 10).toString('latin1')).toBe(fn('test', 'test', "return 'hello'"));
    const empty = Buffer.from(createTestExecutor().run('FUNCTION', 'DUMP') as string, 'latin1');
    expect(empty.length).toBe(10);
    expect(empty.readUInt16LE(0)).toBe(10);
  });

  it('RESTORE with APPEND (default), REPLACE and FLUSH, all or nothing', () => {
    const t = loaded(three);
    const payload = t.run('FUNCTION', 'DUMP') as string;
    expect(t.run('FUNCTION', 'FLUSH')).toBe('+OK');
    expect(t.run('FUNCTION', 'LOAD', fn('lib1', 'f6', 'return 7'))).toBe('lib1');
    expect(t.run('FUNCTION', 'LOAD', lib('lib2', "redis.register_function('f4', function() return 5 end)\nredis.register_function('f3', function() return 4 end)"))).toBe('lib2');
    expect(t.run('FUNCTION', 'RESTORE', payload)).toBe('-ERR Library lib1 already exists');
    expect(t.run('FUNCTION', 'RESTORE', payload, 'replace')).toBe('-ERR Function f3 already exists');
    expect(t.run('FCALL', 'f6', '0')).toBe(7);
    expect(t.run('FCALL', 'f3', '0')).toBe(4);
    expect(t.run('FUNCTION', 'DELETE', 'lib2')).toBe('+OK');
    expect(t.run('FUNCTION', 'RESTORE', payload, 'REPLACE')).toBe('+OK');
    expect(t.run('FCALL', 'f6', '0')).toBe('-ERR Function not found');
    expect(t.run('FCALL', 'f3', '0')).toBe(4);
    expect(t.run('FUNCTION', 'LOAD', fn('other', 'o', 'return 0'))).toBe('other');
    expect(t.run('FUNCTION', 'RESTORE', payload, 'FLUSH')).toBe('+OK');
    expect(t.run('FUNCTION', 'STATS')).toEqual({ running_script: null, engines: { LUA: { libraries_count: 1, functions_count: 3 } } });
    expect(t.run('FUNCTION', 'DELETE', 'lib1')).toBe('+OK');
    expect(t.run('FUNCTION', 'RESTORE', payload, 'APPEND')).toBe('+OK');
    expect(t.run('FCALL', 'f1', '0')).toBe(2);
  });

  it('refuses bad payloads and policies without dropping anything', () => {
    const t = loaded(fn('test', 'test', "return 'hello'"));
    const payload = t.run('FUNCTION', 'DUMP') as string;
    expect(t.run('FUNCTION', 'RESTORE', 'bad_payload')).toBe('-ERR DUMP payload version or checksum are wrong');
    const newer = Buffer.from(payload, 'latin1');
    newer.writeUInt16LE(11, newer.length - 10);
    expect(t.run('FUNCTION', 'RESTORE', newer.toString('latin1'))).toBe('-ERR DUMP payload version or checksum are wrong');
    expect(t.run('FUNCTION', 'RESTORE', payload, 'bad')).toBe('-ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
    expect(t.run('FUNCTION', 'restore', 'arg1', 'args2', 'arg3')).toBe("-ERR unknown subcommand or wrong number of arguments for 'restore'. Try FUNCTION HELP.");
    expect(t.run('FCALL', 'test', '0')).toBe('hello');
  });

  it('journals LOAD, DELETE, FLUSH and RESTORE as given', () => {
    const t = createTestExecutor();
    const code = fn('a', 'a', 'return 1');
    t.run('FUNCTION', 'LOAD', code);
    const payload = t.run('FUNCTION', 'DUMP') as string;
    t.run('FUNCTION', 'DELETE', 'a');
    t.run('FUNCTION', 'RESTORE', payload);
    t.run('FUNCTION', 'FLUSH', 'ASYNC');
    t.run('FUNCTION', 'LOAD', code);
    t.run('FUNCTION', 'LOAD', code);
    t.run('FUNCTION', 'LIST');
    expect(t.journal.map((j) => j.argv)).toEqual([
      ['FUNCTION', 'LOAD', code],
      ['FUNCTION', 'DELETE', 'a'],
      ['FUNCTION', 'RESTORE', payload],
      ['FUNCTION', 'FLUSH', 'ASYNC'],
      ['FUNCTION', 'LOAD', code],
    ]);
    expect(t.server.scripting.functions.rewriteCommands()).toEqual([['FUNCTION', 'LOAD', code]]);
  });
});
