// Whole RDB files: every type, TTLs, databases and function libraries survive write -> read; malformed files are refused.
import { describe, expect, it } from 'vitest';
import { RdbError } from '../rdb/bytes.js';
import { createTestExecutor } from '../testing/exec.js';
import { picture } from '../testing/dataset.js';
import type { Store } from '../store/store.js';
import { readRdb, writeRdb } from './rdb-file.js';
import { parseBulkHeader, parsePsyncAnswer, SocketReader } from './handshake.js';

function rdbOf(store: Store, functions: string | null = null): Buffer {
  return writeRdb({
    databases: store.databases,
    size: (db) => store.db(db).size,
    expires: (db) => store.db(db).volatileCount,
    entries: function* (db) {
      for (const [k, e] of store.db(db).entries()) yield [k, e.value, e.expireAt] as const;
    },
    functions,
    aux: [['redis-ver', '7.0.15']],
  });
}

describe('writeRdb / readRdb', () => {
  it('round-trips every type, big and small encodings, TTLs, several databases and functions', () => {
    const a = createTestExecutor();
    a.run('SET', 's', 'v');
    a.run('SET', 'n', '12345');
    a.run('SET', 'big', 'x'.repeat(100_000));
    a.run('SET', 'ttl', 'v', 'PX', '100000');
    a.run('HSET', 'h', 'a', '1', 'b', '2');
    a.run('HSET', 'hbig', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, String(i)]).flat());
    a.run('RPUSH', 'l', 'a', 'b', '3');
    a.run('SADD', 'si', '1', '2', '3');
    a.run('SADD', 'ss', 'a', 'b');
    a.run('ZADD', 'z', '1', 'a', '2.5', 'b');
    a.run('XADD', 'x', '1-1', 'f', 'v');
    a.run('XGROUP', 'CREATE', 'x', 'g', '0');
    a.run('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'x', '>');
    a.run('SELECT', '5');
    a.run('SET', 'in5', 'v');
    a.run('FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
    const fns = a.server.scripting.functions;
    const file = rdbOf(a.store, fns.dump());
    expect(file.subarray(0, 9).toString()).toBe('REDIS0010');
    const b = createTestExecutor();
    let libs: string | null = null;
    const aux: string[] = [];
    const { keys } = readRdb(file, {
      key: (db, key, value, at) => b.store.db(db).set(key, value, at),
      functions: (p) => (libs = p),
      aux: (k, v) => aux.push(`${k}=${v}`),
    });
    expect(keys).toBe(a.store.db(0).size + 1);
    expect(picture(b.store)).toEqual(picture(a.store));
    expect(aux).toEqual(['redis-ver=7.0.15']);
    expect(libs).not.toBeNull();
    b.server.scripting.functions.restore(libs as unknown as string, 'flush');
    expect(b.run('FCALL', 'f', '0')).toBe(1);
  });

  it.each([
    ['not an RDB file', Buffer.from('HELLO0010')],
    ['a truncated file', Buffer.from('REDIS0010\xfe', 'latin1')],
    ['a newer version', Buffer.from('REDIS0099\xff', 'latin1')],
    ['a key of an unknown type', Buffer.from('REDIS0010\x63\x01k\x00\xff', 'latin1')],
  ])('refuses %s', (_what, buf) => {
    expect(() => readRdb(buf, { key: () => undefined })).toThrow(RdbError);
  });
});

describe('handshake parsing', () => {
  it.each([
    ['+FULLRESYNC ' + 'a'.repeat(40) + ' 123', { kind: 'full', replid: 'a'.repeat(40), offset: 123 }],
    ['+FULLRESYNC short 1', { kind: 'error', line: '+FULLRESYNC short 1' }],
    ['+CONTINUE', { kind: 'continue', replid: null }],
    ['+CONTINUE ' + 'b'.repeat(40), { kind: 'continue', replid: 'b'.repeat(40) }],
    ["-NOMASTERLINK Can't SYNC while not connected with my master", { kind: 'later', line: "-NOMASTERLINK Can't SYNC while not connected with my master" }],
    ['-ERR unknown command', { kind: 'error', line: '-ERR unknown command' }],
  ])('PSYNC answer %s', (line, want) => {
    expect(parsePsyncAnswer(line)).toEqual(want);
  });

  it.each([
    ['$123', { len: 123 }],
    ['$0', { len: 0 }],
    ['$EOF:' + 'c'.repeat(40), { mark: Buffer.from('c'.repeat(40)) }],
    ['$EOF:short', null],
    ['$-1x', null],
    ['+OK', null],
  ])('bulk header %s', (line, want) => {
    expect(parseBulkHeader(line)).toEqual(want);
  });

  it('reads lines, exact lengths and EOF-marked payloads however the bytes are split', async () => {
    const mark = 'm'.repeat(40);
    const wire = Buffer.from(`+PONG\r\n\n$5\r\nhello$EOF:${mark}\r\nabc${mark}`, 'latin1');
    for (const step of [1, 3, wire.length]) {
      const r = new SocketReader();
      const got = (async () => {
        const out: string[] = [await r.line(), await r.line()];
        const h = parseBulkHeader(await r.line());
        out.push((await r.exact(h !== null && 'len' in h ? h.len : -1)).toString());
        const h2 = parseBulkHeader(await r.line());
        out.push((await r.untilMark(h2 !== null && 'mark' in h2 ? h2.mark : Buffer.alloc(0))).toString());
        return out;
      })();
      for (let i = 0; i < wire.length; i += step) {
        r.push(wire.subarray(i, i + step));
        await Promise.resolve();
        await Promise.resolve();
      }
      expect(await got).toEqual(['+PONG', '', 'hello', 'abc']);
    }
  });

  it('a failed socket rejects the pending read', async () => {
    const r = new SocketReader();
    const p = r.line();
    r.fail(new Error('link closed'));
    await expect(p).rejects.toThrow('link closed');
  });
});
