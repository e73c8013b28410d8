// Malformed payloads of every type: truncated and bit-flipped values never crash the decoder or yield an inconsistent value, and the CRC catches every flip in a payload.
import { describe, expect, it } from 'vitest';
import { contents, sampleValues } from '../testing/rdb-fixtures.js';
import { StreamValue } from '../store/stream.js';
import type { Value } from '../store/types.js';
import { RdbError } from './bytes.js';
import { decodeValue, dumpPayload, encodeValue, verifyPayload } from './value.js';

/** A seeded generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every pending entry of every group has a consumer that lists it, and nothing else is listed. */
function checkStream(s: StreamValue): void {
  for (const g of s.sortedGroups()) {
    let listed = 0;
    for (const c of g.consumers.values()) {
      for (const [id, nack] of c.pel.entries()) {
        expect(g.pel.get(id)).toBe(nack);
        expect(nack.consumer).toBe(c);
        listed++;
      }
    }
    expect(listed).toBe(g.pel.size);
  }
}

/** Decoding either refuses with RdbError or gives a value that is whole: it re-encodes to the same content. */
function decodeOrRefuse(b: Buffer): 'refused' | 'decoded' {
  let v: Value;
  try {
    v = decodeValue(b);
  } catch (e) {
    expect(e).toBeInstanceOf(RdbError);
    return 'refused';
  }
  if (typeof v !== 'string') expect(v.size).toBeGreaterThan(0);
  if (v instanceof StreamValue) checkStream(v);
  expect(contents(decodeValue(encodeValue(v)))).toEqual(contents(v));
  return 'decoded';
}

const samples = sampleValues().filter(([name]) => name !== 'empty string');

describe('truncated values', () => {
  it.each(samples)('%s: every cut is refused', (_name, v) => {
    const enc = encodeValue(v);
    const cuts = enc.length <= 600 ? Array.from({ length: enc.length }, (_, i) => i) : Array.from({ length: 400 }, (_, i) => Math.floor((i * enc.length) / 400));
    for (const cut of cuts) expect(() => decodeValue(enc.subarray(0, cut))).toThrow(RdbError);
  });
});

describe('bit-flipped values', () => {
  it.each(samples)('%s', (name, v) => {
    const enc = encodeValue(v);
    const rand = rng(name.length * 7919);
    const flips = enc.length > 10_000 ? 120 : Math.min(600, enc.length * 8);
    for (let k = 0; k < flips; k++) {
      const m = Buffer.from(enc);
      const pos = enc.length <= 75 ? k % enc.length : Math.floor(rand() * enc.length);
      m[pos] = (m[pos] as number) ^ (1 << Math.floor(rand() * 8));
      decodeOrRefuse(m);
    }
  });

  it('random byte soup after each type byte', () => {
    const rand = rng(42);
    for (let type = 0; type < 21; type++) {
      for (let k = 0; k < 300; k++) {
        const n = 1 + Math.floor(rand() * 40);
        const b = Buffer.from([type, ...Array.from({ length: n }, () => Math.floor(rand() * 256))]);
        decodeOrRefuse(b);
      }
    }
  });
});

describe('payload checksum', () => {
  it('every single-bit flip of a payload fails verification', () => {
    const p = dumpPayload(samples.find(([n]) => n === 'stream')?.[1] as Value);
    const rand = rng(7);
    for (let k = 0; k < 2000; k++) {
      const m = Buffer.from(p);
      const pos = Math.floor(rand() * p.length);
      m[pos] = (m[pos] as number) ^ (1 << Math.floor(rand() * 8));
      expect(verifyPayload(m)).toBe(false);
    }
  });
});
