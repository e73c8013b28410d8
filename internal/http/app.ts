// buildHttpApp(deps): the node's Fastify app (never listens by itself): plugins, hooks, error mapping, and every route.
//
// Scopes (Fastify encapsulation), in registration order:
//   root       error handler, 404 handler, content parsers, request ids, request metrics, OpenAPI, rate limit
//   public     /health, /ready (never rate limited, never need the token), /docs (Swagger UI, bundled assets)
//   protected  the bearer-token check (when http.auth_token is set), then /api/*, /stats, /metrics
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifySchema } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { ClusterMember } from '../contracts/cluster.js';
import { localKeyRouting, standaloneCluster } from '../routing/key-routing.js';
import { Client } from '../server/client.js';
import { clientErrorHandler, MethodTable } from './client-errors.js';
import { aclCheckedRouting, basicCredentials, HttpUsers } from './acl-auth.js';
import type { CommandSpec } from '../contracts/command.js';
import { specForArgv } from '../commands/spec.js';
import { HttpError, toHttpError } from './errors.js';
import { parseJsonBody } from './json-body.js';
import { DEFAULT_HTTP_SETTINGS, type HttpContext, type HttpDeps, type HttpSettings } from './context.js';
import { registerCacheRoutes } from './routes/cache.js';
import { registerClusterRoutes } from './routes/cluster.js';
import { registerFilterRoutes } from './routes/filters.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerStatsRoutes } from './routes/stats.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { RateWindow } from './stats.js';

/** pino's level numbers: a line is written when its level is at or above the logger's. */
const LEVEL_VALUES: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** Constant-time comparison of the Authorization header with `Bearer <token>` (hashes hide the length too). */
function bearerMatches(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header), digest(`Bearer ${token}`));
}

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** This node as a member, from its advertised addresses (host:port strings). */
function selfAsMember(deps: HttpDeps): ClusterMember {
  const { resp, http } = deps.addresses();
  const port = (hp: string): number => Number(hp.slice(hp.lastIndexOf(':') + 1)) || 0;
  return { id: deps.nodeId, host: resp.slice(0, resp.lastIndexOf(':')), respPort: port(resp), httpPort: port(http), gossipPort: 0, state: 'alive', self: true };
}

export function buildHttpApp(deps: HttpDeps): FastifyInstance {
  const settings = deps.settings ?? DEFAULT_HTTP_SETTINGS;
  const app = createFastify(deps, settings);
  // This node as a member; its addresses are final once the listener is bound, so it is built
  // once and again after listen (onListen), not per request.
  let selfMember: ClusterMember | null = null;
  const self = (): ClusterMember => (selfMember ??= selfAsMember(deps));
  app.addHook('onListen', (done) => {
    selfMember = null;
    done();
  });
  const cluster = deps.cluster ?? standaloneCluster(self);
  const lookup = deps.lookupCommand;
  const specOf = (argv: readonly string[]): CommandSpec | undefined => (lookup === undefined ? undefined : specForArgv(lookup, argv));
  // A restricted ACL user's commands are checked here, before routing sends them to their owner.
  const routing = aclCheckedRouting(deps.routing ?? localKeyRouting((c, argv) => deps.executor.execute(c, argv), self), deps.acl, specOf);
  const client = new Client(0, 'http', 'http', -1, deps.now(), true, () => undefined);
  client.name = 'http-api';
  const ops = new RateWindow();
  const users = new HttpUsers(deps.acl, client, deps.now);
  const ctx: HttpContext = { deps, cluster, routing, client, clientOf: (req) => users.clientOf(req), users, ops, ready: () => deps.ready() && cluster.ok() };

  installErrorHandling(app);
  installRequestLog(app, deps);
  installOpsSampler(app, deps, ops);
  registerOpenApi(app, deps);
  registerScopes(app, ctx, settings);
  return app;
}

