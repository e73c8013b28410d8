// Builds the node's ACL state from the config: requirepass as the default user's password (followed by CONFIG SET), the aclfile loaded at startup.
import { Acl, aclfilePath } from '../acl/acl.js';
import type { Clock } from '../clock/clock.js';
import type { ConfigRuntime } from '../config/runtime.js';
import type { CommandSpec } from '../contracts/command.js';
import type { Client } from '../server/client.js';
import type { ConfigSubscriptions } from './subscriptions.js';

export function createNodeAcl(runtime: ConfigRuntime, subs: ConfigSubscriptions, specs: readonly CommandSpec[], clock: Clock, clients: () => Iterable<Client>): Acl {
  const acl = new Acl(specs, {
    pubsubAll: () => runtime.str('redis.acl_pubsub_default') === 'allchannels',
    logMaxLen: () => runtime.num('redis.acllog_max_len'),
    aclfile: () => aclfilePath(runtime.str('dir'), runtime.str('redis.aclfile')),
    now: () => clock.now(),
    clients,
  });
  acl.setRequirepass(runtime.str('requirepass'));
  // CONFIG SET requirepass sets the default user's password, as Redis's updateRequirePass.
  subs.add({ part: 'acl', params: ['requirepass'], apply: (_p, v) => acl.setRequirepass(v as string) });
  if (acl.hasAclfile) {
    // Redis refuses to start on a broken aclfile; a missing one is an error too.
    const err = acl.load(null, runtime.str('redis.aclfile'));
    if (err !== null) throw new Error(`Aborting startup because of ACL errors: ${err}`);
  }
  return acl;
}
