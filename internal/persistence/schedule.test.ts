// Cron decision tests: save points (with the BGSAVE retry delay), automatic AOF rewrite growth, and which job the cron starts first.
import { describe, expect, it } from 'vitest';
import { autoRewriteDue, type CronInput, type CronJob, nextCronJob, parseSavePoints, savePointReached, type SavePointInput } from './schedule.js';

describe('parseSavePoints', () => {
  it.each<[string, [number, number][]]>([
    ['', []],
    ['   ', []],
    ['3600 1', [[3600, 1]]],
    ['3600 1 300 100 60 10000', [[3600, 1], [300, 100], [60, 10000]]],
    ['  60   3 ', [[60, 3]]],
    // A dangling seconds value without its change count is ignored.
    ['60 3 10', [[60, 3]]],
  ])('%j -> %j', (s, expected) => {
    expect(parseSavePoints(s)).toEqual(expected);
  });
});

const T = 1_000_000;
const points: [number, number][] = [[3600, 1], [300, 100], [60, 10000]];
const sp = (over: Partial<SavePointInput>): SavePointInput => ({ savePoints: points, dirty: 0, now: T, lastSaveAt: T, lastBgsaveOk: true, lastBgsaveTry: 0, ...over });

describe('savePointReached', () => {
  it.each<[string, Partial<SavePointInput>, readonly [number, number] | null]>([
    ['no changes', { now: T + 10_000_000 }, null],
    ['no save points', { savePoints: [], dirty: 1_000_000, now: T + 10_000_000 }, null],
    ['enough changes, not old enough', { dirty: 100, now: T + 300_000 }, null],
    // Strictly longer ago than the point's seconds, as Redis compares.
    ['enough changes, just over the seconds', { dirty: 100, now: T + 300_001 }, [300, 100]],
    ['one change, an hour and a bit', { dirty: 1, now: T + 3_600_001 }, [3600, 1]],
    ['many changes: the first listed point that is reached wins', { dirty: 20_000, now: T + 3_600_001 }, [3600, 1]],
    ['many changes, a minute', { dirty: 20_000, now: T + 60_001 }, [60, 10000]],
    ['failed BGSAVE, within the retry delay', { dirty: 100, now: T + 400_000, lastBgsaveOk: false, lastBgsaveTry: T + 396_000 }, null],
    ['failed BGSAVE, exactly the retry delay', { dirty: 100, now: T + 400_000, lastBgsaveOk: false, lastBgsaveTry: T + 395_000 }, null],
    ['failed BGSAVE, past the retry delay', { dirty: 100, now: T + 400_000, lastBgsaveOk: false, lastBgsaveTry: T + 394_999 }, [300, 100]],
  ])('%s', (_what, over, expected) => {
    expect(savePointReached(sp(over))).toEqual(expected);
  });
});

describe('autoRewriteDue', () => {
  it.each<[string, Parameters<typeof autoRewriteDue>[0], ReturnType<typeof autoRewriteDue>]>([
    ['percentage 0 turns it off', { percentage: 0, minSize: 0, size: 1 << 30, baseSize: 1 }, null],
    ['under min-size', { percentage: 100, minSize: 64 << 20, size: (64 << 20) - 1, baseSize: 1000 }, null],
    ['over min-size, grown less than the percentage', { percentage: 100, minSize: 1000, size: 1999, baseSize: 1000 }, null],
    ['grown exactly the percentage', { percentage: 100, minSize: 1000, size: 2000, baseSize: 1000 }, { size: 2000, base: 1000, growth: 100 }],
    ['grown more, growth rounded for the log', { percentage: 50, minSize: 0, size: 1667, baseSize: 1000 }, { size: 1667, base: 1000, growth: 67 }],
    ['no base yet counts as one byte', { percentage: 100, minSize: 1024, size: 1024, baseSize: 0 }, { size: 1024, base: 1, growth: 102300 }],
  ])('%s', (_what, input, expected) => {
    expect(autoRewriteDue(input)).toEqual(expected);
  });
});

describe('nextCronJob', () => {
  const idle: CronInput = {
    ...sp({}),
    jobRunning: false,
    rewriteScheduled: false,
    bgsaveScheduled: false,
    appendonly: true,
    aofOn: true,
    lastRewriteFail: 0,
    autoRewrite: { percentage: 100, minSize: 1000, size: 500, baseSize: 400 },
  };
  const grown = { percentage: 100, minSize: 1000, size: 5000, baseSize: 1000 };
  const savePoint = { dirty: 100, now: T + 300_001 };

  it.each<[string, Partial<CronInput>, CronJob]>([
    ['nothing to do', {}, { kind: 'none' }],
    ['a job runs: nothing else starts', { jobRunning: true, rewriteScheduled: true, bgsaveScheduled: true, ...savePoint }, { kind: 'none' }],
    ['a scheduled rewrite before everything', { rewriteScheduled: true, bgsaveScheduled: true, ...savePoint }, { kind: 'scheduled-rewrite' }],
    ['a scheduled BGSAVE before save points', { bgsaveScheduled: true, ...savePoint }, { kind: 'scheduled-bgsave' }],
    ['a save point before growth', { ...savePoint, autoRewrite: grown }, { kind: 'save-point', seconds: 300, changes: 100 }],
    ['appendonly on without an AOF: create it', { aofOn: false, autoRewrite: grown }, { kind: 'create-aof' }],
    ['creating the AOF waits after a failed rewrite', { aofOn: false, lastRewriteFail: T - 5000 }, { kind: 'none' }],
    ['creating the AOF retries once the delay passed', { aofOn: false, lastRewriteFail: T - 5001 }, { kind: 'create-aof' }],
    ['grown AOF: automatic rewrite', { autoRewrite: grown }, { kind: 'auto-rewrite', size: 5000, base: 1000, growth: 400 }],
    ['automatic rewrite waits after a failed rewrite', { autoRewrite: grown, lastRewriteFail: T - 1 }, { kind: 'none' }],
    ['AOF off: no automatic rewrite', { appendonly: false, aofOn: false, autoRewrite: grown }, { kind: 'none' }],
    // Growth is measured on the AOF being journaled into (aofOn), whatever the setting says meanwhile.
    ['setting off, AOF still journaled into: growth counts', { appendonly: false, autoRewrite: grown }, { kind: 'auto-rewrite', size: 5000, base: 1000, growth: 400 }],
  ])('%s', (_what, over, expected) => {
    expect(nextCronJob({ ...idle, ...over })).toEqual(expected);
  });
});
