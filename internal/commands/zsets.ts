// Placeholder until the zsets family lands (issue 3).
import type { CommandSpec } from './spec.js';
export const zsetCommands: CommandSpec[] = [];
