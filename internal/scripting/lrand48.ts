// Redis's math.random generator: POSIX lrand48 (48-bit linear congruential), the same sequence on every platform for the same seed.

const A = 0x5deece66dn;
const C = 0xbn;
const MASK = (1n << 48n) - 1n;

export class Lrand48 {
  /** The initial state of lrand48 before any srand48 (X0 X1 X2 = 0x330E 0xABCD 0x1234). */
  private x = 0x1234abcd330en;

  /** srand48: the seed's low 32 bits above the fixed 0x330E. */
  seed(v: number): void {
    this.x = ((BigInt(v | 0) & 0xffffffffn) << 16n) | 0x330en;
  }

  /** The next value in [0, 2^31). */
  next(): number {
    this.x = (A * this.x + C) & MASK;
    return Number(this.x >> 17n);
  }
}
