import type { CommandSpec } from './spec.js';
export const keyspaceCommands: CommandSpec[] = [];
