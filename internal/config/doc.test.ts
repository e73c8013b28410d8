// docs/configuration.md is generated from the schema: every parameter documented, and the file up to date.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configurationDoc } from './doc.js';
import { PARAMS, redisName } from './schema.js';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/configuration.md');

describe('docs/configuration.md', () => {
  it('documents every parameter, by its CONFIG name and YAML key, with a description', () => {
    const text = configurationDoc();
    for (const p of PARAMS) {
      expect(p.doc.trim(), p.path).not.toBe('');
      expect(text, p.path).toContain(`| \`${redisName(p)}\``);
      expect(text, p.path).toContain(`| \`${p.path}\` |`);
      for (const a of p.aliases ?? []) expect(text, a).toContain(`\`${a}\``);
    }
  });

  it('lists the parameters marked effect: none as accepted with no effect, the others as used', () => {
    // Only the redis section holds no-effect parameters; one that gains an effect drops the mark and keeps its key.
    for (const p of PARAMS) if (p.effect === 'none') expect(p.path, p.path).toMatch(/^redis\./);
    const [own, compat] = configurationDoc().split('## Redis parameters accepted with no effect') as [string, string];
    for (const p of PARAMS) {
      const line = `| \`${p.path}\` |`;
      if (p.effect === 'none') {
        expect(compat, p.path).toContain(line);
        expect(compat.split('\n').find((l) => l.includes(line)), p.path).toContain('Accepted, no effect.');
      } else {
        expect(own, p.path).toContain(line);
      }
    }
  });

  it('is the generated text (RINGCACHE_WRITE_DOCS=1 rewrites it)', () => {
    const want = configurationDoc();
    if (process.env['RINGCACHE_WRITE_DOCS'] === '1') writeFileSync(DOC, want);
    expect(readFileSync(DOC, 'utf8')).toBe(want);
  });
});
