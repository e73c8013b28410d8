// AOF file set tests: the next generation's part names and sequence numbers, and which old parts a manifest swap leaves behind.
import { describe, expect, it } from 'vitest';
import { nextParts, replacedParts } from './aof-files.js';
import type { AofPart, Manifest } from './manifest.js';

const b = (seq: number): AofPart => ({ name: `appendonly.aof.${seq}.base.aof`, seq, type: 'b' });
const i = (seq: number): AofPart => ({ name: `appendonly.aof.${seq}.incr.aof`, seq, type: 'i' });

describe('nextParts', () => {
  it.each<[string, Manifest | null, AofPart, AofPart]>([
    ['no AOF yet', null, b(1), i(1)],
    ['base and one incr', { base: b(1), incrs: [i(1)] }, b(2), i(2)],
    // Mid-rewrite manifests list several incrs: numbering continues after the last.
    ['several incrs', { base: b(3), incrs: [i(4), i(5), i(6)] }, b(4), i(7)],
    ['incrs without a base', { base: null, incrs: [i(2)] }, b(1), i(3)],
    ['a base without incrs (written while appendonly was off)', { base: b(2), incrs: [] }, b(3), i(1)],
  ])('%s', (_what, old, base, incr) => {
    expect(nextParts('appendonly.aof', old)).toEqual({ base, incr });
  });

  it('uses the configured file name', () => {
    expect(nextParts('x.aof', null).base.name).toBe('x.aof.1.base.aof');
  });
});

describe('replacedParts', () => {
  it.each<[string, Manifest, Manifest, string[]]>([
    ['a full swap removes the old base and incrs', { base: b(1), incrs: [i(1), i(2)] }, { base: b(2), incrs: [i(2)] }, [b(1).name, i(1).name]],
    ['nothing replaced', { base: b(1), incrs: [i(1)] }, { base: b(1), incrs: [i(1)] }, []],
    ['no old base', { base: null, incrs: [i(1)] }, { base: b(1), incrs: [i(2)] }, [i(1).name]],
    ['no new base keeps nothing of the old base', { base: b(1), incrs: [i(1)] }, { base: null, incrs: [i(1)] }, [b(1).name]],
  ])('%s', (_what, old, next, expected) => {
    expect(replacedParts(old, next)).toEqual(expected);
  });
});
