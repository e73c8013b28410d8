// Probabilistic filters as RedisBloom names them: Cuckoo (CF.*) and scalable Bloom (BF.*) filters as a key type.
import type { CommandSpec } from '../contracts/command.js';

export const filterCommands: CommandSpec[] = [];
