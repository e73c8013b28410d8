// Bitmaps and bitfields on string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
import type { CommandSpec } from '../contracts/command.js';

export const bitmapCommands: CommandSpec[] = [];
