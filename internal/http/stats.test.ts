// Tests for the /stats helpers: the ops/s window, INFO parsing, hit ratio; and the RESP -> HTTP error mapping.
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, type ErrorCode } from '../contracts/errors.js';
import { fromReplyError, HttpError, toHttpError } from './errors.js';
import { hitRatio, parseInfo, parseKeyspaceLine, RateWindow } from './stats.js';

describe('RateWindow', () => {
  it('is 0 without history', () => {
    expect(new RateWindow().rate(1000, 50)).toBe(0);
  });

  it('measures from the oldest sample inside the window', () => {
    const w = new RateWindow(5000);
    for (let s = 0; s <= 10; s++) w.sample(s * 1000, s * 100); // 100 commands per second
    expect(w.rate(10_500, 1050)).toBeCloseTo(100, 5);
    // The rate follows a change within the window.
    w.sample(11_000, 1100 + 1000);
    expect(w.rate(11_000, 2100)).toBeCloseTo((2100 - 600) / 5, 5);
  });

  it('starts over after a counter reset (CONFIG RESETSTAT)', () => {
    const w = new RateWindow(5000);
    w.sample(0, 1000);
    w.sample(1000, 2000);
    w.sample(2000, 10);
    expect(w.rate(3000, 110)).toBeCloseTo(100, 5);
    expect(w.rate(3000, 5)).toBe(0);
  });
});

describe('INFO parsing', () => {
  const text = '# Server\r\nredis_version:7.0.0\r\nuptime_in_seconds:12\r\n\r\n# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=0\r\ndb5:keys=2,expires=0,avg_ttl=0\r\n';

  it('reads sections and fields, numbers as numbers', () => {
    const info = parseInfo(text);
    expect(info.get('server')?.get('redis_version')).toBe('7.0.0');
    expect(info.get('server')?.get('uptime_in_seconds')).toBe(12);
    expect([...(info.get('keyspace')?.keys() ?? [])]).toEqual(['db0', 'db5']);
    expect(parseKeyspaceLine(String(info.get('keyspace')?.get('db0')))).toEqual({ keys: 3, expires: 1, avg_ttl: 0 });
  });

  it('hit ratio', () => {
    expect(hitRatio(0, 0)).toBeNull();
    expect(hitRatio(3, 1)).toBe(0.75);
  });
});

describe('HTTP errors', () => {
  it('maps every RESP error code by its prefix, with the status from ERROR_KINDS', () => {
    for (const code of Object.keys(ERROR_KINDS) as ErrorCode[]) {
      const e = fromReplyError(`${ERROR_KINDS[code].prefix} some message`);
      expect(e.statusCode, code).toBe(ERROR_KINDS[code].http);
      expect(e.message).toBe('some message');
    }
    expect(fromReplyError('WRONGTYPE Operation against a key holding the wrong kind of value').code).toBe('WRONG_TYPE');
    expect(fromReplyError('OOM command not allowed').statusCode).toBe(503);
    expect(fromReplyError('MISCONF x')).toMatchObject({ statusCode: 503, code: 'PERSISTENCE_ERROR' });
    expect(fromReplyError('LOADING x')).toMatchObject({ statusCode: 503, code: 'NOT_READY' });
    expect(fromReplyError('SOMETHINGNEW x')).toMatchObject({ statusCode: 500, code: 'INTERNAL' });
  });

  it('maps Fastify errors by status and hides server-side messages', () => {
    expect(toHttpError(Object.assign(new Error('body must have required property'), { validation: [], statusCode: 400 }))).toMatchObject({ statusCode: 400, code: 'VALIDATION' });
    expect(toHttpError(Object.assign(new Error('too big'), { statusCode: 413 }))).toMatchObject({ statusCode: 413, code: 'BODY_TOO_LARGE' });
    expect(toHttpError(Object.assign(new Error('x'), { statusCode: 415 }))).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(toHttpError(new Error('secret detail'))).toMatchObject({ statusCode: 500, code: 'INTERNAL', message: 'internal error' });
    const own = new HttpError(409, 'CONDITION_FAILED', 'x');
    expect(toHttpError(own)).toBe(own);
  });
});
