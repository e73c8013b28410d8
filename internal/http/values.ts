// Byte conversions between HTTP and the keyspace: keys from URL paths, JSON values to bytes and back.
//
// Inside ringcache keys and values are latin1 byte strings (one code unit per byte, see
// resp/reply.ts). HTTP speaks text, so every boundary here states which side is bytes:
// - a JSON string value is stored as its UTF-8 bytes, so `redis-cli get` prints the same text;
// - any other JSON value (object, array, number, boolean) is stored as its JSON text, UTF-8;
// - a key in a URL path is percent-decoded straight to bytes (so %FF is the byte 0xFF, and
//   UTF-8 percent-encoding of unicode gives the UTF-8 bytes Redis clients use for that key).
import { isUtf8 } from 'node:buffer';

// eslint-disable-next-line no-control-regex -- all of ASCII, control bytes included: ASCII is its own UTF-8.
const ASCII = /^[\x00-\x7f]*$/;

/** UTF-8 text -> its bytes as a latin1 string. ASCII is already its own UTF-8. */
export function utf8ToBytes(text: string): string {
  return ASCII.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** A JSON body value -> the bytes stored for it (see the file comment). */
export function encodeJsonValue(value: unknown): string {
  return utf8ToBytes(typeof value === 'string' ? value : JSON.stringify(value));
}

export type ValueEncoding = 'utf8' | 'base64';

/**
 * Stored bytes -> a JSON-safe string: the UTF-8 text when the bytes are valid UTF-8 (the usual
 * case, and always for values written through the JSON API), otherwise base64 so nothing is lost.
 */
export function bytesToText(bytes: string): { text: string; encoding: ValueEncoding } {
  if (ASCII.test(bytes)) return { text: bytes, encoding: 'utf8' };
  const buf = Buffer.from(bytes, 'latin1');
  if (isUtf8(buf)) return { text: buf.toString('utf8'), encoding: 'utf8' };
  return { text: buf.toString('base64'), encoding: 'base64' };
}

/** Key bytes -> text for responses; bytes that are not UTF-8 show as U+FFFD (use the octet API or RESP for those). */
export function keyToText(bytes: string): string {
  return ASCII.test(bytes) ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
}

const hex = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);

/**
 * The key bytes after `prefix` in a raw request URL (`/api/cache/a%2Fb?x=1` -> `a/b`), or null when
 * a `%` is not followed by two hex digits. Node hands the request line over as latin1, so a
 * character that is not percent-encoded is already one byte.
 */
export function keyFromUrl(url: string, prefix: string): string | null {
  const q = url.indexOf('?');
  const end = q < 0 ? url.length : q;
  if (url.indexOf('%', prefix.length) < 0) return url.slice(prefix.length, end);
  let out = '';
  for (let i = prefix.length; i < end; i++) {
    const c = url.charCodeAt(i);
    if (c !== 37 /* % */) {
      out += String.fromCharCode(c & 0xff);
      continue;
    }
    const hi = i + 2 < end ? hex(url.charCodeAt(i + 1)) : -1;
    const lo = i + 2 < end ? hex(url.charCodeAt(i + 2)) : -1;
    if (hi < 0 || lo < 0) return null;
    out += String.fromCharCode(hi * 16 + lo);
    i += 2;
  }
  return out;
}
