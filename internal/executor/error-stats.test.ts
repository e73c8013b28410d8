// INFO errorstats: error replies by code, thrown or returned, counted as Redis's afterErrorReply does.
import { describe, expect, it } from 'vitest';
import { createTestExecutor } from '../testing/exec.js';
import { ERROR_CODES_MAX, ErrorStats, errorCode } from './error-stats.js';

describe('errorCode', () => {
  it.each<[string, string]>([
    ['WRONGTYPE Operation against a key holding the wrong kind of value', 'WRONGTYPE'],
    ['ERR syntax error', 'ERR'],
    ['NOGROUP No such key', 'NOGROUP'],
    ['NOSPACE', 'ERR'],
    [`${'X'.repeat(40)} long first word`, 'ERR'],
  ])('%s -> %s', (line, code) => {
    expect(errorCode(line)).toBe(code);
  });

  it(`tracks at most ${ERROR_CODES_MAX} codes, still counting the known ones`, () => {
    const s = new ErrorStats();
    for (let i = 0; i < ERROR_CODES_MAX + 5; i++) s.count(`E${i} x`);
    s.count('E0 again');
    expect(s.size).toBe(ERROR_CODES_MAX);
    expect(s.get('E0')).toBe(2);
  });
});

describe('INFO errorstats', () => {
  it('counts thrown and returned error replies by code; RESETSTAT clears them', async () => {
    const t = createTestExecutor();
    t.run('LPUSH', 'l', 'a');
    t.run('GET', 'l');
    t.run('GET', 'l');
    t.run('NOSUCHCMD');
    // A blocked XREADGROUP released by XGROUP DESTROY answers -NOGROUP without throwing.
    t.run('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    const reader = t.newClient();
    const blocked = t.runAsync(reader, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
    t.run('XGROUP', 'DESTROY', 's', 'g');
    expect(String(await blocked)).toMatch(/^-NOGROUP/);
    const info = t.run('INFO', 'errorstats') as string;
    expect(info).toContain('errorstat_WRONGTYPE:count=2\r\n');
    expect(info).toContain('errorstat_ERR:count=1\r\n');
    expect(info).toContain('errorstat_NOGROUP:count=1\r\n');
    expect(t.run('INFO', 'commandstats') as string).toMatch(/cmdstat_xreadgroup:calls=1,.*failed_calls=1/);
    expect(t.server.figures().stats.errorReplies).toBe(4);
    t.run('CONFIG', 'RESETSTAT');
    expect(t.run('INFO', 'errorstats')).toBe('# Errorstats\r\n');
  });
});
