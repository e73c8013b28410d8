// JSON schemas of the HTTP API: request validation, response serialization and the OpenAPI document, from one source.
//
// Validation runs with additionalProperties enforced and no type coercion (see app.ts), so a body
// that does not match is a 400 VALIDATION error, never silently trimmed or converted.

/** Most keys (or items) a batch request may carry. */
export const MAX_BATCH = 1000;
/** Longest key, in characters, accepted in JSON bodies (URL keys are bounded by the header size limit). */
export const MAX_KEY_LENGTH = 8192;
/** 100 years: bounds TTLs far below anything that could overflow absolute millisecond expiry times. */
export const MAX_TTL_SECONDS = 100 * 365 * 24 * 3600;

export const ERROR_SCHEMA_ID = 'ErrorResponse';

/** Shared schemas, added with app.addSchema; OpenAPI shows them as components. */
export const SHARED_SCHEMAS = [
  {
    $id: ERROR_SCHEMA_ID,
    type: 'object',
    description: 'Every non-2xx answer of the API.',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', description: 'Stable error code (VALIDATION, UNAUTHORIZED, KEY_NOT_FOUND, ...).' },
          message: { type: 'string' },
        },
      },
    },
  },
] as const;

const errorRef = { $ref: `${ERROR_SCHEMA_ID}#` } as const;

/** Error responses every route may give, for the OpenAPI document and the serializer. */
export const ERROR_RESPONSES = { '4xx': errorRef, '5xx': errorRef } as const;

const keyText = { type: 'string', minLength: 1, maxLength: MAX_KEY_LENGTH } as const;
const jsonValue = {
  type: ['string', 'number', 'boolean', 'object', 'array'],
  description: 'A string is stored as its UTF-8 bytes; any other JSON value as its JSON text.',
} as const;
const ttlSeconds = { type: 'number', exclusiveMinimum: 0, maximum: MAX_TTL_SECONDS } as const;
const ttlHours = { type: 'number', exclusiveMinimum: 0, maximum: MAX_TTL_SECONDS / 3600 } as const;
const nodeId = { type: 'string', description: 'Id of the node that served the key (X-Served-By).' } as const;
const ttlOut = { type: ['integer', 'null'], description: 'Seconds to live, rounded as Redis TTL does; null when the key does not expire.' } as const;
const encoding = { type: 'string', enum: ['utf8', 'base64'], description: 'utf8 when the stored bytes are UTF-8 text, else base64 of the bytes.' } as const;

export const putJsonBody = {
  type: 'object',
  additionalProperties: false,
  required: ['value'],
  properties: {
    value: jsonValue,
    ttl_hours: ttlHours,
    ttl_seconds: ttlSeconds,
    nx: { type: 'boolean', description: 'Store only if the key does not exist (409 CONDITION_FAILED otherwise).' },
    xx: { type: 'boolean', description: 'Store only if the key exists (409 CONDITION_FAILED otherwise).' },
  },
} as const;

/** PUT options for octet-stream bodies, as query parameters (strings: validation does not coerce). */
export const putQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ttl_hours: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' },
    ttl_seconds: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' },
    nx: { type: 'string', enum: ['true', 'false'] },
    xx: { type: 'string', enum: ['true', 'false'] },
  },
} as const;

export const emptyQuery = { type: 'object', additionalProperties: false, properties: {} } as const;

export const putResponse = {
  type: 'object',
  required: ['key', 'stored', 'ttl_seconds', 'node'],
  properties: { key: { type: 'string' }, stored: { type: 'boolean' }, ttl_seconds: ttlOut, node: nodeId },
} as const;

export const getResponse = {
  type: 'object',
  required: ['key', 'value', 'encoding', 'ttl_seconds', 'node'],
  properties: { key: { type: 'string' }, value: { type: 'string' }, encoding, ttl_seconds: ttlOut, node: nodeId },
} as const;

export const deleteResponse = {
  type: 'object',
  required: ['key', 'deleted', 'node'],
  properties: { key: { type: 'string' }, deleted: { type: 'boolean' }, node: nodeId },
} as const;

export const batchGetBody = {
  type: 'object',
  additionalProperties: false,
  required: ['keys'],
  properties: { keys: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: keyText } },
} as const;

export const batchGetResponse = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      description: 'One entry per requested key, in request order.',
      items: {
        type: 'object',
        required: ['key', 'found', 'value', 'encoding', 'node'],
        properties: {
          key: { type: 'string' },
          found: { type: 'boolean' },
          value: { type: ['string', 'null'] },
          encoding: { type: ['string', 'null'], enum: ['utf8', 'base64', null] },
          node: nodeId,
        },
      },
    },
  },
} as const;

