// The house's structure rules hold on the repository itself: no import cycle, no oversized file or function.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkStructure, longFunctions } from './structure.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('structure', () => {
  it('has no import cycle, no internal/ file over 800 lines and no function over 120 lines', async () => {
    const violations = await checkStructure(root);
    expect(violations.map((v) => `${v.rule} ${v.where} ${v.detail}`)).toEqual([]);
  }, 60_000);

  it('reports a long function by name', () => {
    const found = longFunctions(root, ['scripts/structure/structure.ts'], 5).map((v) => v.where);
    expect(found.some((w) => w.endsWith(' longFunctions'))).toBe(true);
  });
});
