// Errors raised before a request reaches Fastify's router (unparseable bytes, timeouts, oversized headers) and 405s, in the API's error shape.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { HttpError } from './errors.js';

/** The error for a Node `clientError` (llhttp parse errors carry HPE_* codes; both timeouts ERR_HTTP_REQUEST_TIMEOUT). */
export function clientErrorOf(err: { code?: string }): HttpError {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpError(408, 'REQUEST_TIMEOUT', 'the request (or its headers) did not arrive in time');
    case 'HPE_HEADER_OVERFLOW':
      return new HttpError(431, 'HEADERS_TOO_LARGE', 'the request line and headers exceed the server limit (16 KB)');
    default:
      return new HttpError(400, 'MALFORMED_REQUEST', `not a valid HTTP/1.1 request (${err.code ?? 'parse error'})`);
  }
}

/** The raw HTTP/1.1 response for an error, closing the connection (the parser cannot resume after one). */
export function rawErrorResponse(e: HttpError): string {
  const body = JSON.stringify(e.body());
  return (
    `HTTP/1.1 ${e.statusCode} ${STATUS_CODES[e.statusCode] ?? 'Error'}\r\n` +
    `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * Fastify's clientErrorHandler: Node's `clientError` answered in the API's error shape. As Node's
 * own handler, nothing is written when a response on the socket has already started (the client
 * would read it as part of that response), and the socket is closed either way.
 */
export function clientErrorHandler(log: () => FastifyBaseLogger | null): (err: Error & { code?: string }, socket: Socket) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const e = clientErrorOf(err);
    log()?.trace({ err, statusCode: e.statusCode }, 'client error');
    const inFlight = (socket as unknown as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
    if (socket.writable && inFlight?.headersSent !== true) socket.write(rawErrorResponse(e));
    socket.destroy();
  };
}

/** A route's method and URL pattern, as Fastify's onRoute hook reports them. */
export interface RouteShape {
  method: string | string[];
  url: string;
}

/**
 * Which methods each path has, to tell 405 from 404: patterns from the registered routes
 * (`:param` is one segment, `*` the rest of the path).
 */
export class MethodTable {
  private readonly shapes: RouteShape[] = [];
  private compiled: { re: RegExp; methods: Set<string> }[] | null = null;

  add(route: RouteShape): void {
    this.shapes.push(route);
    this.compiled = null;
  }

  /** The methods some route serves at `path` (sorted; empty when no route matches it at all). */
  allowed(path: string): string[] {
    this.compiled ??= this.compile();
    const out = new Set<string>();
    for (const { re, methods } of this.compiled) if (re.test(path)) for (const m of methods) out.add(m);
    return [...out].sort();
  }

  private compile(): { re: RegExp; methods: Set<string> }[] {
    const byUrl = new Map<string, Set<string>>();
    for (const s of this.shapes) {
      const set = byUrl.get(s.url) ?? new Set<string>();
      for (const m of Array.isArray(s.method) ? s.method : [s.method]) set.add(m.toUpperCase());
      byUrl.set(s.url, set);
    }
    return [...byUrl].map(([url, methods]) => ({ re: patternToRegExp(url), methods }));
  }
}

function patternToRegExp(url: string): RegExp {
  let src = '';
  for (const seg of url.split(/(:[A-Za-z0-9_]+|\*)/)) {
    if (seg === '*') src += '.*';
    else if (seg.startsWith(':')) src += '[^/]+';
    else src += seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}
