// /api/cache/<key> PUT, GET, DELETE (JSON or octet-stream) and the batch routes, as Redis commands through the routing seam.
//
// Every operation is a short list of Redis commands for the key's owner (see dispatch.ts):
//   PUT     SET key value [PX ms] [NX|XX]
//   GET     GET key, PTTL key        (one list: value and TTL from the same instant)
//   DELETE  DEL key
//   batch get  MGET k1 k2 ...        (one per owner)
//   batch set  MULTI, SET k v [PX ms] ..., EXEC   (one transaction per owner)
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Reply } from '../../resp/reply.js';
import type { HttpContext } from '../context.js';
import type { Served } from '../../contracts/cluster.js';
import { fromReplyError, HttpError, type HttpErrorCode } from '../errors.js';
import {
  batchGetBody,
  batchGetResponse,
  batchSetBody,
  batchSetResponse,
  deleteResponse,
  ERROR_RESPONSES,
  getResponse,
  putJsonBody,
  putQuery,
  putResponse,
} from '../schemas.js';
import { negotiate } from '../negotiate.js';
import { bytesToText, encodeJsonValue, keyFromUrl, keyToText, utf8ToBytes } from '../values.js';

const PREFIX = '/api/cache/';

interface PutOptions {
  ttl_hours?: number;
  ttl_seconds?: number;
  nx?: boolean;
  xx?: boolean;
}
interface PutJson extends PutOptions {
  value: unknown;
}
interface PutQuery {
  ttl_hours?: string;
  ttl_seconds?: string;
  nx?: string;
  xx?: string;
}
interface BatchGet {
  keys: string[];
}
interface BatchSet {
  items: { key: string; value: unknown; ttl_seconds?: number }[];
}

/**
 * Ends a request with an expected error outcome (a missing key, a failed condition) without
 * throwing: these are ordinary answers of a cache, and an Error's stack capture is a measurable
 * part of a miss. Unexpected errors are thrown and go through the app's error handler.
 */
function answerError(reply: FastifyReply, status: number, code: HttpErrorCode, message: string): void {
  void reply.code(status).send({ error: { code, message } });
}

/** Runs `then` on a Served list, synchronously when it is already there. */
function whenServed(s: Served | Promise<Served>, then: (s: Served) => void): void | Promise<void> {
  if (s instanceof Promise) return s.then(then);
  then(s);
}

/** The key of a /api/cache/<key> URL, as bytes; 400 when empty or badly encoded. */
function keyOf(url: string): string {
  const key = keyFromUrl(url, PREFIX);
  if (key === null || key === '') throw new HttpError(400, 'VALIDATION', 'the key must be non-empty and correctly URL-encoded');
  return key;
}

/** Milliseconds to live from the request's TTL fields, or 0 for none; 400 when both or not positive. */
export function ttlMs(o: PutOptions): number {
  if (o.ttl_hours !== undefined && o.ttl_seconds !== undefined) throw new HttpError(400, 'VALIDATION', 'give ttl_hours or ttl_seconds, not both');
  const seconds = o.ttl_hours !== undefined ? o.ttl_hours * 3600 : o.ttl_seconds;
  if (seconds === undefined) return 0;
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new HttpError(400, 'VALIDATION', 'the TTL must be a positive number');
  // Rounded up: a positive TTL never becomes 0 ms (which SET would refuse).
  return Math.ceil(seconds * 1000);
}

/** Seconds to live as Redis's TTL rounds PTTL, or null for a key without expiry. */
const ttlSeconds = (ms: number): number | null => (ms < 0 ? null : Math.floor((ms + 500) / 1000));

function optionsFromQuery(q: PutQuery): PutOptions {
  const o: PutOptions = {};
  if (q.ttl_hours !== undefined) o.ttl_hours = Number(q.ttl_hours);
  if (q.ttl_seconds !== undefined) o.ttl_seconds = Number(q.ttl_seconds);
  if (q.nx !== undefined) o.nx = q.nx === 'true';
  if (q.xx !== undefined) o.xx = q.xx === 'true';
  return o;
}

