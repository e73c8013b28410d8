import type { CommandSpec } from './spec.js';
export const connectionCommands: CommandSpec[] = [];
