// Strings family, shared by its files: reading the string at a key.
import type { CommandContext } from '../contracts/command.js';
import { asString } from './args.js';

/**
 * The string at `key` for commands Redis implements with lookupKeyRead (keyspace hits/misses are
 * counted); undefined when missing, WRONGTYPE for collections.
 */
export function readString(ctx: CommandContext, key: string): string | undefined {
  const e = ctx.store.read(ctx.db, key);
  return e === undefined ? undefined : asString(e.value);
}