/** A reply that must not be an error: error replies become their HTTP error. */
function check(r: Reply | undefined): Reply {
  if (r === undefined) throw new HttpError(500, 'INTERNAL', 'missing reply');
  if (r.t === 'error') throw fromReplyError(r.v);
  return r;
}

/** What GET can answer with, JSON first (it wins ties and a missing Accept). */
const GET_TYPES = ['application/json', 'application/octet-stream'] as const;
const OCTETS = 'application/octet-stream';

/** What every cache route uses: where keys run, the API's client, the schema's common parts, readiness and X-Served-By. */
interface CacheRouteKit {
  readonly routing: HttpContext['routing'];
  /** The client a request runs as (its ACL user with Basic credentials, else the API's internal client). */
  readonly clientOf: HttpContext['clientOf'];
  readonly common: { tags: string[]; security: ({ bearer: never[] } | { basic: never[] })[] };
  requireReady(): void;
  served(reply: FastifyReply, by: string): void;
}

export function registerCacheRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const kit: CacheRouteKit = {
    routing: ctx.routing,
    clientOf: ctx.clientOf,
    common: { tags: ['cache'], security: [{ bearer: [] }, { basic: [] }] },
    /** Cache routes need a started node and a cluster that lets it serve. A call, not a hook: cheaper per request. */
    requireReady: () => {
      if (!ctx.ready()) throw new HttpError(503, 'NOT_READY', 'the node is starting or stopping');
    },
    served: (reply, by) => {
      void reply.header('x-served-by', by);
    },
  };
  registerPut(app, kit);
  registerGet(app, kit);
  registerDelete(app, kit);
  registerBatchGet(app, kit);
  registerBatchSet(app, kit);
}

/** PUT /api/cache/<key>: SET with the JSON or raw-bytes value and its options. */
function registerPut(app: FastifyInstance, r: CacheRouteKit): void {
  const { routing, clientOf, common, requireReady, served } = r;
  app.put<{ Body: PutJson | Buffer; Querystring: PutQuery }>(
    `${PREFIX}*`,
    {
      schema: {
        ...common,
        summary: 'Store a value (JSON, or raw bytes with Content-Type: application/octet-stream)',
        description:
          'JSON body: `{"value", "ttl_hours"?, "ttl_seconds"?, "nx"?, "xx"?}`. Octet-stream body: the raw bytes, with the same ' +
          'options as query parameters (`?ttl_seconds=60&nx=true`). Without a TTL the key does not expire (any old TTL is cleared, as SET does).',
        querystring: putQuery,
        body: { content: { 'application/json': { schema: putJsonBody }, 'application/octet-stream': { schema: {} } } },
        response: { 200: putResponse, ...ERROR_RESPONSES },
      },
    },
    (req, reply) => {
      requireReady();
      const key = keyOf(req.url);
      let value: string;
      let o: PutOptions;
      if (Buffer.isBuffer(req.body)) {
        value = req.body.toString('latin1');
        o = optionsFromQuery(req.query);
      } else {
        // No Content-Type and no body reach here unvalidated (the body schema is per content type).
        if (typeof req.body !== 'object' || req.body === null) throw new HttpError(400, 'VALIDATION', 'a body is required: JSON {"value": ...} or application/octet-stream bytes');
        if (req.url.includes('?')) throw new HttpError(400, 'VALIDATION', 'with a JSON body, options go in the body, not the query string');
        value = encodeJsonValue(req.body.value);
        o = req.body;
      }
      if (o.nx === true && o.xx === true) throw new HttpError(400, 'VALIDATION', 'nx and xx exclude each other');
      const ms = ttlMs(o);
      const argv = ['SET', key, value];
      if (ms > 0) argv.push('PX', String(ms));
      if (o.nx === true) argv.push('NX');
      if (o.xx === true) argv.push('XX');
      return whenServed(routing.forKey(clientOf(req), key, [argv]), ({ replies, servedBy }) => {
        served(reply, servedBy);
        const r = check(replies[0]);
        if (r.t === 'nullbulk' || r.t === 'nullarray') {
          answerError(reply, 409, 'CONDITION_FAILED', o.nx === true ? 'the key already exists (nx)' : 'the key does not exist (xx)');
          return;
        }
        void reply.send({ key: keyToText(key), stored: true, ttl_seconds: ms > 0 ? ttlSeconds(ms) : null, node: servedBy });
      });
    },
  );
}

