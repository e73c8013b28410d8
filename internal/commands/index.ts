// Every command family, in one list: the registry is built from this and nothing else.
import type { CommandSpec } from './spec.js';
import { connectionCommands } from './connection.js';
import { keyspaceCommands } from './keyspace.js';
import { serverCommands } from './server.js';
import { stringCommands } from './strings.js';

export const COMMAND_FAMILIES: readonly (readonly CommandSpec[])[] = [
  connectionCommands,
  serverCommands,
  stringCommands,
  keyspaceCommands,
];
