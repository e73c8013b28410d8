// GET /stats and GET /api/cache/stats (node summary from the NodeFigures snapshot, plus ops/s) and GET /metrics (Prometheus text).
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../context.js';
import { ERROR_RESPONSES, statsResponse } from '../schemas.js';
import { hitRatio } from '../stats.js';

export function registerStatsRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const { deps, ops } = ctx;

  /** The node's figures snapshot, the one INFO and /metrics read, in the API's JSON shape. */
  const stats = (): Record<string, unknown> => {
    const f = deps.figures();
    const perDb: Record<string, number> = {};
    let total = 0;
    let expires = 0;
    for (const d of f.keyspace) {
      if (d.keys === 0) continue;
      perDb[String(d.db)] = d.keys;
      total += d.keys;
      expires += d.expires;
    }
    const { hits, misses } = f.stats;
    return {
      node: deps.nodeId,
      uptime_seconds: f.uptimeSeconds,
      keys: { total, expires, per_db: perDb },
      memory: {
        used_bytes: f.memory.used,
        dataset_bytes: f.memory.dataset,
        rss_bytes: f.memory.rss,
        maxmemory_bytes: f.memory.maxmemory,
        maxmemory_policy: f.memory.policy,
      },
      hits,
      misses,
      hit_ratio: hitRatio(hits, misses),
      ops_per_sec: Math.round(ops.rate(deps.now(), deps.commandsProcessed()) * 10) / 10,
      commands_processed: f.stats.commandsProcessed,
      connected_clients: f.clients.connected,
      evicted_keys: f.stats.evictedKeys,
      expired_keys: f.stats.expiredKeys,
      // INFO persistence's fields as INFO words them, numbers as numbers.
      persistence: Object.fromEntries(f.persistenceInfo.map(([k, v]) => [k, typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])),
    };
  };

  for (const url of ['/stats', '/api/cache/stats']) {
    app.get(
      url,
      {
        schema: {
          tags: ['node'],
          summary: 'Keys, memory, hits/misses, ops/s, clients and persistence status of this node',
          description: url === '/api/cache/stats' ? 'Same as GET /stats. (A key literally named "stats" is read with POST /api/cache/_batch/get or over RESP.)' : undefined,
          security: [{ bearer: [] }],
          response: { 200: statsResponse, ...ERROR_RESPONSES },
        },
      },
      stats,
    );
  }

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['node'],
        summary: 'Prometheus metrics (text exposition format) from this node’s own registry',
        security: [{ bearer: [] }],
        produces: ['text/plain'],
      },
    },
    async (_req, reply) => {
      const { contentType, body } = await deps.metrics.scrape();
      return reply.type(contentType).send(body);
    },
  );
}
