// /api/filters/<name>: Bloom and Cuckoo filters over HTTP (create, add, check one or many, info, delete) as BF.* / CF.* commands on the key's owner.
//
// Every request first learns the key's type (TYPE, in the same list as the command where it can):
//   PUT     TYPE, BF.RESERVE | CF.RESERVE          (409 when the key exists)
//   POST    .../items     TYPE; BF.INSERT | CF.INSERT NOCREATE ITEMS ...
//   GET     .../items?item=a&item=b, POST .../exists   TYPE; BF.MEXISTS | CF.MEXISTS
//   GET     TYPE; BF.INFO | CF.INFO
//   DELETE  TYPE, DEL                              (only a filter is deleted)
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Reply } from '../../resp/reply.js';
import type { HttpContext } from '../context.js';
import { fromReplyError, HttpError } from '../errors.js';
import { ERROR_RESPONSES } from '../schemas.js';
import { keyToText, utf8ToBytes } from '../values.js';

const PREFIX = '/api/filters/';
/** Items per request, as the cache batch routes bound theirs. */
export const MAX_FILTER_ITEMS = 1000;

export type FilterKind = 'bloom' | 'cuckoo';
const KIND_BY_TYPE: Readonly<Record<string, FilterKind>> = { 'MBbloom--': 'bloom', MBbloomCF: 'cuckoo' };
const PREFIX_OF: Readonly<Record<FilterKind, string>> = { bloom: 'BF', cuckoo: 'CF' };

interface CreateBody {
  type: FilterKind;
  capacity?: number;
  error_rate?: number;
  expansion?: number;
  nonscaling?: boolean;
  bucket_size?: number;
  max_iterations?: number;
}
interface ItemsBody {
  items: string[];
}

const nameParam = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, description: 'The filter key (UTF-8).' } } } as const;
/** The bearer token, or an ACL user's Basic credentials (commands then run as that user). */
const security: Record<string, string[]>[] = [{ bearer: [] }, { basic: [] }];
const common = { tags: ['filters'], security, params: nameParam };
const itemsSchema = { type: 'array', minItems: 1, maxItems: MAX_FILTER_ITEMS, items: { type: 'string' } } as const;
const itemsBody = { type: 'object', required: ['items'], additionalProperties: false, properties: { items: itemsSchema } } as const;
const createBody = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: ['bloom', 'cuckoo'] },
    capacity: { type: 'integer', minimum: 1, description: 'bloom: default 100; cuckoo: default 1024' },
    error_rate: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'bloom only; default 0.01' },
    expansion: { type: 'integer', minimum: 0, description: 'bloom: default 2 (>= 1); cuckoo: default 1 (0 = never expands)' },
    nonscaling: { type: 'boolean', description: 'bloom only: never add sub-filters' },
    bucket_size: { type: 'integer', minimum: 1, maximum: 255, description: 'cuckoo only; default 2' },
    max_iterations: { type: 'integer', minimum: 1, maximum: 65535, description: 'cuckoo only; default 20' },
  },
} as const;
const nodeOut = { type: 'string' } as const;
const membershipResponse = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: { type: 'string' },
    items: { type: 'array', items: { type: 'object', properties: { item: { type: 'string' }, exists: { type: 'boolean' } } } },
    node: nodeOut,
  },
} as const;

/**
 * An error reply as an HTTP error. RedisBloom words some errors without a code ("Bad capacity",
 * "Filter is full"): those are the request's fault (400 COMMAND_ERROR), carried verbatim.
 */
function replyError(r: Reply | undefined): HttpError | null {
  if (r === undefined) return new HttpError(500, 'INTERNAL', 'missing reply');
  if (r.t !== 'error') return null;
  const err = fromReplyError(r.v);
  return err.code === 'INTERNAL' ? new HttpError(400, 'COMMAND_ERROR', r.v) : err;
}

function check(r: Reply | undefined): Reply {
  const err = replyError(r);
  if (err !== null) throw err;
  return r as Reply;
}

/** The filter kind of a TYPE reply; 404 when the key is missing, 409 WRONG_TYPE when it holds something else. */
function kindOf(r: Reply | undefined, name: string): FilterKind {
  const t = check(r);
  const type = t.t === 'simple' ? t.v : '';
  if (type === 'none') throw new HttpError(404, 'KEY_NOT_FOUND', `no such filter: ${keyToText(name)}`);
  const kind = KIND_BY_TYPE[type];
  if (kind === undefined) throw new HttpError(409, 'WRONG_TYPE', `the key holds a ${type}, not a filter`);
  return kind;
}

