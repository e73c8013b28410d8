// DUMP / RESTORE of hashes with field deadlines: Redis 7.4's RDB_TYPE_HASH_METADATA written, types 22-25 read, deadlines kept.
import { describe, expect, it } from 'vitest';
import { createTestExecutor, T0 } from '../testing/exec.js';
import { HashValue } from '../store/hash.js';
import { crc64Bytes } from './crc64.js';
import { ListpackWriter } from './listpack.js';
import { dumpPayload, RDB_TYPE, RDB_VERSION, RDB_VERSION_HFE, restorePayload, verifyPayload } from './value.js';
import { RdbWriter } from './writer.js';

/** A payload around `body` with version `ver` and a right CRC. */
function payload(body: Buffer, ver: number): string {
  const w = Buffer.alloc(body.length + 2);
  body.copy(w);
  w.writeUInt16LE(ver, body.length);
  return Buffer.concat([w, crc64Bytes(w)]).toString('latin1');
}

describe('hash-field deadlines in DUMP payloads', () => {
  it('DUMP writes type 24 (min deadline, relative deadlines + 1, 0 for none) under version 12; a plain hash stays type 16 / version 10', () => {
    const h = new HashValue();
    h.set('a', '1');
    h.set('b', '2');
    h.set('c', '3');
    h.setTtl('a', T0 + 500);
    h.setTtl('c', T0 + 100);
    const p = dumpPayload(h);
    const w = new RdbWriter();
    w.byte(RDB_TYPE.HASH_METADATA);
    w.millis(T0 + 100);
    w.len(3);
    for (const [f, v, ttl] of [
      ['a', '1', 401],
      ['b', '2', 0],
      ['c', '3', 1],
    ] as const) {
      w.len(ttl);
      w.string(f);
      w.string(v);
    }
    expect(p.toString('latin1')).toBe(payload(w.bytes(), RDB_VERSION_HFE));
    expect(verifyPayload(p)).toBe(true);
    const back = restorePayload(p) as HashValue;
    expect([back.ttlOf('a'), back.ttlOf('b'), back.ttlOf('c')]).toEqual([T0 + 500, 0, T0 + 100]);
    const plain = new HashValue();
    plain.set('a', '1');
    const q = dumpPayload(plain);
    expect(q[0]).toBe(RDB_TYPE.HASH_LISTPACK);
    expect(q.readUInt16LE(q.length - 10)).toBe(RDB_VERSION);
  });

  it('reads Redis 7.4 listpack hashes with deadlines (type 25) and the pre-GA forms (22, 23)', () => {
    const lp = new ListpackWriter(64);
    for (const s of ['f', 'v', String(T0 + 7), 'g', 'w', '0']) lp.append(s);
    const w25 = new RdbWriter();
    w25.byte(RDB_TYPE.HASH_LISTPACK_EX);
    w25.millis(T0 + 7);
    w25.blob(lp.finish());
    const h25 = restorePayload(Buffer.from(payload(w25.bytes(), 12), 'latin1')) as HashValue;
    expect([h25.get('f'), h25.ttlOf('f'), h25.get('g'), h25.ttlOf('g')]).toEqual(['v', T0 + 7, 'w', 0]);
    const w22 = new RdbWriter();
    w22.byte(RDB_TYPE.HASH_METADATA_PRE_GA);
    w22.len(1);
    w22.len(T0 + 9);
    w22.string('x');
    w22.string('y');
    expect((restorePayload(Buffer.from(payload(w22.bytes(), 12), 'latin1')) as HashValue).ttlOf('x')).toBe(T0 + 9);
    const bad = new RdbWriter();
    bad.byte(RDB_TYPE.HASH_METADATA_PRE_GA);
    bad.len(1);
    bad.len(2 ** 49);
    bad.string('x');
    bad.string('y');
    expect(() => restorePayload(Buffer.from(payload(bad.bytes(), 12), 'latin1'))).toThrow('invalid hash field expire time');
  });

  it('DUMP then RESTORE through commands keeps the deadlines, which then expire', () => {
    const t = createTestExecutor();
    t.run('HSET', 'h', 'a', '1', 'b', '2');
    t.run('HPEXPIRE', 'h', '100', 'FIELDS', '1', 'a');
    const dumped = t.run('DUMP', 'h') as string;
    expect(t.run('RESTORE', 'r', '0', dumped)).toBe('+OK');
    expect(t.run('HPTTL', 'r', 'FIELDS', '2', 'a', 'b')).toEqual([100, -1]);
    t.clock.advance(100);
    t.store.activeExpireCycle(1000);
    expect(t.run('HGETALL', 'r')).toEqual({ b: '2' });
    expect(t.run('RESTORE', 'v11', '0', payload(Buffer.from([RDB_TYPE.STRING, 1, 0x78]), 11))).toBe('+OK');
    expect(t.run('RESTORE', 'v13', '0', payload(Buffer.from([RDB_TYPE.STRING, 1, 0x78]), 13))).toBe('-ERR DUMP payload version or checksum are wrong');
  });
});
