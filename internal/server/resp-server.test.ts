// replaceSpans: the write replies of a batch whose replica did not acknowledge become an error line, the other replies stay byte for byte.
import { describe, expect, it } from 'vitest';
import { replaceSpans } from './resp-server.js';

describe('replaceSpans', () => {
  const cases: { name: string; buf: string; spans: number[]; want: string }[] = [
    { name: 'no spans', buf: '+OK\r\n', spans: [], want: '+OK\r\n' },
    { name: 'the only reply', buf: '+OK\r\n', spans: [0, 5], want: '-E\r\n' },
    { name: 'a read before and after a write', buf: '$1\r\na\r\n+OK\r\n:1\r\n', spans: [7, 12], want: '$1\r\na\r\n-E\r\n:1\r\n' },
    { name: 'two writes, adjacent', buf: '+OK\r\n:3\r\n$-1\r\n', spans: [0, 5, 5, 9], want: '-E\r\n-E\r\n$-1\r\n' },
    { name: 'last reply', buf: '$-1\r\n*1\r\n+OK\r\n', spans: [5, 14], want: '$-1\r\n-E\r\n' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(replaceSpans(Buffer.from(c.buf, 'latin1'), c.spans, '-E\r\n').toString('latin1')).toBe(c.want);
    });
  }
});
