// The client-side caching contract: what CLIENT TRACKING and CLUSTER TRACK ask of the node's tracking, and what cluster routing tells it about keys read on other members.
import type { Client } from '../server/client.js';

/** A validated `CLIENT TRACKING ON ...` (the handler checked Redis's rules and their order). */
export interface TrackingOptions {
  /** TRACK_BCAST | TRACK_OPTIN | TRACK_OPTOUT | TRACK_NOLOOP (server/tracking.ts). */
  readonly flags: number;
  /** REDIRECT id, 0 for none. */
  readonly redirect: number;
  /** The client with that id (it exists now); null for none. */
  readonly redirectTo: Client | null;
  /** PREFIX arguments, in the order given (BCAST only). */
  readonly prefixes: readonly string[];
}

/** CLIENT TRACKING / CACHING state changes and CLUSTER TRACK, implemented by the executor's tracking. */
export interface TrackingControl {
  /** Redis's enableTracking: tracking on (again) with these options; BCAST prefixes add up. */
  enable(client: Client, o: TrackingOptions): void;
  /** Redis's disableTracking: off, prefixes dropped (keys it read are forgotten lazily). */
  disable(client: Client): void;
  /**
   * CLUSTER TRACK on a peer's forwarding link: the keys the next command on this link reads are
   * remembered for the link, and their invalidations are pushed on it (see docs/cluster.md).
   */
  trackNext(client: Client): void;
}

/** What cluster routing tells the tracking about reads it forwarded (routing/remote-tracking.ts). */
export interface RemoteTrackingHooks {
  /** Whether `client` running `spec` here would have its keys remembered (tracking on, default mode, OPTIN/OPTOUT allow it, a read). */
  tracksRead(client: Client, spec: { readonly flagBits: number }): boolean;
  /** `client` read `keys` from member `owner`, which remembered them for this node. */
  rememberRemote(client: Client, keys: readonly string[], owner: string): void;
  /**
   * Member `owner` says `keys` changed (null: everything read from it is void: its data was
   * flushed, or the link it would have told us on was lost): this node's readers are told.
   */
  invalidateRemote(keys: readonly string[] | null, owner: string): void;
  /** The ring changed: keys whose owner is no longer the member they were read from are invalidated. */
  ringChanged(ownerOf: (key: string) => string | null): void;
}
