// Backlog offsets, wrap-around, resize and replid shifts; the feed's SELECT/MULTI encoding.
import { describe, expect, it } from 'vitest';
import { ReplicationBacklog } from './backlog.js';
import { ReplicationFeed } from './feed.js';

const join = (parts: Buffer[] | null): string | null => (parts === null ? null : Buffer.concat(parts).toString('latin1'));

describe('ReplicationBacklog', () => {
  it('starts empty with a 40-hex replid and Redis offsets', () => {
    const b = new ReplicationBacklog(8);
    expect(b.replid).toMatch(/^[0-9a-f]{40}$/);
    expect(b.replid2).toBe('0'.repeat(40));
    expect(b.secondReplOffset).toBe(-1);
    expect(b.offset).toBe(0);
    expect(b.firstOffset).toBe(1);
    expect(join(b.readFrom(0))).toBe('');
    expect(b.readFrom(1)).toBeNull();
  });

  it.each([
    // [appends, size, read offset, expected]
    [['abc', 'def'], 8, 0, 'abcdef'],
    [['abc', 'def'], 8, 4, 'ef'],
    [['abcde', 'fghij'], 8, 2, 'cdefghij'],
    [['abcde', 'fghij'], 8, 1, null],
    [['abcde', 'fghij'], 8, 10, ''],
    [['abcdefghijkl'], 4, 8, 'ijkl'],
    [['abcdefghijkl'], 4, 7, null],
    [['ab', 'cd', 'ef', 'gh', 'ij'], 3, 7, 'hij'],
  ] as const)('%j in %i bytes, read from %i', (appends, size, from, want) => {
    const b = new ReplicationBacklog(size);
    for (const a of appends) b.append(Buffer.from(a));
    expect(join(b.readFrom(from))).toBe(want);
    expect(b.offset).toBe(appends.join('').length);
    expect(b.firstOffset).toBe(b.offset - Math.min(size, b.offset) + 1);
  });

  it('resize keeps the newest bytes and the offset', () => {
    const b = new ReplicationBacklog(8);
    b.append(Buffer.from('abcdefghij'));
    b.resize(4);
    expect(b.offset).toBe(10);
    expect(b.firstOffset).toBe(7);
    expect(join(b.readFrom(6))).toBe('ghij');
    b.resize(16);
    b.append(Buffer.from('kl'));
    expect(join(b.readFrom(6))).toBe('ghijkl');
  });

  it('shiftReplid keeps the old history addressable as replid2', () => {
    const b = new ReplicationBacklog(8);
    b.append(Buffer.from('abc'));
    const old = b.replid;
    b.shiftReplid();
    expect(b.replid2).toBe(old);
    expect(b.secondReplOffset).toBe(4);
    expect(b.replid).not.toBe(old);
  });
});

describe('ReplicationFeed', () => {
  it('emits SELECT when the db changes and keeps MULTI entries in the transaction db', () => {
    const b = new ReplicationBacklog(1024);
    const feed = new ReplicationFeed(b);
    const seen: [string, number][] = [];
    const off = feed.subscribe((c, end) => seen.push([c.toString('latin1'), end]));
    feed.append(0, ['SET', 'k', 'v']);
    feed.append(0, ['DEL', 'k']);
    feed.append(2, ['MULTI']);
    feed.append(2, ['SELECT', '3']);
    feed.append(2, ['INCR', 'n']);
    feed.append(2, ['EXEC']);
    feed.appendRaw(['PING']);
    off();
    feed.append(2, ['DEL', 'x']);
    expect(seen.map((s) => s[0])).toEqual([
      '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n',
      '*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n',
      '*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*1\r\n$5\r\nMULTI\r\n',
      '*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n',
      '*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n',
      '*1\r\n$4\r\nEXEC\r\n',
      '*1\r\n$4\r\nPING\r\n',
    ]);
    expect(seen[seen.length - 1]?.[1]).toBe(b.offset - '*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*2\r\n$3\r\nDEL\r\n$1\r\nx\r\n'.length);
    expect(join(b.readFrom(0))?.length).toBe(b.offset);
  });
});