/** Flag replies (RESP3 booleans; 1/0 and -1 for an item a full Cuckoo filter refused) as booleans. */
const truthy = (r: Reply): boolean => (r.t === 'bool' ? r.v : r.t === 'int' && Number(r.v) === 1);

/** BF.INFO / CF.INFO (a map, or its flat name/value array under RESP2) as an object with snake_case names. */
function infoObject(r: Reply): Record<string, number | null> {
  const pairs: (readonly [Reply, Reply])[] = [];
  if (r.t === 'map') for (const p of r.v) pairs.push(p);
  else if (r.t === 'array') for (let i = 0; i + 1 < r.v.length; i += 2) pairs.push([r.v[i] as Reply, r.v[i + 1] as Reply]);
  const out: Record<string, number | null> = {};
  for (const [k, v] of pairs) {
    if (k.t !== 'simple' && k.t !== 'bulk') continue;
    out[k.v.toLowerCase().replace(/ /g, '_')] = v.t === 'int' ? Number(v.v) : null;
  }
  return out;
}

/** The RESERVE command of a create request; 400 for options of the other kind. */
export function reserveCommand(key: string, b: CreateBody): string[] {
  const other = (what: string): never => {
    throw new HttpError(400, 'VALIDATION', `${what} does not apply to a ${b.type} filter`);
  };
  if (b.type === 'bloom') {
    if (b.bucket_size !== undefined) other('bucket_size');
    if (b.max_iterations !== undefined) other('max_iterations');
    const argv = ['BF.RESERVE', key, String(b.error_rate ?? 0.01), String(b.capacity ?? 100)];
    if (b.expansion !== undefined) argv.push('EXPANSION', String(b.expansion));
    if (b.nonscaling === true) argv.push('NONSCALING');
    return argv;
  }
  if (b.error_rate !== undefined) other('error_rate');
  if (b.nonscaling !== undefined) other('nonscaling');
  const argv = ['CF.RESERVE', key, String(b.capacity ?? 1024)];
  if (b.bucket_size !== undefined) argv.push('BUCKETSIZE', String(b.bucket_size));
  if (b.max_iterations !== undefined) argv.push('MAXITERATIONS', String(b.max_iterations));
  if (b.expansion !== undefined) argv.push('EXPANSION', String(b.expansion));
  return argv;
}

