// GET /api/cluster/members, /api/cluster/ring and /api/cluster/owner/<key>: membership and slot ownership as this node sees them.
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../context.js';
import type { ClusterMember } from '../../contracts/cluster.js';
import { HttpError } from '../errors.js';
import { hashTag, keyHashSlot, SLOT_COUNT } from '../../ring/slot.js';
import { keyFromUrl, keyToText } from '../values.js';
import { emptyQuery, ERROR_RESPONSES, membersResponse, ownerResponse, ringResponse } from '../schemas.js';

const OWNER_PREFIX = '/api/cluster/owner/';

export function registerClusterRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const { cluster } = ctx;
  // The API's member shape: addresses as host:port, and a member that left shown as dead.
  const show = (m: ClusterMember): { id: string; resp: string; http: string; state: 'alive' | 'suspect' | 'dead'; self: boolean } => ({
    id: m.id,
    resp: `${m.host}:${m.respPort}`,
    http: `${m.host}:${m.httpPort}`,
    state: m.state === 'left' ? 'dead' : m.state,
    self: m.self,
  });
  const common = { tags: ['cluster'], security: [{ bearer: [] }] };

  app.get(
    '/api/cluster/members',
    { schema: { ...common, summary: 'Cluster members: id, RESP and HTTP addresses, state, slots owned', response: { 200: membersResponse, ...ERROR_RESPONSES } } },
    async () => ({ self: cluster.selfId, epoch: cluster.epoch(), members: cluster.members().map(show) }),
  );

  app.get(
    '/api/cluster/ring',
    { schema: { ...common, summary: 'Slot ranges and their owners', response: { 200: ringResponse, ...ERROR_RESPONSES } } },
    async () => ({ slots: SLOT_COUNT, epoch: cluster.epoch(), ranges: cluster.ranges() }),
  );

  app.get(
    `${OWNER_PREFIX}*`,
    {
      schema: {
        ...common,
        summary: 'Hash slot and owner of a key (CRC16 of the key or its {hash tag}, mod 16384)',
        querystring: emptyQuery,
        response: { 200: ownerResponse, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const key = keyFromUrl(req.url, OWNER_PREFIX);
      if (key === null || key === '') throw new HttpError(400, 'VALIDATION', 'the key must be non-empty and correctly URL-encoded');
      const slot = keyHashSlot(key);
      const { owner, replicas } = ctx.routing.ownerOf(slot);
      const tag = hashTag(key);
      return {
        key: keyToText(key),
        slot,
        hash_tag: tag === null ? null : keyToText(tag),
        owner: show(owner),
        replicas: replicas.map(show),
        local: owner.self,
      };
    },
  );
}