/** The Fastify instance with the API's parsing, validation, logging and timeout rules. */
function createFastify(deps: HttpDeps, settings: HttpSettings): FastifyInstance {
  let requestSeq = 0;
  // The app's logger, once the app exists (a client error can only happen after listen).
  let logger: FastifyBaseLogger | null = null;
  const app = Fastify<Server, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    ...(deps.log ? { loggerInstance: deps.log } : { logger: false }),
    // Fastify's own per-request lines (two at info) are off: the onResponse hook below writes one
    // line per request at debug. And no child logger per request: pino's child() serializes its
    // bindings (through the node logger's redaction) every time, a measurable part of a cache
    // request even when nothing is logged, so lines carry `reqId` explicitly instead.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger) => logger,
    bodyLimit: settings.bodyLimit,
    requestTimeout: settings.requestTimeoutMs,
    // Fastify's own 503 while closing has its shape, not the API's: the onRequest hook below answers instead.
    return503OnClosing: false,
    // Parse errors, timeouts and oversized headers (Node's clientError) in the API's error shape.
    clientErrorHandler: clientErrorHandler(() => logger),
    // Filter names are URL parameters; a long one is a name, not a missing route (the header size bounds it).
    routerOptions: { maxParamLength: 16 * 1024 },
    trustProxy: settings.trustProxy,
    // HTTPS without a certificate yet: the node sets the TLS one before listening (and again on reload).
    ...(settings.tls === true ? { serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => createHttpsServer({}, handler) as unknown as Server } : {}),
    // A caller's X-Request-Id becomes the request id in the logs (so they correlate across
    // services) when it is short and plain; otherwise the node numbers its own.
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : `${deps.nodeId}-${(++requestSeq).toString(36)}`;
    },
    // Strict validation: additionalProperties false refuses unknown fields instead of dropping
    // them, and nothing is coerced ("60" is not a number, null is not ""), so a malformed
    // request is a 400, never silently changed.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allowUnionTypes: true } },
    // The router refuses paths whose %-escapes do not decode to UTF-8 before any handler runs:
    // answer in the API's error shape (400 VALIDATION) rather than Fastify's own.
    frameworkErrors: (err, _req, reply) => {
      const e = toHttpError(err);
      // The option's reply type is generic over a route that does not exist yet; it is a plain reply.
      void (reply as unknown as FastifyReply).code(e.statusCode).send(e.body());
    },
  });
  logger = app.log;
  const requestTimeout = settings.requestTimeoutMs;
  app.server.headersTimeout = requestTimeout > 0 ? Math.min(settings.headersTimeoutMs, requestTimeout) : settings.headersTimeoutMs;
  // Node checks both timeouts only every connectionsCheckingInterval (30 s by default, read when
  // the server starts listening), so a 10 s headers timeout fired after up to 40 s. Set on the
  // server, not as a createServer option, so it holds whatever server (HTTP or HTTPS) Fastify wraps.
  (app.server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = checkingInterval(settings);

  return app;
}

/** How often Node looks for connections past the headers or request timeout (ms): a tenth of the shorter one, 50 ms to 1 s. */
export function checkingInterval(settings: Pick<HttpSettings, 'headersTimeoutMs' | 'requestTimeoutMs'>): number {
  const shortest = settings.requestTimeoutMs > 0 ? Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs) : settings.headersTimeoutMs;
  return Math.max(50, Math.min(1000, Math.floor(shortest / 10)));
}

