// The AOF file set: naming the next base/incremental parts, reading the manifest, which file the journal writes to, removing replaced parts.
import fs from 'node:fs';
import path from 'node:path';
import type { AofFile } from './aof.js';
import { strerror } from './fsio.js';
import { type AofPart, baseName, incrName, type Manifest, manifestName, parseManifest, renderManifest } from './manifest.js';
import type { PersistenceCtx } from './state.js';

export function manifestPath(ctx: PersistenceCtx): string {
  return path.join(ctx.aofDir, manifestName(ctx.aofName));
}

/** The manifest as stored (latin1: file names are ASCII, and the manifest is byte-exact). */
export function manifestBytes(m: Manifest): Buffer {
  return Buffer.from(renderManifest(m), 'latin1');
}

/**
 * The parts a new AOF generation uses: sequence numbers continue after `old`'s (never reused, so
 * a crash between steps can never confuse an old file for a new one).
 */
export function nextParts(aofName: string, old: Manifest | null): { base: AofPart; incr: AofPart } {
  const baseSeq = (old?.base?.seq ?? 0) + 1;
  const incrSeq = (old?.incrs[old.incrs.length - 1]?.seq ?? 0) + 1;
  return {
    base: { name: baseName(aofName, baseSeq), seq: baseSeq, type: 'b' },
    incr: { name: incrName(aofName, incrSeq), seq: incrSeq, type: 'i' },
  };
}

/** Names of `old`'s files that `next` does not list (the ones a swap leaves behind). */
export function replacedParts(old: Manifest, next: Manifest): string[] {
  const keep = new Set([...(next.base ? [next.base.name] : []), ...next.incrs.map((p) => p.name)]);
  return [...(old.base ? [old.base] : []), ...old.incrs].map((p) => p.name).filter((n) => !keep.has(n));
}

/** The manifest on disk, or null if there is none or it does not parse (only used to continue numbering). */
export function readManifestQuietly(ctx: PersistenceCtx): Manifest | null {
  try {
    return parseManifest(fs.readFileSync(manifestPath(ctx), 'latin1'));
  } catch {
    return null;
  }
}

/** Deletes files of `old` that `next` does not name (best effort: a leftover wastes space only). */
export function removeParts(ctx: PersistenceCtx, old: Manifest, next: Manifest): void {
  for (const name of replacedParts(old, next)) {
    fs.rm(path.join(ctx.aofDir, name), { force: true }, (err) => {
      if (err) ctx.log.warn({ file: name, err: strerror(err) }, 'removing an old AOF file failed');
    });
  }
}

/**
 * Points the journal at `file`. The AOF is registered with the executor the first time a file is
 * attached: until then the executor has no journal and does not even keep the writes (persistence
 * off costs nothing per command).
 */
export function attachAof(ctx: PersistenceCtx, file: AofFile, switching: boolean): void {
  if (!ctx.s.journalAdded) {
    ctx.s.journalAdded = true;
    ctx.deps.executor.addJournal({
      append: (db, argv) => ctx.aof.append(db, argv),
      whenDurable: () => ctx.aof.whenDurable(),
    });
  }
  if (switching) ctx.aof.switchTo(file);
  else ctx.aof.attach(file);
}

/** INFO aof_current_size: the base, the earlier incremental files and the one being written. */
export function aofCurrentSize(ctx: PersistenceCtx): number {
  return ctx.s.baseSize + ctx.s.incrBefore + (ctx.aof.current?.size ?? 0);
}
