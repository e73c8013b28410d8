// GET /stats and GET /api/cache/stats (node summary from INFO, plus ops/s) and GET /metrics (Prometheus text).
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../context.js';
import { fromReplyError, HttpError } from '../errors.js';
import { ERROR_RESPONSES, statsResponse } from '../schemas.js';
import { hitRatio, parseInfo, parseKeyspaceLine } from '../stats.js';

export function registerStatsRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const { deps, runner, ops } = ctx;

  /**
   * One INFO through the executor, as `redis-cli info` would get it: the figures are the node's own
   * (one consistent snapshot), and persistence shows whatever fields INFO reports as they grow.
   */
  const stats = async (): Promise<Record<string, unknown>> => {
    const [reply] = await runner.local([['INFO']]);
    if (reply?.t === 'error') throw fromReplyError(reply.v);
    if (reply === undefined || (reply.t !== 'verbatim' && reply.t !== 'bulk')) throw new HttpError(500, 'INTERNAL', 'INFO gave no text');
    const info = parseInfo(reply.v);
    const section = (name: string): Map<string, string | number> => info.get(name) ?? new Map<string, string | number>();
    const num = (s: Map<string, string | number>, k: string): number => {
      const v = s.get(k);
      return typeof v === 'number' ? v : Number(v ?? 0) || 0;
    };
    const perDb: Record<string, number> = {};
    let total = 0;
    let expires = 0;
    for (const [db, line] of section('keyspace')) {
      const f = parseKeyspaceLine(String(line));
      perDb[db.replace(/^db/, '')] = f['keys'] ?? 0;
      total += f['keys'] ?? 0;
      expires += f['expires'] ?? 0;
    }
    const memory = section('memory');
    const st = section('stats');
    const hits = num(st, 'keyspace_hits');
    const misses = num(st, 'keyspace_misses');
    const commands = num(st, 'total_commands_processed');
    return {
      node: deps.nodeId,
      uptime_seconds: num(section('server'), 'uptime_in_seconds'),
      keys: { total, expires, per_db: perDb },
      memory: {
        used_bytes: num(memory, 'used_memory'),
        dataset_bytes: num(memory, 'used_memory_dataset'),
        rss_bytes: num(memory, 'used_memory_rss'),
        maxmemory_bytes: num(memory, 'maxmemory'),
        maxmemory_policy: String(memory.get('maxmemory_policy') ?? ''),
      },
      hits,
      misses,
      hit_ratio: hitRatio(hits, misses),
      ops_per_sec: Math.round(ops.rate(deps.now(), deps.commandsProcessed()) * 10) / 10,
      commands_processed: commands,
      connected_clients: num(section('clients'), 'connected_clients'),
      evicted_keys: num(st, 'evicted_keys'),
      expired_keys: num(st, 'expired_keys'),
      persistence: Object.fromEntries(section('persistence')),
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
