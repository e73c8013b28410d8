// AOF record encoding and scanning: round trips, chunking, a cut at every offset of the last record, flipped bytes.
import { describe, expect, it } from 'vitest';
import { encodeCommand, OutBuffer, RecordScanner, scanBuffer } from './records.js';

const COMMANDS: string[][] = [
  ['SELECT', '0'],
  ['SET', 'key', 'value'],
  ['SET', 'bin', '\x00\r\n\xff latin1 \xe9'],
  ['HSET', 'h', 'f', '', 'g', 'x'.repeat(40_000)],
  ['DEL', ''],
  ['MULTI'],
  ['INCR', 'n'],
  ['EXEC'],
];

function file(cmds: string[][]): Buffer {
  return Buffer.from(cmds.map(encodeCommand).join(''), 'latin1');
}

function collect(buf: Buffer, chunk = buf.length): { cmds: string[][]; spans: [number, number][]; res: ReturnType<RecordScanner['end']> } {
  const cmds: string[][] = [];
  const spans: [number, number][] = [];
  const s = new RecordScanner((argv, start, end) => {
    cmds.push(argv);
    spans.push([start, end]);
  });
  for (let i = 0; i < buf.length; i += chunk) if (!s.feed(buf.subarray(i, i + chunk))) break;
  return { cmds, spans, res: s.end() };
}

describe('encodeCommand', () => {
  it('writes RESP multibulk with byte lengths of latin1 strings', () => {
    expect(encodeCommand(['SET', 'k', 'v\xe9'])).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv\xe9\r\n');
    expect(encodeCommand(['X', ''])).toBe('*2\r\n$1\r\nX\r\n$0\r\n\r\n');
  });
});

describe('OutBuffer', () => {
  it('pushCommand writes the same bytes as encodeCommand, growing past its initial size', () => {
    const out = new OutBuffer(16);
    for (const c of COMMANDS) out.pushCommand(c);
    out.push(encodeCommand(['PING']));
    expect(out.view().toString('latin1')).toBe(COMMANDS.map(encodeCommand).join('') + encodeCommand(['PING']));
    out.reset();
    expect(out.length).toBe(0);
  });
});

describe('RecordScanner', () => {
  it('round-trips commands with exact record spans, whole and byte by byte', () => {
    const buf = file(COMMANDS);
    for (const chunk of [buf.length, 1, 7, 4096]) {
      const { cmds, spans, res } = collect(buf, chunk);
      expect(cmds).toEqual(COMMANDS);
      expect(res).toEqual({ size: buf.length, okUpTo: buf.length, records: COMMANDS.length, problem: null });
      let at = 0;
      spans.forEach(([start, end], i) => {
        expect(start).toBe(at);
        expect(end - start).toBe(encodeCommand(COMMANDS[i] as string[]).length);
        at = end;
      });
    }
  });

  it('reports a cut at every offset of the last record as truncated at its start', () => {
    const all = file(COMMANDS);
    const lastStart = all.length - encodeCommand(COMMANDS[COMMANDS.length - 1] as string[]).length;
    for (let cut = lastStart + 1; cut < all.length; cut++) {
      for (const chunk of [cut, 3]) {
        const { cmds, res } = collect(all.subarray(0, cut), chunk);
        expect(cmds.length, `cut ${cut}`).toBe(COMMANDS.length - 1);
        expect(res.problem, `cut ${cut}`).toMatchObject({ kind: 'truncated', offset: lastStart });
        expect(res.okUpTo).toBe(lastStart);
      }
    }
    // Cut exactly at a record boundary: valid, just shorter.
    expect(scanBuffer(all.subarray(0, lastStart)).problem).toBeNull();
  });

  it('cuts inside a big bulk (decoded incrementally) are truncations too', () => {
    const cmds: string[][] = [['SET', 'a', '1'], ['SET', 'big', 'v'.repeat(100_000)]];
    const all = file(cmds);
    const start = encodeCommand(cmds[0] as string[]).length;
    for (const cut of [start + 5, start + 30, start + 50_000, all.length - 2, all.length - 1]) {
      expect(collect(all.subarray(0, cut), 8192).res.problem).toMatchObject({ kind: 'truncated', offset: start });
    }
  });

  it('reports a damaged structural byte in a middle record as corrupt at that record', () => {
    const buf = file(COMMANDS);
    const starts: number[] = [];
    let at = 0;
    for (const c of COMMANDS) {
      starts.push(at);
      at += encodeCommand(c).length;
    }
    const rec = 2; // the binary SET
    const recStart = starts[rec] as number;
    const recEnd = starts[rec + 1] as number;
    let corrupt = 0;
    // Only framing bytes: a changed data byte is undetectable in RESP, as in Redis's AOF. (The LF
    // after a count line's CR is skipped unseen, as Redis's parser does.)
    const framing: number[] = [];
    const argv = COMMANDS[rec] as string[];
    let p = recStart;
    const countLine = (n: number): void => {
      const len = String(n).length;
      for (let k = 0; k <= len; k++) framing.push(p + k); // prefix and digits
      framing.push(p + len + 1); // CR
      p += len + 3;
    };
    countLine(argv.length);
    for (const a of argv) {
      countLine(a.length);
      p += a.length;
      framing.push(p, p + 1); // CR LF after the data
      p += 2;
    }
    expect(p).toBe(recEnd);
    for (const i of framing) {
      const bad = Buffer.from(buf);
      bad[i] = 0x78; // 'x'
      const { cmds, res } = collect(bad);
      expect(res.problem, `flip at ${i}`).not.toBeNull();
      if (res.problem?.kind === 'corrupt') {
        corrupt++;
        // Everything before the damaged record was accepted, nothing after it.
        expect(res.problem.offset).toBeGreaterThanOrEqual(recStart);
        expect(res.problem.offset).toBeLessThan(recEnd);
        expect(cmds.length).toBeLessThanOrEqual(rec + 1);
      }
    }
    expect(corrupt).toBeGreaterThan(3);
  });

  it('refuses a record that does not start with *', () => {
    const buf = Buffer.concat([file([['SET', 'a', '1']]), Buffer.from('SET b 2\r\n', 'latin1')]);
    const res = scanBuffer(buf);
    expect(res.problem).toEqual({ kind: 'corrupt', offset: 27, message: "Expected prefix '*', got: 'S'" });
    expect(res.records).toBe(1);
  });
});
