// DropLog: one warn line per reason per interval, with the count of packets dropped since the previous line.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DropLog } from './drops.js';
import { VirtualScheduler } from './scheduler.js';

function capture(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'warn' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

describe('DropLog', () => {
  it('a storm of 100k drops writes one line per reason at once and one summary per interval', async () => {
    const sched = new VirtualScheduler();
    const { log, lines } = capture();
    const d = new DropLog(log, sched, 10_000);
    for (let i = 0; i < 100_000; i++) d.note(i % 2 === 0 ? 'decrypt' : 'replay', `6.6.6.6:${i}`);
    expect(lines.map((l) => [l['reason'], l['dropped']])).toEqual([
      ['decrypt', 1],
      ['replay', 1],
    ]);
    await sched.advance(10_000);
    expect(lines.slice(2).map((l) => [l['reason'], l['dropped'], l['from']])).toEqual([
      ['decrypt', 49_999, '6.6.6.6:99998'],
      ['replay', 49_999, '6.6.6.6:99999'],
    ]);
    expect(lines.every((l) => l['msg'] === 'gossip packets dropped' && l['level'] === 40)).toBe(true);
    // Quiet afterwards: nothing more, and the next drop after the interval is logged at once.
    await sched.advance(60_000);
    expect(lines).toHaveLength(4);
    d.note('malformed', 'x:1');
    d.note('malformed', 'x:1');
    expect(lines).toHaveLength(5);
    d.close();
    await sched.advance(20_000);
    expect(lines).toHaveLength(5);
  });
});
