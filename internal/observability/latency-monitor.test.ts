// The latency monitor's bookkeeping: threshold, one sample per second (the worst), the 160-sample ring, case-insensitive reset, and DOCTOR's statistics.
import { describe, expect, it } from 'vitest';
import { analyzeSeries, LATENCY_TS_LEN, LatencyMonitor, LatencySeries } from './latency-monitor.js';

const T0 = 1_700_000_000_000;

function monitor(threshold: number): { m: LatencyMonitor; advance: (ms: number) => void } {
  let now = T0;
  const m = new LatencyMonitor(() => now);
  m.threshold = () => threshold;
  return { m, advance: (ms) => (now += ms) };
}

describe('LatencyMonitor', () => {
  it('records nothing while the threshold is 0, and only latencies reaching it otherwise', () => {
    const off = monitor(0).m;
    off.addIfNeeded('command', 5000);
    expect(off.size).toBe(0);
    const { m } = monitor(100);
    m.addIfNeeded('command', 99);
    expect(m.size).toBe(0);
    m.addIfNeeded('command', 100);
    expect(m.get('command')?.samples()).toEqual([{ time: T0 / 1000, latency: 100 }]);
  });

  it('keeps whole milliseconds and one sample per second: the worst of that second', () => {
    const { m, advance } = monitor(1);
    m.addIfNeeded('command', 120.9);
    advance(300);
    m.addIfNeeded('command', 300);
    advance(100);
    m.addIfNeeded('command', 200);
    advance(1000);
    m.addIfNeeded('command', 50);
    const s = m.get('command') as LatencySeries;
    expect(s.samples()).toEqual([
      { time: T0 / 1000, latency: 300 },
      { time: T0 / 1000 + 1, latency: 50 },
    ]);
    expect(s.latest()).toEqual({ time: T0 / 1000 + 1, latency: 50 });
    expect(s.max).toBe(300);
  });

  it('holds the last 160 seconds with a sample, oldest first; the all-time high outlives them', () => {
    const { m, advance } = monitor(1);
    m.addIfNeeded('expire-cycle', 900);
    for (let i = 1; i <= LATENCY_TS_LEN + 5; i++) {
      advance(1000);
      m.addIfNeeded('expire-cycle', i);
    }
    const s = m.get('expire-cycle') as LatencySeries;
    const samples = s.samples();
    expect(samples).toHaveLength(LATENCY_TS_LEN);
    expect(samples[0]).toEqual({ time: T0 / 1000 + 6, latency: 6 });
    expect(samples.at(-1)).toEqual({ time: T0 / 1000 + 165, latency: 165 });
    expect(s.max).toBe(900);
  });

  it('looks events up by their exact name but resets them case-insensitively', () => {
    const { m } = monitor(1);
    m.add('command', 5);
    m.add('fast-command', 7);
    expect(m.get('COMMAND')).toBeUndefined();
    expect(m.reset('nosuch')).toBe(0);
    expect(m.reset('COMMAND')).toBe(1);
    expect([...m.entries()].map(([name]) => name)).toEqual(['fast-command']);
    m.add('command', 5);
    expect(m.reset()).toBe(2);
    expect(m.size).toBe(0);
  });
});

describe('analyzeSeries (LATENCY DOCTOR figures)', () => {
  it('averages, deviates and spans in integer arithmetic, as Redis', () => {
    const s = new LatencySeries();
    s.add(1000, 300);
    s.add(1002, 400);
    s.add(1003, 500);
    s.add(1004, 200);
    // avg 1400/4 = 350; |50|+|50|+|150|+|150| = 400 -> mad 100; period now - oldest.
    expect(analyzeSeries(s, 1004)).toEqual({ allTimeHigh: 500, avg: 350, min: 200, max: 500, mad: 100, samples: 4, period: 4 });
    const one = new LatencySeries();
    one.add(1000, 7);
    one.add(1001, 8);
    // avg floor(15/2) = 7, mad floor((0+1)/2) = 0; a period of 0 s counts as 1.
    expect(analyzeSeries(one, 1000)).toMatchObject({ avg: 7, mad: 0, period: 1 });
  });
});
