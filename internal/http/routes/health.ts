// GET /health (liveness) and GET /ready (readiness): public, never rate limited, cheap enough for tight probe loops.
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../context.js';
import { HttpError } from '../errors.js';
import { ERROR_RESPONSES, healthResponse, readyResponse } from '../schemas.js';

export function registerHealthRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const { deps } = ctx;
  const probe = { rateLimit: false } as const;

  app.get(
    '/health',
    {
      config: probe,
      schema: {
        tags: ['node'],
        summary: 'Liveness: 200 whenever the process serves HTTP',
        response: { 200: healthResponse },
      },
    },
    async () => ({
      status: 'ok',
      node: deps.nodeId,
      version: deps.version,
      uptime_seconds: Math.floor((deps.now() - deps.startedAt) / 1000),
      keys: deps.keys(),
    }),
  );

  app.get(
    '/ready',
    {
      config: probe,
      schema: {
        tags: ['node'],
        summary: 'Readiness: 200 once the node has started (and, in a cluster, the cluster lets it serve); 503 NOT_READY otherwise',
        response: { 200: readyResponse, ...ERROR_RESPONSES },
      },
    },
    async () => {
      if (!ctx.ready()) throw new HttpError(503, 'NOT_READY', 'the node is starting or stopping');
      return { status: 'ready', node: deps.nodeId };
    },
  );
}