/** Shared schemas, body parsers, and errors in the API's JSON shape (404, 405 included). */
function installErrorHandling(app: FastifyInstance): void {
  for (const s of SHARED_SCHEMAS) app.addSchema(s);
  // Requests that still arrive on open keep-alive connections while the app closes: 503 NOT_READY.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_req, _reply, done) => done(closing ? new HttpError(503, 'NOT_READY', 'the node is shutting down') : undefined));
  // Every route's methods, to answer 405 (with Allow) rather than 404 for a path that exists.
  const methods = new MethodTable();
  app.addHook('onRoute', (route) => methods.add(route));

  // JSON bodies: nesting bounded before parsing, `__proto__` kept as an ordinary key (json-body.ts).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  // Raw bytes for octet-stream bodies (bodyLimit applies); text/plain is not an accepted value
  // format (415), so a value's bytes are never guessed from a charset.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err, req, reply) => {
    const e = toHttpError(err);
    if (e.statusCode >= 500 && e.code === 'INTERNAL') req.log.error({ reqId: req.id, err }, 'request failed');
    if (e.statusCode === 401) void reply.header('www-authenticate', 'Bearer');
    // Keep the rate limiter's Retry-After and X-RateLimit-* headers; JSON regardless of Accept.
    return reply.code(e.statusCode).type('application/json; charset=utf-8').send(e.body());
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const allowed = methods.allowed(path);
    if (allowed.length > 0 && !allowed.includes(req.method)) {
      const e = new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`);
      return reply.code(405).header('allow', allowed.join(', ')).send(e.body());
    }
    const e = new HttpError(404, 'NOT_FOUND', `no route ${req.method} ${path}`);
    return reply.code(404).send(e.body());
  });
}

/** One hook per finished request: the duration histogram, and the request's log line. */
function installRequestLog(app: FastifyInstance, deps: HttpDeps): void {
  // One hook per finished request: the duration histogram, and the request's log line (debug; error
  // for 5xx, whose error the error handler logged with its stack). Values are never logged.
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const ms = reply.elapsedTime;
    deps.metrics.observeHttp(req.method, route, reply.statusCode, ms / 1000);
    const failed = reply.statusCode >= 500;
    if (failed || (LEVEL_VALUES[req.log.level] ?? 0) <= (LEVEL_VALUES['debug'] as number)) {
      const fields = { reqId: req.id, method: req.method, url: req.url, route, statusCode: reply.statusCode, responseTime: ms };
      if (failed) req.log.error(fields, 'request failed');
      else req.log.debug(fields, 'request completed');
    }
    done();
  });
}

/** ops/s: samples the command total about once a second while the app is up. */
function installOpsSampler(app: FastifyInstance, deps: HttpDeps, ops: RateWindow): void {
  let sampler: NodeJS.Timeout | null = null;
  app.addHook('onReady', (done) => {
    ops.sample(deps.now(), deps.commandsProcessed());
    sampler = setInterval(() => ops.sample(deps.now(), deps.commandsProcessed()), deps.opsSampleMs ?? 1000);
    sampler.unref();
    done();
  });
  app.addHook('onClose', (_app, done) => {
    if (sampler) clearInterval(sampler);
    done();
  });
}

/** The OpenAPI document (served by /docs). */
function registerOpenApi(app: FastifyInstance, deps: HttpDeps): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ringcache HTTP API',
        description: 'The cache over REST: the same keys and bytes as RESP. Errors are `{"error":{"code","message"}}`.',
        version: deps.version,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'http.auth_token, when set' }, basic: { type: 'http', scheme: 'basic', description: 'an ACL user and its password: cache and filter commands run as that user' } } },
      tags: [
        { name: 'cache', description: 'Keys and values' },
        { name: 'filters', description: 'Bloom and Cuckoo filters (RedisBloom-compatible BF.* / CF.*)' },
        { name: 'cluster', description: 'Members, ring and key owners' },
        { name: 'node', description: 'Health, readiness, stats and metrics' },
      ],
    },
    // Shared schemas keep their $id as the component name (ErrorResponse), not def-0.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url }) => documentWildcard(schema, url),
  });
}

/**
 * Route scopes: public (/health, /ready, /docs), the rate limit, then the protected scope (bearer
 * token) with /stats, /metrics, /api/cluster and, in their own scope, the cache routes.
 */
function registerScopes(app: FastifyInstance, ctx: HttpContext, settings: HttpSettings): void {
  app.register(async (pub) => {
    registerHealthRoutes(pub, ctx);
    // Swagger UI's assets ship inside @fastify/swagger-ui and are served from here: /docs works offline.
    await pub.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  });
  if (settings.rateLimit > 0) {
    // Registered before the protected scope so its per-route onRequest hook runs before the token
    // check (preParsing): guessing tokens is rate limited too.
    app.register(rateLimit, {
      global: true,
      max: settings.rateLimit,
      timeWindow: 1000,
      errorResponseBuilder: (_req, c) => new HttpError(c.statusCode === 403 ? 403 : 429, 'RATE_LIMITED', `rate limit of ${c.max} requests per second exceeded; retry in ${c.after}`),
    });
  }
  app.register(async (api) => {
    const auth = (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void => {
      // Basic credentials: the request runs as that ACL user, whatever http.auth_token says.
      const basic = basicCredentials(req.headers.authorization);
      if (basic !== null) {
        done(ctx.users.authenticate(req, basic.user, basic.pass) ? undefined : new HttpError(401, 'UNAUTHORIZED', 'invalid username-password pair or user is disabled'));
        return;
      }
      const token = settings.authToken();
      done(token !== '' && !bearerMatches(req.headers.authorization, token) ? new HttpError(401, 'UNAUTHORIZED', 'missing or wrong bearer token') : undefined);
    };
    // The token check is each route's last onRequest hook: after the rate limiter's (its onRoute
    // hook, registered earlier, adds it first), so guessing tokens is rate limited too, and
    // before the body is read or anything runs.
    api.addHook('onRoute', (route) => {
      const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
      route.onRequest = [...own, auth];
    });
    registerStatsRoutes(api, ctx);
    registerClusterRoutes(api, ctx);
    // Its own scope: the cache routes' readiness hook must not reach /stats or /api/cluster.
    await api.register(async (cache) => registerCacheRoutes(cache, ctx));
    await api.register(async (filters) => registerFilterRoutes(filters, ctx));
  });
}

/**
 * OpenAPI view of a wildcard route: `/api/cache/*` is documented as `/api/cache/{key}` (the
 * wildcard exists only so keys may contain slashes), and octet-stream bodies as binary.
 */
function documentWildcard(schema: FastifySchema, url: string): { schema: FastifySchema; url: string } {
  const out: FastifySchema = { ...schema };
  const body = out.body as { content?: Record<string, { schema: unknown }> } | undefined;
  if (body?.content?.['application/octet-stream']) {
    out.body = { ...body, content: { ...body.content, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } };
  }
  if (!url.endsWith('/*')) return { schema: out, url };
  out.params = {
    type: 'object',
    required: ['key'],
    properties: { key: { type: 'string', description: 'The key, URL-encoded (a slash is %2F; unicode is UTF-8 percent-encoded).' } },
  };
  return { schema: out, url: `${url.slice(0, -1)}:key` };
}
