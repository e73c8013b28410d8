// Long scripts: past busy-reply-threshold a script yields to the event loop, other clients get -BUSY, SCRIPT KILL stops it unless it wrote, and the yield only happens where Lua 5.1 allows it.
import { describe, expect, it } from 'vitest';
import { createTestExecutor, plain } from '../testing/exec.js';
import type { Reply } from '../resp/reply.js';
import { SLOW_EVAL } from './scripts.js';

describe('scripts past busy-reply-threshold', () => {
  it('answer other clients -BUSY until SCRIPT KILL stops a script that has not written', async () => {
    const t = createTestExecutor({ config: { 'redis.busy_reply_threshold': 20 } });
    const other = t.newClient();
    const pending = t.executor.execute(t.client, ['EVAL', 'while true do end', '0']);
    expect(pending).toBeInstanceOf(Promise);
    expect(t.runAs(other, 'PING')).toBe(`-BUSY ${SLOW_EVAL}`);
    expect(t.runAs(other, 'FUNCTION', 'KILL')).toBe(`-BUSY ${SLOW_EVAL}`);
    expect(t.runAs(other, 'SCRIPT', 'KILL')).toBe('+OK');
    const r = plain(await (pending as Promise<Reply>));
    expect(r).toMatch(/^-ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.$/);
    expect(t.runAs(other, 'PING')).toBe('+PONG');
  });

  it('yield from inside pcall, and refuse SCRIPT KILL once the script wrote', { timeout: 30_000 }, async () => {
    const t = createTestExecutor({ config: { 'redis.busy_reply_threshold': 20 } });
    const other = t.newClient();
    const script = "local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end";
    const pending = t.executor.execute(t.client, ['EVAL', script, '0']) as Promise<Reply>;
    expect(t.runAs(other, 'PING')).toBe(`-BUSY ${SLOW_EVAL}`);
    expect(t.runAs(other, 'SCRIPT', 'KILL')).toBe('+OK');
    expect(plain(await pending)).toMatch(/killed by user/);

    const writer = t.executor.execute(t.client, ['EVAL', "redis.call('set', 'w', '1') for i = 1, 20000000 do end return 'done'", '0']) as Promise<Reply>;
    expect(writer).toBeInstanceOf(Promise);
    expect(t.runAs(other, 'PING')).toBe(`-BUSY ${SLOW_EVAL}`);
    expect(t.runAs(other, 'SCRIPT', 'KILL')).toMatch(/^-UNKILLABLE Sorry the script already executed write commands/);
    expect(plain(await writer)).toBe('done');
    expect(t.runAs(other, 'GET', 'w')).toBe('1');
  });

  it('never yields below the threshold, inside EXEC, or where Lua 5.1 cannot (a metamethod)', () => {
    const loop = 'local n = 0 for i = 1, 2000000 do n = n + 1 end return n';
    const slow = createTestExecutor({ config: { 'redis.busy_reply_threshold': 5000 } });
    const r = slow.executor.execute(slow.client, ['EVAL', loop, '0']);
    expect(r).not.toBeInstanceOf(Promise);
    expect(plain(r as Reply)).toBe(2000000);

    const t = createTestExecutor({ config: { 'redis.busy_reply_threshold': 1 } });
    t.run('MULTI');
    t.run('EVAL', loop, '0');
    expect(t.run('EXEC')).toEqual([2000000]);
    const meta = 'local t = setmetatable({}, {__index = function() local n = 0 for i = 1, 3000000 do n = n + 1 end return n end}) return t.x';
    const m = t.executor.execute(t.client, ['EVAL', meta, '0']);
    expect(m).not.toBeInstanceOf(Promise);
    expect(plain(m as Reply)).toBe(3000000);
  });
});
