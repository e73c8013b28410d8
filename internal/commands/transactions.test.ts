// MULTI/EXEC/DISCARD/WATCH semantics through the real executor: queueing, EXECABORT, WATCH invalidation, journal.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor();
});

describe('MULTI / EXEC', () => {
  it('queues commands and runs them in order', () => {
    expect(t.run('MULTI')).toBe('+OK');
    expect(t.run('SET', 'a', '1')).toBe('+QUEUED');
    expect(t.run('INCR', 'a')).toBe('+QUEUED');
    expect(t.run('GET', 'a')).toBe('+QUEUED');
    expect(t.run('EXEC')).toEqual(['+OK', 2, '2']);
  });

  it('runtime errors do not abort the rest', () => {
    t.run('SET', 's', 'text');
    t.run('MULTI');
    t.run('INCR', 's');
    t.run('SET', 'b', '1');
    expect(t.run('EXEC')).toEqual(['-ERR value is not an integer or out of range', '+OK']);
    expect(t.run('GET', 'b')).toBe('1');
  });

  it('queue-time errors abort with EXECABORT and nothing runs', () => {
    t.run('MULTI');
    t.run('SET', 'a', '1');
    expect(t.run('SET', 'a')).toBe("-ERR wrong number of arguments for 'set' command");
    expect(t.run('NOSUCH')).toMatch(/^-ERR unknown command 'NOSUCH'/);
    expect(t.run('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.');
    expect(t.run('GET', 'a')).toBeNull();
  });

  it('refuses nesting, EXEC/DISCARD without MULTI and WATCH inside MULTI', () => {
    expect(t.run('EXEC')).toBe('-ERR EXEC without MULTI');
    expect(t.run('DISCARD')).toBe('-ERR DISCARD without MULTI');
    t.run('MULTI');
    expect(t.run('MULTI')).toBe('-ERR MULTI calls can not be nested');
    expect(t.run('WATCH', 'x')).toBe('-ERR WATCH inside MULTI is not allowed');
    expect(t.run('DISCARD')).toBe('+OK');
    expect(t.run('EXEC')).toBe('-ERR EXEC without MULTI');
  });

  it('journals a transaction with several writes as MULTI ... EXEC', () => {
    t.run('MULTI');
    t.run('SET', 'a', '1');
    t.run('GET', 'a');
    t.run('SET', 'b', '2');
    t.run('EXEC');
    expect(t.journal.map((j) => j.argv[0])).toEqual(['MULTI', 'SET', 'SET', 'EXEC']);
  });

  it('journals nothing extra for a single write', () => {
    t.run('MULTI');
    t.run('SET', 'a', '1');
    t.run('EXEC');
    expect(t.journal.map((j) => j.argv)).toEqual([['SET', 'a', '1']]);
  });
});

describe('WATCH', () => {
  it('EXEC fails (null) when another client changed a watched key', () => {
    const other = t.newClient();
    t.run('SET', 'k', '1');
    t.run('WATCH', 'k');
    t.runAs(other, 'SET', 'k', '2');
    t.run('MULTI');
    t.run('SET', 'k', '3');
    expect(t.run('EXEC')).toBeNull();
    expect(t.run('GET', 'k')).toBe('2');
  });

  it('succeeds when nothing changed, and a later transaction is unaffected', () => {
    t.run('WATCH', 'k');
    t.run('MULTI');
    t.run('SET', 'k', '1');
    expect(t.run('EXEC')).toEqual(['+OK']);
    const other = t.newClient();
    t.runAs(other, 'SET', 'k', '2');
    t.run('MULTI');
    t.run('SET', 'k', '3');
    expect(t.run('EXEC')).toEqual(['+OK']);
  });

  it.each([
    ['DEL', ['DEL', 'k']],
    ['EXPIRE', ['EXPIRE', 'k', '100']],
    ['FLUSHALL', ['FLUSHALL']],
    ['FLUSHDB', ['FLUSHDB']],
    ['SWAPDB', ['SWAPDB', '0', '1']],
    ['APPEND', ['APPEND', 'k', 'x']],
  ])('is invalidated by %s', (_name, argv) => {
    const other = t.newClient();
    t.run('SET', 'k', '1');
    t.run('WATCH', 'k');
    t.runAs(other, ...argv);
    t.run('MULTI');
    t.run('PING');
    expect(t.run('EXEC')).toBeNull();
  });

  it('is invalidated by the key expiring', () => {
    t.run('SET', 'k', '1', 'PX', '100');
    t.run('WATCH', 'k');
    t.clock.advance(200);
    t.run('MULTI');
    t.run('PING');
    expect(t.run('EXEC')).toBeNull();
  });

  it('UNWATCH and DISCARD forget the watches', () => {
    const other = t.newClient();
    t.run('WATCH', 'k');
    t.run('UNWATCH');
    t.runAs(other, 'SET', 'k', '1');
    t.run('MULTI');
    expect(t.run('EXEC')).toEqual([]);
    t.run('WATCH', 'k');
    t.run('MULTI');
    t.run('DISCARD');
    t.runAs(other, 'SET', 'k', '2');
    t.run('MULTI');
    expect(t.run('EXEC')).toEqual([]);
  });

  it('watches per database', () => {
    const other = t.newClient();
    t.run('WATCH', 'k');
    t.runAs(other, 'SELECT', '1');
    t.runAs(other, 'SET', 'k', '1');
    t.run('MULTI');
    expect(t.run('EXEC')).toEqual([]);
  });
});

describe('pub/sub and notifications through the executor', () => {
  it('delivers messages and pattern messages; RESP2 subscribers are restricted', () => {
    const sub = t.newClient();
    expect(t.runAs(sub, 'SUBSCRIBE', 'a', 'b')).toEqual([
      ['subscribe', 'a', 1],
      ['subscribe', 'b', 2],
    ]);
    expect(t.runAs(sub, 'PSUBSCRIBE', 'n*')).toEqual([['psubscribe', 'n*', 3]]);
    expect(t.run('PUBLISH', 'a', 'hi')).toBe(1);
    expect(t.run('PUBLISH', 'news', 'x')).toBe(1);
    expect(t.takePushes(sub)).toEqual([
      ['message', 'a', 'hi'],
      ['pmessage', 'n*', 'news', 'x'],
    ]);
    expect(t.runAs(sub, 'GET', 'a')).toBe(
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
    );
    expect(t.runAs(sub, 'PING')).toEqual(['pong', '']);
    expect(t.runAs(sub, 'UNSUBSCRIBE')).toEqual([
      ['unsubscribe', 'a', 2],
      ['unsubscribe', 'b', 1],
    ]);
    expect(t.runAs(sub, 'PUNSUBSCRIBE')).toEqual([['punsubscribe', 'n*', 0]]);
    expect(t.runAs(sub, 'UNSUBSCRIBE')).toEqual([['unsubscribe', null, 0]]);
    expect(t.runAs(sub, 'PING')).toBe('+PONG');
  });

  it('RESP3 subscribers may run any command', () => {
    const sub = t.newClient();
    sub.proto = 3;
    t.runAs(sub, 'SUBSCRIBE', 'a');
    expect(t.runAs(sub, 'SET', 'x', '1')).toBe('+OK');
  });

  it('PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARD*', () => {
    const s1 = t.newClient();
    const s2 = t.newClient();
    t.runAs(s1, 'SUBSCRIBE', 'news.a', 'news.b');
    t.runAs(s2, 'SUBSCRIBE', 'news.a');
    t.runAs(s2, 'PSUBSCRIBE', 'x*', 'y*');
    t.runAs(s2, 'SSUBSCRIBE', 'sh');
    expect((t.run('PUBSUB', 'CHANNELS') as string[]).sort()).toEqual(['news.a', 'news.b']);
    expect(t.run('PUBSUB', 'CHANNELS', '*.b')).toEqual(['news.b']);
    expect(t.run('PUBSUB', 'NUMSUB', 'news.a', 'none')).toEqual(['news.a', 2, 'none', 0]);
    expect(t.run('PUBSUB', 'NUMPAT')).toBe(2);
    expect(t.run('PUBSUB', 'SHARDCHANNELS')).toEqual(['sh']);
    expect(t.run('PUBSUB', 'SHARDNUMSUB', 'sh')).toEqual(['sh', 1]);
    expect(t.run('SPUBLISH', 'sh', 'm')).toBe(1);
    expect(t.takePushes(s2)).toEqual([['smessage', 'sh', 'm']]);
  });

  it('a closed subscriber is forgotten', () => {
    const sub = t.newClient();
    t.runAs(sub, 'SUBSCRIBE', 'a');
    sub.kill();
    expect(t.run('PUBLISH', 'a', 'x')).toBe(0);
  });

  it('publishes expired events when notify-keyspace-events asks for them', () => {
    const sub = t.newClient();
    t.run('CONFIG', 'SET', 'notify-keyspace-events', 'Ex');
    t.runAs(sub, 'SUBSCRIBE', '__keyevent@0__:expired');
    t.run('SET', 'k', 'v', 'PX', '10');
    t.clock.advance(20);
    expect(t.run('GET', 'k')).toBeNull();
    expect(t.takePushes(sub)).toEqual([['message', '__keyevent@0__:expired', 'k']]);
    expect(t.run('CONFIG', 'SET', 'notify-keyspace-events', 'Q')).toMatch(/^-ERR CONFIG SET failed .*Invalid event class character/);
  });
});

describe('blocking commands inside MULTI', () => {
  it('answer at once as if timed out instead of blocking EXEC', () => {
    t.run('MULTI');
    t.run('BLPOP', 'empty', '0');
    t.run('RPUSH', 'l', 'a');
    t.run('BLPOP', 'l', '0');
    expect(t.run('EXEC')).toEqual([null, 1, ['l', 'a']]);
  });
});
