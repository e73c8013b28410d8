// FUNCTION FLUSH / LIST / HELP on an empty library, with redis-server 7.0.15's replies and errors.
import { describe, expect, it } from 'vitest';
import { createTestExecutor } from '../testing/exec.js';

describe('FUNCTION (no library can exist yet)', () => {
  it('FLUSH [ASYNC|SYNC] answers OK; other arguments as Redis refuses them', () => {
    const t = createTestExecutor();
    expect(t.run('FUNCTION', 'FLUSH')).toBe('+OK');
    expect(t.run('FUNCTION', 'flush', 'async')).toBe('+OK');
    expect(t.run('FUNCTION', 'FLUSH', 'SYNC')).toBe('+OK');
    expect(t.run('FUNCTION', 'FLUSH', 'foo')).toBe('-ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    expect(t.run('FUNCTION', 'FLUSH', 'a', 'b')).toBe("-ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.");
  });

  it('LIST is empty and checks its options', () => {
    const t = createTestExecutor();
    expect(t.run('FUNCTION', 'LIST')).toEqual([]);
    expect(t.run('FUNCTION', 'LIST', 'LIBRARYNAME', 'x', 'WITHCODE')).toEqual([]);
    expect(t.run('FUNCTION', 'LIST', 'foo')).toBe('-ERR Unknown argument foo');
  });

  it('what does not exist yet is an unknown subcommand, as Redis words it', () => {
    const t = createTestExecutor();
    expect(t.run('FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("f", function() return 1 end)')).toBe("-ERR unknown subcommand 'LOAD'. Try FUNCTION HELP.");
    expect(t.run('FUNCTION')).toBe("-ERR wrong number of arguments for 'function' command");
    expect((t.run('FUNCTION', 'HELP') as string[])[0]).toBe('+FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  });
});
