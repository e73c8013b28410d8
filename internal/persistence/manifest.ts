// Multi-part AOF manifest (Redis 7 layout): which base and incremental files make up the AOF, parsed and rendered.

/** One AOF part: b = base (a rewrite's output), i = incremental (the journal since that base). */
export interface AofPart {
  readonly name: string;
  readonly seq: number;
  readonly type: 'b' | 'i';
}

export interface Manifest {
  readonly base: AofPart | null;
  /** In replay order (ascending seq). */
  readonly incrs: readonly AofPart[];
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** File names as Redis 7 makes them, so redis-check-aof reads the manifest and its parts. */
export const manifestName = (base: string): string => `${base}.manifest`;
export const baseName = (base: string, seq: number): string => `${base}.${seq}.base.aof`;
export const incrName = (base: string, seq: number): string => `${base}.${seq}.incr.aof`;

/**
 * Parses `file <name> seq <n> type <b|h|i>` lines. History entries (h) are files Redis has not
 * deleted yet; they take no part in loading. Unknown keys are ignored, as Redis does, so a manifest
 * written by a later version still loads.
 */
export function parseManifest(text: string): Manifest {
  let base: AofPart | null = null;
  const incrs: AofPart[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = line.split(/\s+/);
    if (words.length % 2 !== 0) throw new ManifestError(`line ${i + 1}: expected key value pairs: '${line}'`);
    const kv = new Map<string, string>();
    for (let w = 0; w < words.length; w += 2) kv.set(words[w] as string, words[w + 1] as string);
    const name = kv.get('file');
    const seqText = kv.get('seq');
    const type = kv.get('type');
    if (name === undefined || seqText === undefined || type === undefined) throw new ManifestError(`line ${i + 1}: needs file, seq and type: '${line}'`);
    if (name.includes('/')) throw new ManifestError(`line ${i + 1}: file name may not contain '/': '${name}'`);
    if (!/^\d+$/.test(seqText)) throw new ManifestError(`line ${i + 1}: bad seq '${seqText}'`);
    const seq = Number(seqText);
    if (type === 'h') continue;
    if (type === 'b') {
      if (base !== null) throw new ManifestError(`line ${i + 1}: more than one base file`);
      base = { name, seq, type: 'b' };
    } else if (type === 'i') {
      const last = incrs[incrs.length - 1];
      if (last !== undefined && seq <= last.seq) throw new ManifestError(`line ${i + 1}: incr seq ${seq} does not follow ${last.seq}`);
      incrs.push({ name, seq, type: 'i' });
    } else {
      throw new ManifestError(`line ${i + 1}: unknown file type '${type}'`);
    }
  }
  return { base, incrs };
}

export function renderManifest(m: Manifest): string {
  const parts = [...(m.base ? [m.base] : []), ...m.incrs];
  return parts.map((p) => `file ${p.name} seq ${p.seq} type ${p.type}\n`).join('');
}
