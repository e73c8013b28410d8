// Protocol limits, with Redis's defaults and names.
import { constants } from 'node:buffer';

export interface ProtocolLimits {
  /** proto-max-bulk-len: largest bulk string accepted in a request. */
  maxBulkLen: number;
  /** Largest multibulk argument count (Redis: 1024*1024 for authenticated clients... INT_MAX in 7). */
  maxMultibulkLen: number;
  /** Inline requests and `*`/`$` count lines longer than this are protocol errors (PROTO_INLINE_MAX_SIZE). */
  maxInlineLen: number;
  /** client-query-buffer-limit: pending unparsed bytes after which the client is closed. */
  queryBufferLimit: number;
}

/** V8 cannot hold a string longer than this; bulk strings are latin1 strings, so this bounds them too. */
export const MAX_STRING_BYTES = constants.MAX_STRING_LENGTH;

export const DEFAULT_LIMITS: ProtocolLimits = {
  maxBulkLen: 512 * 1024 * 1024,
  maxMultibulkLen: 2 ** 31 - 1,
  maxInlineLen: 64 * 1024,
  queryBufferLimit: 1024 * 1024 * 1024,
};

/** Unauthenticated clients may only send small requests, as Redis 7 enforces. */
export const UNAUTH_MAX_MULTIBULK = 10;
export const UNAUTH_MAX_BULK = 16384;
