// The benchmark's baseline: a bare Fastify server keeping values in a Map, with ringcache's URL and JSON shapes and nothing else.
//
// Usage: node dist/scripts/bench/bare-http-server.js --port N   (prints "listening <port>" when ready)
import Fastify from 'fastify';

interface PutBody {
  value?: unknown;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--port');
  const port = i >= 0 ? Number(process.argv[i + 1]) : 0;
  const map = new Map<string, string>();
  const app = Fastify({ logger: false });

  app.put<{ Params: { key: string }; Body: PutBody }>('/api/cache/:key', async (req) => {
    const v = req.body.value;
    map.set(req.params.key, typeof v === 'string' ? v : JSON.stringify(v));
    return { key: req.params.key, stored: true, ttl_seconds: null, node: 'bare' };
  });
  app.get<{ Params: { key: string } }>('/api/cache/:key', async (req, reply) => {
    const value = map.get(req.params.key);
    if (value === undefined) return reply.code(404).send({ error: { code: 'KEY_NOT_FOUND', message: 'no such key' } });
    return { key: req.params.key, value, encoding: 'utf8', ttl_seconds: null, node: 'bare' };
  });

  await app.listen({ port, host: '127.0.0.1' });
  const addr = app.server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : port}\n`);
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`bare-http-server: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
