// Hash-field expiration (Redis 7.4): HEXPIRE and friends, HTTL/HPTTL/HEXPIRETIME, HPERSIST, HGETEX, HSETEX, HGETDEL.
import type { CommandSpec } from '../contracts/command.js';

export const hashFieldExpiryCommands: CommandSpec[] = [];
