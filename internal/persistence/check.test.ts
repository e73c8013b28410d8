// check-aof / check-snapshot: redis-check-aof style reports, --fix cutting a bad tail, manifests, snapshot damage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkAof, checkSnapshot } from './check.js';
import { nodeFs } from './fsio.js';
import { encodeCommand } from './records.js';
import { SnapshotWriterSync } from './snapshot-file.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringcache-check-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const GOOD = encodeCommand(['SELECT', '0']) + encodeCommand(['SET', 'a', 'b']);

describe('check-aof', () => {
  it('reports a valid file like redis-check-aof', () => {
    const f = path.join(dir, 'x.aof');
    fs.writeFileSync(f, GOOD, 'latin1');
    expect(checkAof([f])).toEqual({
      lines: ['Start checking Old-Style AOF', `AOF analyzed: filename=x.aof, size=50, ok_up_to=50, ok_up_to_line=13, diff=0`, `AOF ${f} is valid`],
      code: 0,
    });
  });

  it('reports a truncated tail, and --fix cuts it printing what it cut', () => {
    const f = path.join(dir, 'x.aof');
    fs.writeFileSync(f, GOOD.slice(0, 40), 'latin1');
    const r = checkAof([f]);
    expect(r.code).toBe(1);
    expect(r.lines).toContain(`AOF analyzed: filename=x.aof, size=40, ok_up_to=23, ok_up_to_line=6, diff=17`);
    expect(r.lines[1]).toMatch(/^0x {14}17: Unexpected end of file/);
    expect(r.lines).toContain(`AOF ${f} is not valid. Use the --fix option to try fixing it.`);
    const fixed = checkAof(['--fix', f]);
    expect(fixed.code).toBe(0);
    expect(fixed.lines).toContain(`This will shrink the AOF ${f} from 40 bytes, with 17 bytes, to 23 bytes`);
    expect(fs.statSync(f).size).toBe(23);
    expect(checkAof([f]).code).toBe(0);
  });

  it('reports corruption with its offset', () => {
    const f = path.join(dir, 'x.aof');
    fs.writeFileSync(f, GOOD.replace('$3\r\nSET', 'x3\r\nSET'), 'latin1');
    const r = checkAof([f]);
    expect(r.code).toBe(1);
    expect(r.lines[1]).toBe("0x              17: expected '$', got 'x'");
  });

  it('checks every file of a manifest; --fix only ever cuts the last incr file', () => {
    fs.writeFileSync(path.join(dir, 'a.aof.1.base.aof'), GOOD, 'latin1');
    fs.writeFileSync(path.join(dir, 'a.aof.1.incr.aof'), GOOD + '*2\r\n$3', 'latin1');
    const m = path.join(dir, 'a.aof.manifest');
    fs.writeFileSync(m, 'file a.aof.1.base.aof seq 1 type b\nfile a.aof.1.incr.aof seq 1 type i\n');
    const r = checkAof([m]);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toBe('Start checking Multi Part AOF');
    expect(r.lines).toContain('AOF files or manifest are not valid');
    expect(checkAof(['--fix', m]).lines).toContain('All AOF files and manifest are valid');
    expect(checkAof([m]).code).toBe(0);
  });

  it('usage and missing files', () => {
    expect(checkAof([]).code).toBe(2);
    expect(checkAof([path.join(dir, 'nope.aof')])).toEqual({ lines: [`Cannot open file ${path.join(dir, 'nope.aof')}: No such file or directory`], code: 1 });
  });
});

describe('check-snapshot', () => {
  function snapshot(): string {
    const f = path.join(dir, 'dump.rcs');
    const w = new SnapshotWriterSync(nodeFs, f);
    w.open();
    w.write(Buffer.from(GOOD, 'latin1'));
    w.commit();
    return f;
  }

  it('accepts a good snapshot and counts its commands', () => {
    const f = snapshot();
    const r = checkSnapshot([f]);
    expect(r.code).toBe(0);
    expect(r.lines).toContain(`Snapshot ${f} is valid`);
    expect(r.lines.some((l) => l.includes('commands=2'))).toBe(true);
  });

  it('names the offset of damage and of truncation', () => {
    const f = snapshot();
    const b = fs.readFileSync(f);
    const bad = Buffer.from(b);
    bad[30] = (bad[30] as number) ^ 1;
    fs.writeFileSync(f, bad);
    expect(checkSnapshot([f]).lines).toContain(`Snapshot ${f} is not valid (corrupt at offset 16)`);
    fs.writeFileSync(f, b.subarray(0, b.length - 1));
    const r = checkSnapshot([f]);
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toMatch(/is not valid \(truncated at offset \d+\)/);
  });
});