export const batchSetBody = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BATCH,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'value'],
        properties: { key: keyText, value: jsonValue, ttl_seconds: ttlSeconds },
      },
    },
  },
} as const;

export const batchSetResponse = {
  type: 'object',
  required: ['stored', 'nodes'],
  properties: {
    stored: { type: 'integer', description: 'Items stored.' },
    nodes: { type: 'array', items: { type: 'string' }, description: 'Nodes that stored a part of the batch.' },
  },
} as const;

const member = {
  type: 'object',
  required: ['id', 'resp', 'http', 'state', 'self'],
  properties: {
    id: { type: 'string' },
    resp: { type: 'string', description: 'RESP address host:port.' },
    http: { type: 'string', description: 'HTTP API address host:port.' },
    state: { type: 'string', enum: ['alive', 'suspect', 'dead'] },
    self: { type: 'boolean' },
  },
} as const;

export const membersResponse = {
  type: 'object',
  required: ['self', 'epoch', 'members'],
  properties: { self: { type: 'string' }, epoch: { type: 'integer' }, members: { type: 'array', items: member } },
} as const;

export const ringResponse = {
  type: 'object',
  required: ['slots', 'epoch', 'ranges'],
  properties: {
    slots: { type: 'integer', description: 'Number of hash slots (16384).' },
    epoch: { type: 'integer' },
    ranges: {
      type: 'array',
      items: {
        type: 'object',
        required: ['start', 'end', 'owner', 'replicas'],
        properties: { start: { type: 'integer' }, end: { type: 'integer' }, owner: { type: 'string' }, replicas: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
} as const;

export const ownerResponse = {
  type: 'object',
  required: ['key', 'slot', 'hash_tag', 'owner', 'replicas', 'local'],
  properties: {
    key: { type: 'string' },
    slot: { type: 'integer', description: 'CRC16(key or its {hash tag}) mod 16384, as Redis Cluster.' },
    hash_tag: { type: ['string', 'null'] },
    owner: member,
    replicas: { type: 'array', items: member },
    local: { type: 'boolean', description: 'This node owns the key.' },
  },
} as const;

export const healthResponse = {
  type: 'object',
  required: ['status', 'node', 'version', 'uptime_seconds', 'keys'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    node: { type: 'string' },
    version: { type: 'string' },
    uptime_seconds: { type: 'integer' },
    keys: { type: 'integer' },
  },
} as const;

export const readyResponse = {
  type: 'object',
  required: ['status', 'node'],
  properties: { status: { type: 'string', enum: ['ready'] }, node: { type: 'string' } },
} as const;

const scalarMap = { type: 'object', additionalProperties: { type: ['string', 'number'] } } as const;

export const statsResponse = {
  type: 'object',
  required: ['node', 'uptime_seconds', 'keys', 'memory', 'hits', 'misses', 'hit_ratio', 'ops_per_sec', 'commands_processed', 'connected_clients', 'persistence'],
  properties: {
    node: { type: 'string' },
    uptime_seconds: { type: 'integer' },
    keys: {
      type: 'object',
      required: ['total', 'expires', 'per_db'],
      properties: {
        total: { type: 'integer' },
        expires: { type: 'integer', description: 'Keys with a TTL.' },
        per_db: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Databases holding keys: "0": 12, ...' },
      },
    },
    memory: {
      type: 'object',
      required: ['used_bytes', 'dataset_bytes', 'rss_bytes', 'maxmemory_bytes', 'maxmemory_policy'],
      properties: {
        used_bytes: { type: 'integer' },
        dataset_bytes: { type: 'integer' },
        rss_bytes: { type: 'integer' },
        maxmemory_bytes: { type: 'integer' },
        maxmemory_policy: { type: 'string' },
      },
    },
    hits: { type: 'integer' },
    misses: { type: 'integer' },
    hit_ratio: { type: ['number', 'null'], description: 'hits / (hits + misses); null before any lookup.' },
    ops_per_sec: { type: 'number', description: 'Commands per second over the last ~5 s.' },
    commands_processed: { type: 'integer' },
    connected_clients: { type: 'integer', description: 'RESP connections.' },
    evicted_keys: { type: 'integer' },
    expired_keys: { type: 'integer' },
    persistence: { ...scalarMap, description: 'INFO persistence fields as reported by the node (loading, aof_enabled, rdb_last_bgsave_status, ...).' },
  },
} as const;
