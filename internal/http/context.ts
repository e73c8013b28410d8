// What the HTTP app is built from (HttpDeps, HttpSettings) and what its route modules share (HttpContext).
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { AclApi, CommandSpec } from '../contracts/command.js';
import type { HttpUsers } from './acl-auth.js';
import type { NodeFigures } from '../contracts/figures.js';
import type { NodeMetrics } from '../observability/metrics.js';
import type { ClusterApi, KeyRouting } from '../contracts/cluster.js';
import type { Executor } from '../executor/executor.js';
import type { Client } from '../server/client.js';
import type { RateWindow } from './stats.js';

/** HTTP settings from the config (`http.*`). */
export interface HttpSettings {
  /** Read per request, so CONFIG SET http-auth-token takes effect at once; empty = no auth. */
  authToken: () => string;
  bodyLimit: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** Requests per second per client IP; 0 = no limit. */
  rateLimit: number;
  trustProxy: boolean;
  /** http.tls: an HTTPS server, its certificate set by the node (setSecureContext) before it listens. */
  tls?: boolean;
}

export const DEFAULT_HTTP_SETTINGS: HttpSettings = {
  authToken: () => '',
  bodyLimit: 1024 * 1024,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  rateLimit: 0,
  trustProxy: false,
};

/** The Executor surface the HTTP API uses (only to run a lone node's commands when no KeyRouting is given). */
export type CommandExecutor = Pick<Executor, 'execute'>;

export interface HttpDeps {
  nodeId: string;
  version: string;
  startedAt: number;
  now: () => number;
  /** Keys across all databases, for the health summary. */
  keys: () => number;
  /** Cache operations run here, as an internal client. */
  executor: CommandExecutor;
  /** The node's running total of commands (ops/s is computed from it). */
  commandsProcessed: () => number;
  /** The node finished starting (loading data, binding listeners) and is not stopping. */
  ready: () => boolean;
  metrics: NodeMetrics;
  /** The node's figures (GET /stats): the snapshot INFO and /metrics read too. */
  figures: () => NodeFigures;
  /** This node's advertised addresses, host:port. */
  addresses: () => { resp: string; http: string };
  settings?: HttpSettings;
  /** Fastify's logger (request logs carry request ids); none = silent. */
  log?: FastifyBaseLogger;
  /** Membership and ring; default: this node alone, owning every slot. */
  cluster?: ClusterApi;
  /** Runs cache commands where their keys live (routing/); default: this node alone runs every key. */
  routing?: KeyRouting;
  /** ACL users for Basic credentials and the permission check of their commands; absent: Basic is refused. */
  acl?: AclApi;
  /** The spec of a command name (ServerApi.lookupCommand), for that check. */
  lookupCommand?: (name: string) => CommandSpec | undefined;
  /** How often ops/s is sampled (ms); tests shorten it. */
  opsSampleMs?: number;
}

/** What route modules share. */
export interface HttpContext {
  readonly deps: HttpDeps;
  readonly cluster: ClusterApi;
  readonly routing: KeyRouting;
  /** The HTTP API's internal client: authenticated, db 0, never listed by CLIENT LIST. */
  readonly client: Client;
  /** The client a request's cache commands run as: its ACL user's (Basic credentials) or `client`. */
  clientOf(req: FastifyRequest): Client;
  readonly users: HttpUsers;
  readonly ops: RateWindow;
  /** Node started and the cluster agrees: cache routes answer 503 NOT_READY otherwise. */
  ready(): boolean;
}
