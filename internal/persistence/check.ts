// `ringcache check-aof FILE [--fix]` and `ringcache check-snapshot FILE`: offline checks reported like redis-check-aof.
import fs from 'node:fs';
import path from 'node:path';
import { ManifestError, parseManifest } from './manifest.js';
import { countLines, RecordScanner, scanFile, type ScanResult } from './records.js';
import { readSnapshot, SnapshotError } from './snapshot-file.js';

export interface CheckOutput {
  readonly lines: string[];
  /** Process exit code: 0 valid (or fixed), 1 not valid, 2 usage. */
  readonly code: number;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(16, ' ')}`;

/** Checks one AOF file, optionally cutting it back to its last complete record. */
function checkOne(file: string, label: string, fix: boolean, lines: string[]): boolean {
  const res: ScanResult = scanFile(file);
  if (res.problem !== null) lines.push(`${hex(res.problem.offset)}: ${res.problem.message}`);
  // The line ok_up_to falls on, 1-based (redis-check-aof's count for a valid file).
  const okLines = countLines(file, res.okUpTo) + 1;
  lines.push(`AOF analyzed: filename=${path.basename(file)}, size=${res.size}, ok_up_to=${res.okUpTo}, ok_up_to_line=${okLines}, diff=${res.size - res.okUpTo}`);
  if (res.problem === null) {
    lines.push(`${label}${file} is valid`);
    return true;
  }
  if (!fix) {
    lines.push(`${label}${file} is not valid. Use the --fix option to try fixing it.`);
    return false;
  }
  lines.push(`This will shrink the AOF ${file} from ${res.size} bytes, with ${res.size - res.okUpTo} bytes, to ${res.okUpTo} bytes`);
  fs.truncateSync(file, res.okUpTo);
  lines.push(`Successfully truncated AOF ${file} (cut ${res.size - res.okUpTo} bytes at offset ${res.okUpTo}: ${res.problem.message})`);
  return true;
}

export function checkAof(args: readonly string[]): CheckOutput {
  const fix = args.includes('--fix');
  const files = args.filter((a) => a !== '--fix');
  if (files.length !== 1) return { lines: ['Usage: ringcache check-aof [--fix] <file.manifest|file.aof>'], code: 2 };
  const file = files[0] as string;
  const lines: string[] = [];
  if (!fs.existsSync(file)) return { lines: [`Cannot open file ${file}: No such file or directory`], code: 1 };
  if (!file.endsWith('.manifest')) {
    lines.push('Start checking Old-Style AOF');
    return { lines, code: checkOne(file, 'AOF ', fix, lines) ? 0 : 1 };
  }
  lines.push('Start checking Multi Part AOF');
  let m;
  try {
    m = parseManifest(fs.readFileSync(file, 'latin1'));
  } catch (e) {
    if (e instanceof ManifestError) return { lines: [...lines, `Invalid AOF manifest file format: ${e.message}`], code: 1 };
    throw e;
  }
  const dir = path.dirname(file);
  let ok = true;
  if (m.base) {
    lines.push('Start to check BASE AOF (RESP format).');
    // A base is written whole and renamed into place: damage there is never fixed by cutting.
    ok = checkOne(path.join(dir, m.base.name), 'BASE AOF ', false, lines) && ok;
  }
  if (m.incrs.length > 0) lines.push('Start to check INCR files.');
  m.incrs.forEach((p, i) => {
    const last = i === m.incrs.length - 1;
    ok = checkOne(path.join(dir, p.name), 'INCR AOF ', fix && last, lines) && ok;
  });
  lines.push(ok ? 'All AOF files and manifest are valid' : 'AOF files or manifest are not valid');
  return { lines, code: ok ? 0 : 1 };
}

export function checkSnapshot(args: readonly string[]): CheckOutput {
  if (args.length !== 1) return { lines: ['Usage: ringcache check-snapshot <file>'], code: 2 };
  const file = args[0] as string;
  if (!fs.existsSync(file)) return { lines: [`Cannot open file ${file}: No such file or directory`], code: 1 };
  const lines = [`Checking snapshot ${file}`];
  try {
    let commands = 0;
    const scanner = new RecordScanner(() => {
      commands++;
    });
    const info = readSnapshot(file, (payload) => {
      scanner.feed(payload);
    });
    const res = scanner.end();
    if (res.problem !== null) {
      lines.push(`${hex(res.problem.offset)}: ${res.problem.message} (payload offset)`, `Snapshot ${file} is not valid`);
      return { lines, code: 1 };
    }
    lines.push(`Snapshot analyzed: filename=${path.basename(file)}, size=${info.size}, blocks=${info.blocks}, payload=${info.payloadBytes}, commands=${commands}`);
    lines.push(`Snapshot ${file} is valid`);
    return { lines, code: 0 };
  } catch (e) {
    if (!(e instanceof SnapshotError)) throw e;
    lines.push(`${hex(e.offset)}: ${e.reason}`, `Snapshot ${file} is not valid (${e.kind} at offset ${e.offset})`);
    return { lines, code: 1 };
  }
}
