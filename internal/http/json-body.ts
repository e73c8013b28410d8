// The JSON request body parser: UTF-8 only, nesting bounded before parsing, __proto__ kept as data, numbers finite.
import { isUtf8 } from 'node:buffer';
import { HttpError } from './errors.js';

/**
 * Deepest nesting of arrays and objects a request body may have (the body object itself is level
 * one). Parsing is iterative in V8 but JSON.stringify, schema validation and every consumer of a
 * value recurse, so a body 5,000 levels deep would overflow the stack somewhere; 512 is far beyond
 * any real document and far below what any of them can take.
 */
export const MAX_JSON_DEPTH = 512;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * The deepest nesting in JSON text, or -1 as soon as it passes `limit`: one pass over the bytes,
 * no recursion, brackets inside strings ignored. Malformed text gets some number; JSON.parse
 * rejects it afterwards.
 */
export function jsonDepth(bytes: Uint8Array, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return -1;
      if (depth > max) max = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return max;
}

/** A UTF-16 surrogate without its pair: JSON can escape one (`"\\ud800"`), UTF-8 cannot encode it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What makes a parsed body unstorable as sent, or null: a number JSON.parse could not represent
 * (1e400 becomes Infinity, which JSON.stringify writes as null), or a string or key with a lone
 * surrogate (its UTF-8 bytes would be U+FFFD's, so the value read back would differ). Iterative.
 */
function unstorable(root: unknown): string | null {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return 'a number in the body is too large to represent (beyond ±1.8e308)';
    } else if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return 'a string in the body holds a lone UTF-16 surrogate (\\udXXX), which has no UTF-8 form';
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) stack.push(k, x);
    }
  }
  return null;
}

/**
 * A request body as JSON. Plain JSON.parse, not Fastify's secure-json-parse: a `"__proto__"` key
 * becomes an own data property (JSON.parse defines properties, it never assigns them), so it cannot
 * reach any prototype, and a cache must store what the client sent rather than refuse or strip it.
 * Throws HttpError 400: VALIDATION (not UTF-8, not JSON, a number out of range, a lone surrogate) or JSON_TOO_DEEP.
 */
export function parseJsonBody(body: Buffer): unknown {
  // RFC 8259: JSON exchanged between systems is UTF-8; a byte sequence that is not would otherwise
  // be silently turned into U+FFFD and stored as something the client never sent.
  if (!isUtf8(body)) throw new HttpError(400, 'VALIDATION', 'the body is not valid UTF-8');
  if (jsonDepth(body, MAX_JSON_DEPTH) < 0) throw new HttpError(400, 'JSON_TOO_DEEP', `the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new HttpError(400, 'VALIDATION', 'the body is empty; send a JSON document');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'VALIDATION', `the body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const why = unstorable(value);
  if (why !== null) throw new HttpError(400, 'VALIDATION', why);
  return value;
}
