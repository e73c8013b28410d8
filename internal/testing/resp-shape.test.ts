// replyShape: RESP2 and RESP3 frames reduced to their type structure, whole or incomplete.
import { describe, expect, it } from 'vitest';
import { replyShape } from './resp-shape.js';

const cases: [string, string | null][] = [
  ['+OK\r\n', '+'],
  ['-WRONGTYPE Operation against a key\r\n', '-WRONGTYPE'],
  [':12\r\n', ':'],
  ['$3\r\nabc\r\n', '$'],
  ['$-1\r\n', 'nil$'],
  ['*-1\r\n', 'nil*'],
  ['_\r\n', '_'],
  [',1.5\r\n', ','],
  ['*3\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n', '*[$|:]'],
  ['%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n', '%{$::}'],
  ['~2\r\n$1\r\na\r\n$1\r\nb\r\n', '~[$]'],
  ['*2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*-1\r\n', '*[*[$]|nil*]'],
  ['=15\r\ntxt:Some string\r\n', '='],
  ['$3\r\nab', null],
  ['*2\r\n:1\r\n', null],
];

describe('replyShape', () => {
  it.each(cases)('%j -> %s', (raw, want) => {
    expect(replyShape(Buffer.from(raw, 'latin1'))?.shape ?? null).toBe(want);
  });

  it('says where the next frame starts', () => {
    expect(replyShape(Buffer.from(':1\r\n+OK\r\n'))?.next).toBe(4);
  });
});
