// Byte conversion tests: URL keys to bytes, JSON values to stored bytes, stored bytes to JSON-safe text.
import { describe, expect, it } from 'vitest';
import { bytesToText, encodeJsonValue, keyFromUrl, keyToText, utf8ToBytes } from './values.js';

const P = '/api/cache/';

describe('keyFromUrl', () => {
  it.each<[string, string | null]>([
    ['/api/cache/plain', 'plain'],
    ['/api/cache/plain?x=1', 'plain'],
    ['/api/cache/a/b', 'a/b'],
    ['/api/cache/a%2Fb', 'a/b'],
    ['/api/cache/a%2fb', 'a/b'],
    ['/api/cache/%20lead', ' lead'],
    ['/api/cache/%D0%BA', '\xd0\xba'], // UTF-8 of "к", as bytes
    ['/api/cache/%FF%00', '\xff\x00'],
    ['/api/cache/100%25', '100%'],
    ['/api/cache/a+b', 'a+b'],
    ['/api/cache/', ''],
    ['/api/cache/%', null],
    ['/api/cache/%4', null],
    ['/api/cache/%4?x', null],
    ['/api/cache/%G1', null],
  ])('%s -> %j', (url, key) => {
    expect(keyFromUrl(url, P)).toBe(key);
  });

  it('takes raw (non-escaped) request-line bytes as they are', () => {
    // Node hands the request line over as latin1: a raw UTF-8 byte is one code unit.
    expect(keyFromUrl('/api/cache/\xd0\xba%20', P)).toBe('\xd0\xba ');
  });
});

describe('values', () => {
  it('stores JSON strings as UTF-8 and other JSON values as their JSON text', () => {
    expect(encodeJsonValue('hello')).toBe('hello');
    expect(encodeJsonValue('é')).toBe('\xc3\xa9');
    expect(encodeJsonValue({ a: [1, 'é'] })).toBe('{"a":[1,"\xc3\xa9"]}');
    expect(encodeJsonValue(false)).toBe('false');
    expect(encodeJsonValue(-0.5)).toBe('-0.5');
  });

  it('reads UTF-8 bytes back as text and anything else as base64', () => {
    expect(bytesToText('plain')).toEqual({ text: 'plain', encoding: 'utf8' });
    expect(bytesToText(utf8ToBytes('🔑 ключ'))).toEqual({ text: '🔑 ключ', encoding: 'utf8' });
    expect(bytesToText('\xff\xfe')).toEqual({ text: '//4=', encoding: 'base64' });
    expect(bytesToText('')).toEqual({ text: '', encoding: 'utf8' });
  });

  it('round-trips text through bytes', () => {
    for (const s of ['', 'ascii', 'é', '🎉', 'mixed ✓ text 字']) {
      expect(keyToText(utf8ToBytes(s))).toBe(s);
      expect(utf8ToBytes(s).length).toBe(Buffer.byteLength(s));
    }
  });
});
