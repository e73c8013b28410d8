// HyperLogLog on string values in Redis's own HYLL representation: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.
import type { CommandSpec } from '../contracts/command.js';

export const hyperloglogCommands: CommandSpec[] = [];
