// Placeholder until the sets family lands (issue 3).
import type { CommandSpec } from './spec.js';
export const setCommands: CommandSpec[] = [];
