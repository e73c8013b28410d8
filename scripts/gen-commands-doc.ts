// Writes docs/commands.md from the command table.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMAND_FAMILIES } from '../internal/commands/index.js';
import { renderCommandReference } from '../internal/commands/reference.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const target = path.join(root, 'docs/commands.md');
writeFileSync(target, renderCommandReference(COMMAND_FAMILIES.flat()) + '\n');
process.stdout.write(`wrote ${path.relative(root, target)}\n`);
