// Placeholder until the lists family lands (issue 3).
import type { CommandSpec } from './spec.js';
export const listCommands: CommandSpec[] = [];
