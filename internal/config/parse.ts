// One parser for every parameter value, CONFIG SET's and the config file's: Redis's syntax and bounds, Redis's reasons.
import type { ConfigValue, Param } from './schema.js';
import { isRefusal, memtoull, string2ll, yesno } from './redis-values.js';

/**
 * A parsed value, or why it was refused: `problem` tells a malformed value ('type') from one
 * outside the bounds ('range'), `reason` is Redis's text (what CONFIG SET answers after ` - `).
 */
export type Parsed = { readonly ok: true; readonly value: ConfigValue } | { readonly ok: false; readonly problem: 'type' | 'range' | 'other'; readonly reason: string; readonly number?: bigint };

const fail = (problem: 'type' | 'range' | 'other', reason: string, number?: bigint): Parsed => ({ ok: false, problem, reason, ...(number === undefined ? {} : { number }) });

/** What Redis says about a value of the wrong shape for this type. */
export function typeReason(p: Param): string {
  switch (p.type) {
    case 'int':
      return "argument couldn't be parsed into an integer";
    case 'memory':
      return 'argument must be a memory value';
    case 'bool':
      return "argument must be 'yes' or 'no'";
    case 'enum':
      return `argument(s) must be one of the following: ${(p.values ?? []).join(', ')}`;
    case 'string':
    case 'list':
      return 'argument must be a string';
  }
}

/**
 * Checks a whole number against the param's bounds and clamp. Beyond 2^53 (Redis allows up to
 * 2^63-1 for some) the value is kept as 2^53-1: every such setting (bytes, microseconds, entries)
 * is effectively unlimited there, and CONFIG GET reads back a value CONFIG SET accepts again.
 */
export function checkNumber(p: Param, v: bigint): Parsed {
  const min = p.min === undefined ? undefined : BigInt(p.min);
  const max = p.max === undefined ? undefined : BigInt(p.max);
  if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
    return fail('range', `argument must be between ${String(p.min ?? Number.MIN_SAFE_INTEGER)} and ${String(p.max ?? Number.MAX_SAFE_INTEGER)} inclusive`, v);
  }
  let n = v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : v < BigInt(Number.MIN_SAFE_INTEGER) ? Number.MIN_SAFE_INTEGER : Number(v);
  if (p.clamp !== undefined) n = Math.min(Math.max(n, p.clamp[0]), p.clamp[1]);
  return { ok: true, value: n };
}

/**
 * Parses a text value for `p`. 'redis' is CONFIG SET's strictness (exactly Redis's parsers);
 * 'file' is the config file's, env's and flags': surrounding spaces are ignored, booleans may also
 * be true/false, and an empty number is refused rather than read as 0.
 */
export function parseParam(p: Param, raw: string, current: ConfigValue, mode: 'redis' | 'file'): Parsed {
  const text = mode === 'file' && p.type !== 'string' ? raw.trim() : raw;
  switch (p.type) {
    case 'int':
    case 'memory': {
      const v = mode === 'file' && text === '' ? null : p.type === 'int' ? string2ll(text) : memtoull(text);
      return v === null ? fail('type', typeReason(p)) : checkNumber(p, v);
    }
    case 'bool': {
      const lower = text.toLowerCase();
      const v = mode === 'file' && (lower === 'true' || lower === 'false') ? lower === 'true' : yesno(text);
      return v === null ? fail('type', typeReason(p)) : { ok: true, value: v };
    }
    case 'enum': {
      const v = text.toLowerCase();
      return p.values?.includes(v) ? { ok: true, value: v } : fail('type', typeReason(p));
    }
    case 'list': {
      const items = text
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
      for (const x of items) {
        const problem = p.validate?.(x) ?? null;
        if (problem !== null) return fail('other', problem);
      }
      return { ok: true, value: items.join(',') };
    }
    case 'string': {
      if (p.parse !== undefined) {
        const v = p.parse(text, String(current));
        return isRefusal(v) ? fail('other', v.error) : { ok: true, value: v };
      }
      const problem = p.validate?.(text) ?? null;
      return problem === null ? { ok: true, value: text } : fail('other', problem);
    }
  }
}

/** How CONFIG GET shows a value. */
export function formatValue(p: Param, v: ConfigValue): string {
  if (p.type === 'bool') return v ? 'yes' : 'no';
  return p.show !== undefined ? p.show(String(v)) : String(v);
}