export function registerFilterRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const { routing, clientOf } = ctx;
  const requireReady = (): void => {
    if (!ctx.ready()) throw new HttpError(503, 'NOT_READY', 'the node is starting or stopping');
  };
  /** Runs commands on the key's owner; answers with the replies and sets X-Served-By. */
  const runAt = async (reply: FastifyReply, key: string, commands: string[][]): Promise<readonly Reply[]> => {
    const s = await routing.forKey(clientOf(reply.request), key, commands);
    reply.header('x-served-by', s.servedBy);
    return s.replies;
  };
  /** TYPE first, then the command built for the filter's kind. */
  const typed = async (reply: FastifyReply, key: string, build: (k: FilterKind) => string[]): Promise<{ kind: FilterKind; r: Reply; node: string }> => {
    const [t] = await runAt(reply, key, [['TYPE', key]]);
    const kind = kindOf(t, key);
    const s = await routing.forKey(clientOf(reply.request), key, [build(kind)]);
    reply.header('x-served-by', s.servedBy);
    return { kind, r: check(s.replies[0]), node: s.servedBy };
  };
  const keyOf = (name: string): string => utf8ToBytes(name);

  app.put<{ Params: { name: string }; Body: CreateBody }>(
    `${PREFIX}:name`,
    { schema: { ...common, summary: 'Create a Bloom or Cuckoo filter (BF.RESERVE / CF.RESERVE); 409 when the key exists', body: createBody, response: ERROR_RESPONSES } },
    async (req, reply) => {
      requireReady();
      const key = keyOf(req.params.name);
      const argv = reserveCommand(key, req.body);
      const s = await routing.forKey(clientOf(req), key, [['TYPE', key], argv]);
      reply.header('x-served-by', s.servedBy);
      const t = check(s.replies[0]);
      if (t.t === 'simple' && t.v !== 'none') throw new HttpError(409, 'CONDITION_FAILED', `the key already exists (${t.v})`);
      check(s.replies[1]);
      return reply.code(201).send({ name: req.params.name, type: req.body.type, created: true, node: s.servedBy });
    },
  );

  app.post<{ Params: { name: string }; Body: ItemsBody }>(
    `${PREFIX}:name/items`,
    {
      schema: {
        ...common,
        summary: 'Add items (BF.INSERT / CF.INSERT NOCREATE): added[i] is false when the item was (probably) there already',
        description: '`full` is true when a non-scaling Bloom or a non-expanding Cuckoo filter refused items (those report added: false).',
        body: itemsBody,
        response: ERROR_RESPONSES,
      },
    },
    async (req, reply) => {
      requireReady();
      const key = keyOf(req.params.name);
      const items = req.body.items.map(utf8ToBytes);
      const { kind, r, node } = await typed(reply, key, (k) => [`${PREFIX_OF[k]}.INSERT`, key, 'NOCREATE', 'ITEMS', ...items]);
      const replies = r.t === 'array' ? r.v : [];
      const added = items.map((_, i) => (replies[i] !== undefined ? truthy(replies[i] as Reply) : false));
      const full = replies.some((x) => x.t === 'error' || (x.t === 'int' && Number(x.v) === -1)) || replies.length < items.length;
      return { name: req.params.name, type: kind, added, full, node };
    },
  );

  const exists = async (name: string, raw: string[], reply: FastifyReply): Promise<unknown> => {
    requireReady();
    if (raw.length === 0 || raw.length > MAX_FILTER_ITEMS) throw new HttpError(400, 'VALIDATION', `give 1 to ${MAX_FILTER_ITEMS} items`);
    const key = keyOf(name);
    const { kind, r, node } = await typed(reply, key, (k) => [`${PREFIX_OF[k]}.MEXISTS`, key, ...raw.map(utf8ToBytes)]);
    const replies = r.t === 'array' ? r.v : [];
    return { name, type: kind, items: raw.map((item, i) => ({ item, exists: replies[i] !== undefined && truthy(replies[i] as Reply) })), node };
  };

  app.get<{ Params: { name: string }; Querystring: { item?: string | string[] } }>(
    `${PREFIX}:name/items`,
    {
      schema: {
        ...common,
        summary: 'Check membership of one or many items: ?item=a&item=b (BF.MEXISTS / CF.MEXISTS)',
        querystring: { type: 'object', properties: { item: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } } },
        response: { 200: membershipResponse, ...ERROR_RESPONSES },
      },
    },
    (req, reply) => {
      const q = req.query.item;
      return exists(req.params.name, q === undefined ? [] : Array.isArray(q) ? q : [q], reply);
    },
  );

  app.post<{ Params: { name: string }; Body: ItemsBody }>(
    `${PREFIX}:name/exists`,
    { schema: { ...common, summary: 'Check membership of many items (body {"items": [...]})', body: itemsBody, response: { 200: membershipResponse, ...ERROR_RESPONSES } } },
    (req, reply) => exists(req.params.name, req.body.items, reply),
  );

  app.get<{ Params: { name: string } }>(
    `${PREFIX}:name`,
    { schema: { ...common, summary: 'Filter information (BF.INFO / CF.INFO), names in snake_case', response: ERROR_RESPONSES } },
    async (req, reply) => {
      requireReady();
      const key = keyOf(req.params.name);
      const { kind, r, node } = await typed(reply, key, (k) => [`${PREFIX_OF[k]}.INFO`, key]);
      return { name: req.params.name, type: kind, info: infoObject(r), node };
    },
  );

  app.delete<{ Params: { name: string } }>(
    `${PREFIX}:name`,
    { schema: { ...common, summary: 'Delete a filter (404 when missing, 409 when the key is not a filter)', response: ERROR_RESPONSES } },
    async (req, reply) => {
      requireReady();
      const key = keyOf(req.params.name);
      const [t] = await runAt(reply, key, [['TYPE', key]]);
      const kind = kindOf(t, key);
      const s = await routing.forKey(clientOf(req), key, [['DEL', key]]);
      check(s.replies[0]);
      return { name: req.params.name, type: kind, deleted: true, node: s.servedBy };
    },
  );
}
