// HTTP requests as ACL users: `Authorization: Basic <user:pass>` picks the user a request's cache commands run as, checked against its permissions before they are routed.
import type { FastifyRequest } from 'fastify';
import type { KeyRouting } from '../contracts/cluster.js';
import type { AclApi, CommandSpec } from '../contracts/command.js';
import type { AclUser } from '../acl/user.js';
import { Client } from '../server/client.js';
import { fromReplyError } from './errors.js';

/** user:pass of a Basic Authorization header (RFC 7617), or null when the header is not Basic. */
export function basicCredentials(header: string | undefined): { user: string; pass: string } | null {
  if (header === undefined || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  return colon < 0 ? { user: decoded, pass: '' } : { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

/**
 * Which ACL user each request authenticated as (absent: the API's internal client, which may run
 * anything: no credentials and no http.auth_token, or the http.auth_token bearer).
 */
export class HttpUsers {
  private readonly byRequest = new WeakMap<FastifyRequest, AclUser>();
  private readonly clients = new WeakMap<AclUser, Client>();

  constructor(
    private readonly acl: AclApi | undefined,
    private readonly internal: Client,
    private readonly now: () => number,
  ) {}

  /** Basic credentials: true once verified (the request then runs as that user), false when wrong. */
  authenticate(req: FastifyRequest, user: string, pass: string): boolean {
    const acl = this.acl;
    if (acl === undefined || !acl.credentialsOk(user, pass)) return false;
    const u = acl.user(user);
    if (u === undefined) return false;
    this.byRequest.set(req, u);
    return true;
  }

  /** The client a request's commands run as: one per ACL user (CLIENT LIST never shows it), or the internal one. */
  clientOf(req: FastifyRequest): Client {
    const u = this.byRequest.get(req);
    if (u === undefined) return this.internal;
    let c = this.clients.get(u);
    if (c === undefined) {
      c = new Client(0, 'http', 'http', -1, this.now(), true, () => undefined);
      c.name = 'http-api';
      c.user = u;
      this.clients.set(u, c);
    }
    return c;
  }
}

/**
 * Key routing that checks a restricted user's commands on this node first, as the RESP path does
 * before forwarding: a refusal is a 403 (NOPERM, logged in ACL LOG), and nothing runs anywhere.
 */
export function aclCheckedRouting(routing: KeyRouting, acl: AclApi | undefined, lookup: (argv: readonly string[]) => CommandSpec | undefined): KeyRouting {
  if (acl === undefined) return routing;
  const check = (client: Client, commands: readonly string[][]): void => {
    if (client.user.free) return;
    for (const argv of commands) {
      const spec = lookup(argv);
      if (spec === undefined) continue;
      const refused = acl.refuse(client, spec, argv, false);
      if (refused !== null) throw fromReplyError(refused.line);
    }
  };
  return {
    ownerOf: (slot) => routing.ownerOf(slot),
    forKey: (client, key, commands) => {
      check(client, commands);
      return routing.forKey(client, key, commands);
    },
    forKeys: (client, keys, build) => {
      if (!client.user.free) {
        try {
          check(
            client,
            build(
              [...keys],
              keys.map((_k, i) => i),
            ),
          );
        } catch (e) {
          return Promise.reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
      return routing.forKeys(client, keys, build);
    },
  };
}
