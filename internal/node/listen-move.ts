// CONFIG SET port / bind at run time: the RESP listener moves (bound first, committed with the rest of the CONFIG SET, rolled back with it).
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ConfigRuntime, Prepared, Preparer } from '../config/runtime.js';
import { CommandError } from '../contracts/errors.js';
import type { Rebound } from '../server/resp-server.js';

export interface MoveDeps {
  readonly runtime: ConfigRuntime;
  readonly log: Logger;
  /** Binds the new plain listener beside the current one (RespServer.rebind). */
  rebind(port: number, host: string, samePort: boolean): Promise<Rebound>;
  /** The plain RESP port bound now; 0 when plain TCP is off (only a tls-port). */
  tcpPort(): number;
  /**
   * The listener moved to `address`: the node's announced addresses follow (INFO tcp_port, CLUSTER
   * SLOTS/NODES) and gossip re-announces them to every peer at a new incarnation.
   */
  moved(address: AddressInfo): void;
}

function refused(arg: string, reason: string): CommandError {
  return new CommandError('ERR', `CONFIG SET failed (possibly related to argument '${arg}') - ${reason}`);
}

/**
 * Binding is asynchronous in Node and can fail (port in use, address not ours), so the move is a
 * Preparer: the new listener is bound while the old one keeps accepting, before any value of the
 * CONFIG SET commits; a failure answers Redis's error and leaves every value and the old listener
 * as they were. Once the rest of the CONFIG SET applied, the old listener closes; clients already
 * connected stay connected, as in Redis (changeListenPort closes only the listening sockets).
 */
export function listenerMover(d: MoveDeps): Preparer {
  return {
    paths: ['port', 'bind'],
    prepare: async (next): Promise<Prepared> => {
      const port = next('port') as number;
      const host = next('bind') as string;
      const portChanged = port !== d.runtime.num('port');
      const arg = portChanged ? 'port' : 'bind';
      // ringcache keeps its plain listener: port 0 (Redis: stop listening on TCP) and a node serving
      // only TLS (no plain listener to move) are refused rather than leaving a node unreachable.
      if (port === 0) throw refused('port', 'Unable to listen on this port. ringcache does not turn its plain RESP listener off at run time');
      if (d.tcpPort() === 0) throw refused(arg, 'Unable to listen on this port. Plain TCP is off (tls-port only); restart with a port');
      let rebound: Rebound;
      try {
        rebound = await d.rebind(port, host, !portChanged);
      } catch (e) {
        // Redis's updatePort / updateBind wording; the system's reason goes to the log, as Redis's does.
        d.log.warn({ component: 'resp', port, bind: host, err: (e as Error).message }, 'Could not move the RESP listener');
        throw refused(arg, portChanged ? 'Unable to listen on this port. Check server logs.' : 'Failed to bind to specified addresses.');
      }
      return {
        commit: () => {
          rebound.commit();
          d.moved(rebound.address);
        },
        abort: () => rebound.abort(),
      };
    },
  };
}