/** GET /api/cache/<key>: GET + PTTL, as JSON or raw bytes. */
function registerGet(app: FastifyInstance, r: CacheRouteKit): void {
  const { routing, clientOf, common, requireReady, served } = r;
  app.get(
    `${PREFIX}*`,
    {
      schema: {
        ...common,
        summary: 'Read a value (JSON; raw bytes with Accept: application/octet-stream)',
        description:
          '`value` is the stored bytes as UTF-8 text (`encoding: "utf8"`), or base64 when they are not UTF-8. A JSON value stored ' +
          'as a non-string comes back as its JSON text. With `Accept: application/octet-stream` the body is the raw bytes and ' +
          'the TTL is in `X-TTL-Seconds` (absent when the key does not expire). Accept q-values are honoured (q=0 excludes a ' +
          'type; JSON wins ties); 406 NOT_ACCEPTABLE when neither type is acceptable. 404 KEY_NOT_FOUND when missing.',
        // The octet-stream variant (raw bytes, not serialized) is described above and in the OpenAPI transform.
        response: { 200: getResponse, ...ERROR_RESPONSES },
      },
    },
    (req, reply) => {
      requireReady();
      const key = keyOf(req.url);
      // Negotiated before anything runs: q=0 excludes a type, and nothing acceptable is a 406.
      const type = negotiate(req.headers.accept, GET_TYPES);
      if (type === null) throw new HttpError(406, 'NOT_ACCEPTABLE', `this route answers ${GET_TYPES.join(' or ')}; the Accept header excludes both`);
      const commands = [
        ['GET', key],
        ['PTTL', key],
      ];
      return whenServed(routing.forKey(clientOf(req), key, commands), ({ replies, servedBy }) => {
        served(reply, servedBy);
        const v = check(replies[0]);
        if (v.t !== 'bulk') {
          answerError(reply, 404, 'KEY_NOT_FOUND', `no such key: ${keyToText(key)}`);
          return;
        }
        const pttl = check(replies[1]);
        const ttl = ttlSeconds(pttl.t === 'int' ? Number(pttl.v) : -1);
        if (type === OCTETS) {
          if (ttl !== null) void reply.header('x-ttl-seconds', String(ttl));
          void reply.type('application/octet-stream').send(Buffer.from(v.v, 'latin1'));
          return;
        }
        const { text, encoding } = bytesToText(v.v);
        void reply.send({ key: keyToText(key), value: text, encoding, ttl_seconds: ttl, node: servedBy });
      });
    },
  );
}

/** DELETE /api/cache/<key>: DEL. */
function registerDelete(app: FastifyInstance, r: CacheRouteKit): void {
  const { routing, clientOf, common, requireReady, served } = r;
  app.delete(
    `${PREFIX}*`,
    {
      schema: {
        ...common,
        summary: 'Delete a key: 200 {"deleted": true} when it existed, 404 KEY_NOT_FOUND otherwise',
        response: { 200: deleteResponse, ...ERROR_RESPONSES },
      },
    },
    (req, reply) => {
      requireReady();
      const key = keyOf(req.url);
      return whenServed(routing.forKey(clientOf(req), key, [['DEL', key]]), ({ replies, servedBy }) => {
        served(reply, servedBy);
        const r = check(replies[0]);
        if (r.t !== 'int' || Number(r.v) === 0) {
          answerError(reply, 404, 'KEY_NOT_FOUND', `no such key: ${keyToText(key)}`);
          return;
        }
        void reply.send({ key: keyToText(key), deleted: true, node: servedBy });
      });
    },
  );
}

