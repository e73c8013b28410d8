// Placeholder until the hashes family lands (issue 3).
import type { CommandSpec } from './spec.js';
export const hashCommands: CommandSpec[] = [];
