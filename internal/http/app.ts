// buildHttpApp(deps): the node's Fastify app (never listens by itself); routes grow with the HTTP API issue.
import Fastify, { type FastifyInstance } from 'fastify';

export interface HttpDeps {
  nodeId: string;
  version: string;
  startedAt: number;
  now: () => number;
  /** Keys across all databases, for the health summary. */
  keys: () => number;
}

export function buildHttpApp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/health', async () => ({
    status: 'ok',
    node: deps.nodeId,
    version: deps.version,
    uptime_seconds: Math.floor((deps.now() - deps.startedAt) / 1000),
    keys: deps.keys(),
  }));
  return app;
}
