// HTTP API errors: stable codes, the JSON error body, and the mapping from RESP error replies and Fastify errors.
import { ERROR_KINDS, type ErrorCode } from '../contracts/errors.js';

/** Stable, documented error codes of the HTTP API (docs/http-api.md lists them). */
export type HttpErrorCode =
  | 'VALIDATION'
  | 'MALFORMED_REQUEST'
  | 'JSON_TOO_DEEP'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'KEY_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'NOT_ACCEPTABLE'
  | 'REQUEST_TIMEOUT'
  | 'CONDITION_FAILED'
  | 'WRONG_TYPE'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'URI_TOO_LONG'
  | 'HEADERS_TOO_LARGE'
  | 'MISDIRECTED'
  | 'RATE_LIMITED'
  | 'COMMAND_ERROR'
  | 'CROSS_SLOT'
  | 'OUT_OF_MEMORY'
  | 'PERSISTENCE_ERROR'
  | 'READ_ONLY'
  | 'NOT_READY'
  | 'INTERNAL';

/** The one error body shape: `{ "error": { "code": "...", "message": "..." } }`. */
export interface ErrorBody {
  error: { code: HttpErrorCode; message: string };
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/**
 * RESP error code -> HTTP error code. The HTTP status comes from ERROR_KINDS, the one table shared
 * with RESP; a Record over every ErrorCode makes a new RESP error a compile error here until mapped.
 */
const CODE_BY_RESP: Readonly<Record<ErrorCode, HttpErrorCode>> = {
  ERR: 'COMMAND_ERROR',
  WRONGTYPE: 'WRONG_TYPE',
  NOAUTH: 'UNAUTHORIZED',
  WRONGPASS: 'UNAUTHORIZED',
  NOPROTO: 'COMMAND_ERROR',
  OOM: 'OUT_OF_MEMORY',
  MISCONF: 'PERSISTENCE_ERROR',
  EXECABORT: 'CONDITION_FAILED',
  MOVED: 'MISDIRECTED',
  ASK: 'MISDIRECTED',
  CROSSSLOT: 'CROSS_SLOT',
  READONLY: 'READ_ONLY',
  NOREPLICAS: 'NOT_READY',
  NOMASTERLINK: 'NOT_READY',
  BUSYKEY: 'CONDITION_FAILED',
  LOADING: 'NOT_READY',
  TRYAGAIN: 'NOT_READY',
  CLUSTERDOWN: 'NOT_READY',
  NOPERM: 'FORBIDDEN',
  UNBLOCKED: 'CONDITION_FAILED',
  NOSCRIPT: 'NOT_FOUND',
  BUSY: 'NOT_READY',
  NOTBUSY: 'CONDITION_FAILED',
  UNKILLABLE: 'CONDITION_FAILED',
  INVALIDOBJ: 'WRONG_TYPE',
};

const isErrorCode = (s: string): s is ErrorCode => Object.hasOwn(ERROR_KINDS, s);

/**
 * The HTTP error for a RESP error reply line (`WRONGTYPE Operation against ...`). Mapped by the
 * line's first word through ERROR_KINDS, never by its text; an unknown prefix is an internal error.
 */
export function fromReplyError(line: string): HttpError {
  const sp = line.indexOf(' ');
  const prefix = sp < 0 ? line : line.slice(0, sp);
  const message = sp < 0 ? line : line.slice(sp + 1);
  if (!isErrorCode(prefix)) return new HttpError(500, 'INTERNAL', `unexpected error reply: ${line}`);
  return new HttpError(ERROR_KINDS[prefix].http, CODE_BY_RESP[prefix], message);
}

/** HTTP status -> code for errors raised by Fastify itself and its plugins (parsing, limits, routing). */
const CODE_BY_STATUS: Readonly<Record<number, HttpErrorCode>> = {
  400: 'VALIDATION',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  413: 'BODY_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  503: 'NOT_READY',
};

/** Whatever reached the error handler, as an HttpError. Server-side failures never echo their message. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { statusCode?: unknown; message?: unknown; validation?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  // Schema validation failures (body, querystring, params) are always the client's.
  if (e?.validation !== undefined) return new HttpError(400, 'VALIDATION', message);
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  const code = CODE_BY_STATUS[status];
  if (status >= 400 && status < 500) return new HttpError(status, code ?? 'VALIDATION', message);
  if (code !== undefined) return new HttpError(status, code, message);
  return new HttpError(500, 'INTERNAL', 'internal error');
}
