// C's number text conversions as lua-cjson uses them: printf's %.<p>g and glibc's strtod, in JS.

const pow10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The `prec` significant digits of a positive finite `a` and the decimal exponent of the first,
 * rounded as printf does: to nearest on the exact binary value, ties to even (JS's
 * toExponential breaks ties upward, which only matters when the value is exactly halfway).
 */
function digitsOf(a: number, prec: number): { digits: string; exp: number } {
  const s = a.toExponential(prec - 1);
  const e = s.indexOf('e');
  let digits = s.slice(0, e).replace('.', '');
  let exp = Number(s.slice(e + 1));
  const wider = a.toExponential(prec);
  if (wider.charCodeAt(prec + (prec > 0 ? 1 : 0)) === 53 /* 5 */) {
    const long = a.toExponential(Math.min(100, prec + 40));
    const le = long.indexOf('e');
    const ld = long.slice(0, le).replace('.', '');
    if (/^0*$/.test(ld.slice(prec + 1)) && ld[prec] === '5' && ((ld.charCodeAt(prec - 1) - 48) & 1) === 0) {
      // exactly halfway and the kept digit is even: truncate (printf) instead of rounding up (JS)
      digits = ld.slice(0, prec);
      exp = Number(long.slice(le + 1));
    }
  }
  return { digits, exp };
}

/** printf("%.<prec>g", x) for 1 <= prec <= 17 (inf, -inf and nan as glibc prints them). */
export function formatG(x: number, prec: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const neg = x < 0;
  const a = neg ? -x : x;
  if (Number.isInteger(a) && prec <= 15 && a < (pow10[prec] as number)) return String(x);
  const { digits, exp } = digitsOf(a, prec);
  let out: string;
  if (exp < -4 || exp >= prec) {
    let m = digits.replace(/0+$/, '');
    m = m.length > 1 ? `${m[0]}.${m.slice(1)}` : m;
    const ae = Math.abs(exp);
    out = `${m}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  } else if (exp >= 0) {
    const int = digits.slice(0, exp + 1);
    const frac = digits.slice(exp + 1).replace(/0+$/, '');
    out = frac === '' ? int : `${int}.${frac}`;
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${digits.replace(/0+$/, '')}`;
  }
  return neg ? `-${out}` : out;
}

const DECIMAL = /[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const HEX = /([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?/y;
const SPECIAL = /([+-]?)(?:(inf(?:inity)?)|nan(?:\([0-9A-Za-z_]*\))?)/iy;

function hexValue(mantissa: string, exp: string | undefined): number {
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const fracBits = dot < 0 ? 0 : (mantissa.length - dot - 1) * 4;
  const m = digits === '' ? 0 : Number(BigInt(`0x${digits}`));
  return m * 2 ** (Number(exp ?? '0') - fracBits);
}

/**
 * strtod at `i` of a latin1 string: the value and where it ends, or null when no number starts
 * there (decimal, hexadecimal with optional binary exponent, inf/infinity, nan, any case).
 */
export function strtod(s: string, i: number): { value: number; end: number } | null {
  SPECIAL.lastIndex = i;
  let m = SPECIAL.exec(s);
  if (m !== null) {
    const v = m[2] !== undefined ? Infinity : NaN;
    return { value: m[1] === '-' ? -v : v, end: SPECIAL.lastIndex };
  }
  HEX.lastIndex = i;
  m = HEX.exec(s);
  if (m !== null) {
    const v = hexValue(m[2] as string, m[3]);
    return { value: m[1] === '-' ? -v : v, end: HEX.lastIndex };
  }
  DECIMAL.lastIndex = i;
  m = DECIMAL.exec(s);
  if (m === null) return null;
  return { value: Number(m[0]), end: DECIMAL.lastIndex };
}
