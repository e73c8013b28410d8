// LZF (the format of liblzf, which RDB strings use when compressed): a bounds-checked decompressor and a simple greedy compressor.
//
// Format: a control byte below 32 starts a literal run of ctrl+1 bytes; otherwise its top three
// bits are the match length minus 2 (7 = "add the next byte"), its low five bits and the byte
// after the length are the back-reference distance minus 1 (up to 8192).

const MAX_LITERAL = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
const HASH_BITS = 14;

/**
 * Decompresses `input` into exactly `outLen` bytes; null when the data is malformed, would write
 * past `outLen`, refers before the start of the output, or produces a different length.
 */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer | null {
  const out = Buffer.allocUnsafe(outLen);
  const inEnd = input.length;
  let ip = 0;
  let op = 0;
  while (ip < inEnd) {
    const ctrl = input[ip++] as number;
    if (ctrl < MAX_LITERAL) {
      const run = ctrl + 1;
      if (op + run > outLen || ip + run > inEnd) return null;
      for (let k = 0; k < run; k++) out[op++] = input[ip++] as number;
      continue;
    }
    let len = ctrl >> 5;
    if (ip >= inEnd) return null;
    if (len === 7) {
      len += input[ip++] as number;
      if (ip >= inEnd) return null;
    }
    const ref = op - ((ctrl & 0x1f) << 8) - 1 - (input[ip++] as number);
    len += 2;
    if (op + len > outLen || ref < 0) return null;
    // Byte by byte: the source may overlap what is being written (run-length style references).
    for (let k = 0; k < len; k++) out[op++] = out[ref + k] as number;
  }
  return op === outLen ? out : null;
}

/**
 * Compresses `input`; null when the result would not be smaller than `input.length - 4`, the
 * point below which Redis stores a string verbatim instead.
 */
export function lzfCompress(input: Uint8Array): Buffer | null {
  const n = input.length;
  if (n <= 4) return null;
  const limit = n - 4;
  const out = Buffer.allocUnsafe(n + Math.ceil(n / MAX_LITERAL) + 1);
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  let op = 0;
  let litStart = 0;
  let ip = 0;
  const flushLiterals = (end: number): void => {
    for (let s = litStart; s < end; s += MAX_LITERAL) {
      const run = Math.min(MAX_LITERAL, end - s);
      out[op++] = run - 1;
      for (let k = 0; k < run; k++) out[op++] = input[s + k] as number;
    }
  };
  while (ip + 2 < n) {
    const h = ((((input[ip] as number) << 16) | ((input[ip + 1] as number) << 8) | (input[ip + 2] as number)) * 2654435761) >>> (32 - HASH_BITS);
    const ref = table[h] as number;
    table[h] = ip;
    const off = ip - ref - 1;
    if (ref >= 0 && off < MAX_OFF && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      let len = 3;
      const maxLen = Math.min(MAX_REF, n - ip);
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      flushLiterals(ip);
      const l = len - 2;
      if (l < 7) {
        out[op++] = (l << 5) | (off >> 8);
      } else {
        out[op++] = (7 << 5) | (off >> 8);
        out[op++] = l - 7;
      }
      out[op++] = off & 0xff;
      ip += len;
      litStart = ip;
      if (op >= limit) return null;
      continue;
    }
    ip++;
  }
  flushLiterals(n);
  return op < limit ? out.subarray(0, op) : null;
}

/**
 * The most output a valid LZF stream of `inLen` bytes can describe (a 3-byte back-reference
 * yields at most 264 bytes): a declared length above it cannot be honest, so the decoder refuses
 * it before allocating.
 */
export function lzfMaxOutput(inLen: number): number {
  return inLen * 88 + 32;
}