/** POST /api/cache/_batch/get: one MGET per owning node, items in request order. */
function registerBatchGet(app: FastifyInstance, r: CacheRouteKit): void {
  const { routing, clientOf, common, requireReady, served } = r;
  app.post<{ Body: BatchGet }>(
    `${PREFIX}_batch/get`,
    {
      schema: {
        ...common,
        summary: 'Read many keys: one MGET per owning node, results in request order',
        body: batchGetBody,
        response: { 200: batchGetResponse, ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      requireReady();
      const keys = req.body.keys.map(utf8ToBytes);
      const groups = await routing.forKeys(clientOf(req), keys, (ks) => [['MGET', ...ks]]);
      const items: { key: string; found: boolean; value: string | null; encoding: string | null; node: string }[] = new Array(keys.length);
      for (const g of groups) {
        const r = check(g.replies[0]);
        const values = r.t === 'array' ? r.v : [];
        g.indexes.forEach((idx, j) => {
          const v = values[j];
          const key = req.body.keys[idx] as string;
          if (v?.t === 'bulk') {
            const { text, encoding } = bytesToText(v.v);
            items[idx] = { key, found: true, value: text, encoding, node: g.servedBy };
          } else {
            items[idx] = { key, found: false, value: null, encoding: null, node: g.servedBy };
          }
        });
      }
      served(reply, [...new Set(groups.map((g) => g.servedBy))].join(','));
      return { items };
    },
  );
}

/** POST /api/cache/_batch/set: one MULTI/SET.../EXEC per owning node. */
function registerBatchSet(app: FastifyInstance, r: CacheRouteKit): void {
  const { routing, clientOf, common, requireReady, served } = r;
  app.post<{ Body: BatchSet }>(
    `${PREFIX}_batch/set`,
    {
      schema: {
        ...common,
        summary: 'Store many keys: one MULTI/EXEC transaction per owning node',
        description:
          'Each item is stored as `SET key value [PX ms]`; the items of one node run as one MULTI/EXEC transaction (no other ' +
          'client sees part of it, and it is journaled as one block). If a node refuses a write (OOM, MISCONF), the error is ' +
          'returned and the items before it in that transaction stay stored, as in Redis.',
        body: batchSetBody,
        response: { 200: batchSetResponse, ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      requireReady();
      const items = req.body.items;
      const prepared = items.map((it) => ({ key: utf8ToBytes(it.key), value: encodeJsonValue(it.value), ms: ttlMs({ ttl_seconds: it.ttl_seconds }) }));
      const groups = await routing.forKeys(
        clientOf(req),
        prepared.map((p) => p.key),
        (_keys, indexes) => [
          ['MULTI'],
          ...indexes.map((i) => {
            const p = prepared[i] as { key: string; value: string; ms: number };
            return p.ms > 0 ? ['SET', p.key, p.value, 'PX', String(p.ms)] : ['SET', p.key, p.value];
          }),
          ['EXEC'],
        ],
      );
      const nodes = [...new Set(groups.map((g) => g.servedBy))];
      served(reply, nodes.join(','));
      let stored = 0;
      for (const g of groups) {
        // MULTI and the QUEUED replies first: a refusal there (NOAUTH, ...) is the batch's error.
        for (const r of g.replies.slice(0, -1)) check(r);
        const exec = check(g.replies[g.replies.length - 1]);
        if (exec.t !== 'array') throw new HttpError(409, 'CONDITION_FAILED', 'the transaction was aborted');
        for (const r of exec.v) {
          check(r);
          stored++;
        }
      }
      return { stored, nodes };
    },
  );
}
