// Every command family, in one list: the registry is built from this and nothing else.
import type { CommandSpec } from '../contracts/command.js';
import { clusterCommands } from './cluster.js';
import { connectionCommands } from './connection.js';
import { dumpCommands } from './dump.js';
import { functionCommands } from './functions.js';
import { hashCommands } from './hashes.js';
import { introspectionCommands } from './introspection.js';
import { keyspaceCommands } from './keyspace.js';
import { latencyCommands } from './latency.js';
import { listCommands } from './lists.js';
import { memoryCommands } from './memory.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { serverCommands } from './server.js';
import { setCommands } from './sets.js';
import { sortCommands } from './sort.js';
import { streamCommands } from './streams.js';
import { stringCommands } from './strings.js';
import { transactionCommands } from './transactions.js';
import { zsetCommands } from './zsets.js';
import { scriptingCommands } from './scripting.js';
import { aclCommands } from './acl.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { hashFieldExpiryCommands } from './hashes-ttl.js';
import { geoCommands } from './geo.js';
import { filterCommands } from './filters.js';
import { bitmapCommands } from './bitmaps.js';
import { replicationCommands } from './replication.js';

export const COMMAND_FAMILIES: readonly (readonly CommandSpec[])[] = [
  connectionCommands,
  serverCommands,
  introspectionCommands,
  stringCommands,
  keyspaceCommands,
  listCommands,
  hashCommands,
  setCommands,
  zsetCommands,
  streamCommands,
  sortCommands,
  transactionCommands,
  pubsubCommands,
  persistenceCommands,
  clusterCommands,
  dumpCommands,
  functionCommands,
  latencyCommands,
  memoryCommands,
  bitmapCommands,
  hyperloglogCommands,
  geoCommands,
  hashFieldExpiryCommands,
  filterCommands,
  scriptingCommands,
  aclCommands,
  replicationCommands,
];
