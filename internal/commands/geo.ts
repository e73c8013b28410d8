// Geo commands on sorted sets with Redis's 52-bit interleaved geohash scores: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH and friends.
import type { CommandSpec } from '../contracts/command.js';

export const geoCommands: CommandSpec[] = [];
