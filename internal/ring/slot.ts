// Redis Cluster hash slots: CRC16-XMODEM of a key (or of its {hash tag}) mod 16384; pure and table-tested.
//
// Keys are byte strings in ringcache's latin1 convention (one UTF-16 code unit per byte, see
// resp/reply.ts), so a key that arrived over HTTP as UTF-8 text must be converted to its bytes
// first: the slot has to match what redis-cli, ioredis and Redis Cluster compute for the same key.

export const SLOT_COUNT = 16384;

/** CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0, no reflection), one entry per byte. */
const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let bit = 0; bit < 8; bit++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC16-XMODEM of `bytes[start, end)`, the checksum Redis Cluster uses for key slots. */
export function crc16(bytes: string, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ bytes.charCodeAt(i)) & 0xff] as number);
  }
  return crc;
}

/**
 * The part of the key that is hashed, as Redis's keyHashSlot defines it: the bytes between the
 * first `{` and the first `}` after it, when that span is non-empty; otherwise the whole key.
 * Returns [start, end) offsets into the key.
 */
export function hashTagSpan(key: string): readonly [number, number] {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return [open + 1, close];
  }
  return [0, key.length];
}

/** The hash tag of a key, or null when the whole key is hashed. */
export function hashTag(key: string): string | null {
  const [start, end] = hashTagSpan(key);
  return start === 0 && end === key.length ? null : key.slice(start, end);
}

/** The Redis Cluster slot (0..16383) of a key given as latin1 bytes. */
export function keyHashSlot(key: string): number {
  const [start, end] = hashTagSpan(key);
  return crc16(key, start, end) & (SLOT_COUNT - 1);
}
