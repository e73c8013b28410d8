// Redis 7.0's value syntax for CONFIG SET (config.c, util.c): strict integers, memory units, and the special multi-word values, each with Redis's error text.

/** A value Redis refuses, with the reason CONFIG SET puts after ` - `. */
export interface Refusal {
  readonly error: string;
}

export const refuse = (error: string): Refusal => ({ error });
export const isRefusal = (v: unknown): v is Refusal => typeof v === 'object' && v !== null && 'error' in v;

// C limits Redis's numeric configs are bounded by (printed as is in its range errors).
export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
export const UINT_MAX = 4294967295;
export const LONG_MAX = 9223372036854775807n;
export const LLONG_MAX = LONG_MAX;
export const ULLONG_MAX = 18446744073709551615n;
const LLONG_MIN = -9223372036854775808n;

/** Redis's string2ll: optional '-', no '+', no leading zeros or spaces, within a signed 64-bit integer. */
export function string2ll(s: string): bigint | null {
  if (s.length === 0 || s.length >= 21) return null;
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const v = BigInt(s);
  return v < LLONG_MIN || v > LLONG_MAX ? null : v;
}

const MEMORY_UNIT: Readonly<Record<string, bigint>> = { '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n };

/**
 * Redis's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb, any case), nothing else;
 * a leading '-' is refused. As in Redis, the empty string is 0 (strtoull of nothing). Digits past
 * 2^64-1 saturate there, as strtoull does.
 */
export function memtoull(s: string): bigint | null {
  const m = /^([0-9]*)(.*)$/.exec(s) as RegExpExecArray;
  const unit = MEMORY_UNIT[(m[2] as string).toLowerCase()];
  if (unit === undefined || s.startsWith('-') || (m[1] as string).length >= 128) return null;
  const digits = m[1] === '' ? 0n : BigInt(m[1] as string);
  return (digits > ULLONG_MAX ? ULLONG_MAX : digits) * unit;
}

/** Redis's yesnotoi: `yes` or `no`, any case. */
export function yesno(s: string): boolean | null {
  const v = s.toLowerCase();
  return v === 'yes' ? true : v === 'no' ? false : null;
}

/** Words of a MULTI_ARG value: Redis splits on single spaces (so "a  b" has an empty word). */
const words = (raw: string): string[] => raw.split(' ');

/** C's strtoll(s, &end, 10) with `*end == '\0'` required: leading spaces and a sign are fine, nothing after the digits. */
function strtollWhole(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return null;
  const v = BigInt(m[2] as string) * (m[1] === '-' ? -1n : 1n);
  return v > LLONG_MAX ? LLONG_MAX : v < LLONG_MIN ? LLONG_MIN : v;
}

/** `save`: pairs of <seconds> (>= 1) and <changes> (>= 0); "" clears the schedule. Canonical as CONFIG GET shows it. */
export function parseSave(raw: string): string | Refusal {
  const args = raw === '' ? [] : words(raw);
  if (args.length % 2 !== 0) return refuse('Invalid save parameters');
  const out: string[] = [];
  for (let j = 0; j < args.length; j++) {
    const v = strtollWhole(args[j] as string);
    if (v === null || (j % 2 === 0 && v < 1n) || (j % 2 === 1 && v < 0n)) return refuse('Invalid save parameters');
    out.push(j % 2 === 1 ? String(BigInt.asIntN(32, v)) : String(v));
  }
  return out.join(' ');
}

/** client-output-buffer-limit classes, in CONFIG GET order; `replica` is accepted for `slave`. */
const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;
type ObufClass = (typeof OBUF_CLASSES)[number];
export const DEFAULT_OUTPUT_BUFFER_LIMIT = 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60';

function obufClass(name: string): ObufClass | null {
  const v = name.toLowerCase();
  if (v === 'replica') return 'slave';
  return (OBUF_CLASSES as readonly string[]).includes(v) ? (v as ObufClass) : null;
}

/** Splits the canonical value into its classes' `hard soft seconds` triples. */
export function outputBufferLimitClasses(v: string): Record<ObufClass, string> {
  const w = v.split(' ');
  const out: Record<ObufClass, string> = { normal: '0 0 0', slave: '0 0 0', pubsub: '0 0 0' };
  for (let i = 0; i + 3 < w.length; i += 4) {
    const c = obufClass(w[i] as string);
    if (c !== null) out[c] = w.slice(i + 1, i + 4).join(' ');
  }
  return out;
}

/**
 * `client-output-buffer-limit <class> <hard> <soft> <soft-seconds> [<class> ...]`: the classes given
 * replace theirs in `current`, the others stay; all or nothing. Canonical: every class, in bytes.
 */
export function parseOutputBufferLimit(raw: string, current: string): string | Refusal {
  const args = words(raw);
  if (args.length % 4 !== 0) return refuse('Wrong number of arguments in buffer limit configuration.');
  const classes = outputBufferLimitClasses(current);
  for (let j = 0; j < args.length; j += 4) {
    const c = obufClass(args[j] as string);
    if (c === null) return refuse('Invalid client class specified in buffer limit configuration.');
    const hard = memtoull(args[j + 1] as string);
    const soft = memtoull(args[j + 2] as string);
    const secs = strtollWhole(args[j + 3] as string);
    if (hard === null || soft === null || secs === null || BigInt.asIntN(32, secs) < 0n) {
      return refuse('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    classes[c] = `${BigInt.asUintN(64, hard)} ${BigInt.asUintN(64, soft)} ${BigInt.asIntN(32, secs)}`;
  }
  return OBUF_CLASSES.map((c) => `${c} ${classes[c]}`).join(' ');
}

/** The single-class form ringcache's resp part reads (`<hard> <soft> <seconds>`), e.g. the pubsub class. */
export function parseOutputBufferClass(raw: string): string | Refusal {
  const args = raw.trim().split(/\s+/);
  if (args.length !== 3) return refuse('Wrong number of arguments in buffer limit configuration.');
  const r = parseOutputBufferLimit(`pubsub ${args.join(' ')}`, DEFAULT_OUTPUT_BUFFER_LIMIT);
  return typeof r === 'string' ? outputBufferLimitClasses(r).pubsub : r;
}

// Keyspace event classes, bit by bit as Redis's NOTIFY_* flags.
const NOTIFY_BITS: readonly [string, number][] = [
  ['K', 1 << 0],
  ['E', 1 << 1],
  ['g', 1 << 2],
  ['$', 1 << 3],
  ['l', 1 << 4],
  ['s', 1 << 5],
  ['h', 1 << 6],
  ['z', 1 << 7],
  ['x', 1 << 8],
  ['e', 1 << 9],
  ['t', 1 << 10],
  ['m', 1 << 11],
  ['d', 1 << 13],
  ['n', 1 << 14],
];
const NOTIFY_BIT = new Map(NOTIFY_BITS);
const bit = (c: string): number => NOTIFY_BIT.get(c) as number;
/** `A`: every class but m (key miss) and n (new key), as in Redis. */
const NOTIFY_ALL = [...'g$lshzxetd'].reduce((m, c) => m | bit(c), 0);

/**
 * notify-keyspace-events, canonical as Redis's keyspaceEventsFlagsToString (`KEA` reads back as
 * `AKE`, `Kx` as `xK`). One deviation: Redis drops `n` from the text when all of `A` is set (its
 * flag stays set); here `n` is kept (`AnKE`), so the stored text never loses a class.
 */
export function parseNotifyKeyspaceEvents(raw: string): string | Refusal {
  let flags = 0;
  for (const c of raw) {
    if (c === 'A') flags |= NOTIFY_ALL;
    else if (NOTIFY_BIT.has(c)) flags |= bit(c);
    else return refuse("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  }
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out += 'A';
  else for (const c of 'g$lshzxetd') if (flags & bit(c)) out += c;
  if (flags & bit('n')) out += 'n';
  if (flags & bit('K')) out += 'K';
  if (flags & bit('E')) out += 'E';
  if (flags & bit('m')) out += 'm';
  return out;
}

/** shutdown-on-sigint / -sigterm: `default` or words of save|nosave|now|force; canonical in Redis's order. */
export function parseShutdownFlags(raw: string): string | Refusal {
  const names = ['save', 'nosave', 'now', 'force'];
  const set = new Set<string>();
  for (const w of words(raw)) {
    const v = w.toLowerCase();
    if (v !== 'default' && !names.includes(v)) return refuse('argument(s) must be one of the following: default, save, nosave, now, force');
    if (v !== 'default') set.add(v);
  }
  if (set.has('save') && set.has('nosave')) return refuse("shutdown options SAVE and NOSAVE can't be used simultaneously");
  return set.size === 0 ? 'default' : names.filter((n) => set.has(n)).join(' ');
}

/** oom-score-adj: no | yes | relative | absolute, where relative reads back as yes (the same flag). */
export function parseOomScoreAdj(raw: string): string | Refusal {
  const v = raw.toLowerCase();
  if (v === 'relative' || v === 'yes') return 'yes';
  if (v === 'no' || v === 'absolute') return v;
  return refuse('argument(s) must be one of the following: no, yes, relative, absolute');
}

/** oom-score-adj-values: three integers in [-2000, 2000]. */
export function parseOomScoreAdjValues(raw: string): string | Refusal {
  const args = words(raw);
  if (args.length !== 3) return refuse('wrong number of arguments');
  const out: string[] = [];
  for (const a of args) {
    const v = strtollWhole(a);
    if (v === null || v < -2000n || v > 2000n) return refuse('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
    out.push(String(v));
  }
  return out.join(' ');
}

/** latency-tracking-info-percentiles: numbers in [0, 100] ("" for none), shown as %f with trailing zeros trimmed. */
export function parsePercentiles(raw: string): string | Refusal {
  const args = raw === '' ? [] : words(raw);
  const out: string[] = [];
  for (const a of args) {
    const v = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(a) ? Number(a) : NaN;
    if (Number.isNaN(v)) return refuse('Invalid latency-tracking-info-percentiles parameters');
    if (v > 100 || v < 0) return refuse('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
    out.push(v.toFixed(6).replace(/\.?0+$/, ''));
  }
  return out.join(' ');
}

/** maxmemory-clients: a memory value, or a percentage of maxmemory (0% to 100%). */
export function parseMemoryOrPercent(raw: string): string | Refusal {
  const bytes = memtoull(raw);
  if (bytes !== null) return bytes > LONG_MAX ? refuse(`argument must be between -100 and ${LONG_MAX} inclusive`) : String(bytes);
  const pct = raw.length > 1 && raw.endsWith('%') ? string2ll(raw.slice(0, -1)) : null;
  if (pct === null || pct < 0n) return refuse('argument must be a memory or percent value');
  if (pct > 100n) return refuse('percentage argument must be less or equal to 100');
  return pct === 0n ? '0' : `${pct}%`;
}

/** unixsocketperm: an octal number up to 0777, shown in octal. */
export function parseOctalPerm(raw: string): string | Refusal {
  if (!/^[0-7]+$/.test(raw)) return refuse("argument couldn't be parsed as an octal number");
  const v = parseInt(raw, 8);
  return v > 0o777 ? refuse('argument must be between 0 and 777 inclusive') : v.toString(8);
}

/** replicaof / slaveof: `no one` or `<host> <port>`. */
export function parseReplicaOf(raw: string): string | Refusal {
  const args = words(raw);
  if (args.length !== 2) return refuse('wrong number of arguments');
  if ((args[0] as string).toLowerCase() === 'no' && (args[1] as string).toLowerCase() === 'one') return '';
  const port = strtollWhole(args[1] as string);
  if (port === null || port < 0n || port > 65535n || /^\s/.test(args[1] as string)) return refuse('Invalid master port');
  return `${args[0] as string} ${port}`;
}

/** cluster-announce-hostname: letters, digits, '-' and '.', under 256 characters. */
export function validateHostname(v: string): string | null {
  if (v.length >= 256) return 'Hostnames must be less than 256 characters';
  return /^[A-Za-z0-9.-]*$/.test(v) ? null : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
}

/** proc-title-template: only Redis's variables, and not empty once expanded. */
export function validateProcTitleTemplate(v: string): string | null {
  const known: Readonly<Record<string, string>> = { title: '', 'listen-addr': '127.0.0.1:6379', 'server-mode': '[cluster]', 'config-file': '-', port: '6379', 'tls-port': '0', unixsocket: '' };
  let out = '';
  for (let i = 0; i < v.length; ) {
    const open = v.indexOf('{', i);
    if (open < 0) {
      out += v.slice(i);
      break;
    }
    out += v.slice(i, open);
    if (open + 1 >= v.length) return 'template format is invalid or contains unknown variables';
    if (v[open + 1] === '{') {
      out += '{';
      i = open + 2;
      continue;
    }
    const close = v.indexOf('}', open + 1);
    const value = close < 0 ? undefined : known[v.slice(open + 1, close)];
    if (value === undefined) return 'template format is invalid or contains unknown variables';
    out += value;
    i = close + 1;
  }
  return out.trim() === '' ? 'template format is invalid or contains unknown variables' : null;
}

/** Redis's pathIsBaseName: no '/' or '\'. */
const isBaseName = (v: string): boolean => !/[/\\]/.test(v);

export function validateDbFilename(v: string): string | null {
  // Redis accepts an empty name (the save then fails); ringcache refuses it up front.
  if (v === '' || v === '.' || v === '..') return "dbfilename can't be empty";
  return isBaseName(v) && !v.includes('\0') ? null : "dbfilename can't be a path, just a filename";
}

export function validateAofFilename(v: string): string | null {
  if (v === '') return "appendfilename can't be empty";
  return isBaseName(v) && v !== '.' && v !== '..' && !v.includes('\0') ? null : "appendfilename can't be a path, just a filename";
}

export function validateAofDirname(v: string): string | null {
  if (v === '') return "appenddirname can't be empty";
  return isBaseName(v) && v !== '.' && v !== '..' && !v.includes('\0') ? null : "appenddirname can't be a path, just a dirname";
}
