// Snapshot file format: write/read round trip, atomic replace, and every truncation and every flipped byte refused with an offset.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeFs } from './fsio.js';
import { encodeCommand } from './records.js';
import { readSnapshot, SnapshotError, SnapshotWriter, SnapshotWriterSync } from './snapshot-file.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringcache-snap-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const payloads = [
  Buffer.from(encodeCommand(['SELECT', '0']) + encodeCommand(['SET', 'a', '1']), 'latin1'),
  Buffer.from(encodeCommand(['HSET', 'h', 'f', 'v'.repeat(300)]), 'latin1'),
];

async function writeAsync(file: string): Promise<void> {
  const w = new SnapshotWriter(nodeFs, file);
  await w.open();
  for (const p of payloads) await w.write(p);
  await w.commit();
}

function readAll(file: string): Buffer {
  const parts: Buffer[] = [];
  readSnapshot(file, (p) => parts.push(Buffer.from(p)));
  return Buffer.concat(parts);
}

describe('snapshot file', () => {
  it('round-trips payload blocks; the sync writer writes the same bytes', async () => {
    const a = path.join(dir, 'a.rcs');
    const b = path.join(dir, 'b.rcs');
    await writeAsync(a);
    const w = new SnapshotWriterSync(nodeFs, b);
    w.open();
    for (const p of payloads) w.write(p);
    w.commit();
    expect(fs.readFileSync(a)).toEqual(fs.readFileSync(b));
    expect(readAll(a)).toEqual(Buffer.concat(payloads));
    expect(readSnapshot(a)).toEqual({ size: fs.statSync(a).size, blocks: 2, payloadBytes: Buffer.concat(payloads).length });
    // No temp file is left next to it.
    expect(fs.readdirSync(dir).sort()).toEqual(['a.rcs', 'b.rcs']);
  });

  it('replaces the previous snapshot only at commit; abort leaves it and no temp file', async () => {
    const f = path.join(dir, 'dump.rcs');
    await writeAsync(f);
    const before = fs.readFileSync(f);
    const w = new SnapshotWriter(nodeFs, f);
    await w.open();
    await w.write(Buffer.from(encodeCommand(['SET', 'other', 'x']), 'latin1'));
    expect(fs.readFileSync(f)).toEqual(before);
    await w.abort();
    expect(fs.readFileSync(f)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['dump.rcs']);
  });

  it('refuses the file cut at every offset, naming a truncation and its offset', async () => {
    const f = path.join(dir, 'dump.rcs');
    await writeAsync(f);
    const whole = fs.readFileSync(f);
    const cut = path.join(dir, 'cut.rcs');
    for (let n = 0; n < whole.length; n++) {
      fs.writeFileSync(cut, whole.subarray(0, n));
      let err: unknown = null;
      try {
        readSnapshot(cut, () => undefined);
      } catch (e) {
        err = e;
      }
      expect(err, `cut at ${n}`).toBeInstanceOf(SnapshotError);
      const se = err as SnapshotError;
      // An empty or header-less file is "not a snapshot"; anything longer is a truncation.
      if (n >= 8) expect(se.kind, `cut at ${n}`).toBe('truncated');
      expect(se.offset).toBeLessThanOrEqual(n);
      expect(se.message).toContain(cut);
    }
  });

  it('refuses a flipped byte anywhere in the file', async () => {
    const f = path.join(dir, 'dump.rcs');
    await writeAsync(f);
    const whole = fs.readFileSync(f);
    const bad = path.join(dir, 'bad.rcs');
    for (let i = 0; i < whole.length; i++) {
      const b = Buffer.from(whole);
      b[i] = (b[i] as number) ^ 0x20;
      fs.writeFileSync(bad, b);
      expect(() => readSnapshot(bad), `flip at ${i}`).toThrow(SnapshotError);
    }
  });

  it('names the damaged block: a flip in the second block points at it', async () => {
    const f = path.join(dir, 'dump.rcs');
    await writeAsync(f);
    const b = fs.readFileSync(f);
    const second = 16 + 8 + (payloads[0] as Buffer).length;
    b[second + 8 + 20] = (b[second + 8 + 20] as number) ^ 1;
    fs.writeFileSync(f, b);
    expect(() => readSnapshot(f)).toThrow(`corrupt snapshot ${f} at offset ${second}: block checksum mismatch`);
  });

  it('refuses something that is not a snapshot', () => {
    const f = path.join(dir, 'x.rcs');
    fs.writeFileSync(f, 'REDIS0011 not ours');
    expect(() => readSnapshot(f)).toThrow('not a ringcache snapshot (bad magic)');
  });
});
