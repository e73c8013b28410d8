// CONFIG REWRITE: writes the running configuration back into the YAML file the node started from, comments and layout kept.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { getSystemErrorMap } from 'node:util';
import { parseDocument } from 'yaml';
import { CommandError } from '../contracts/errors.js';
import { coerce, ConfigError, readConfigFile, splitList, type Config } from './load.js';
import { formatValue } from './parse.js';
import { type ConfigValue, type Param, PARAMS } from './schema.js';

/** File-system seam (tests inject failures). */
export interface RewriteFs {
  readFile(path: string): string;
  /** Replaces `path` with `text` atomically (temp file, fsync, rename). */
  replaceFile(path: string, text: string): void;
}

const realFs: RewriteFs = {
  readFile: (f) => readFileSync(f, 'utf8'),
  replaceFile: (f, text) => {
    const tmp = `${f}.rewrite-${process.pid}`;
    try {
      const fd = openSync(tmp, 'w', 0o644);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, f);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  },
};

/** The YAML form of a value: numbers and booleans as such, a list as a sequence. */
function yamlValue(p: Param, v: ConfigValue): unknown {
  return p.type === 'list' ? splitList(String(v)) : v;
}

/** C's strerror text for a Node system error (`EACCES` -> "Permission denied"). */
function strerror(e: unknown): string {
  const errno = (e as NodeJS.ErrnoException).errno;
  const msg = errno === undefined ? undefined : getSystemErrorMap().get(errno)?.[1];
  if (msg === undefined) return e instanceof Error ? e.message : String(e);
  return msg.charAt(0).toUpperCase() + msg.slice(1);
}

/**
 * The parameters CONFIG REWRITE writes, with their values: those whose running value differs from
 * what the file says (its own value, or the default when it has none), among those a source set
 * at start-up or CONFIG SET changed since. So a value given by flag or env is written, as Redis
 * writes its command-line options, while a derived one (ports, node_id) is not; a secret is written
 * only when CONFIG SET changed it (one kept in the environment stays out of the file).
 */
export function rewriteChanges(initial: Config, current: Readonly<Record<string, ConfigValue>>, inFile: ReadonlyMap<string, unknown>): [Param, ConfigValue][] {
  const out: [Param, ConfigValue][] = [];
  for (const p of PARAMS) {
    const now = current[p.path] as ConfigValue;
    const changed = now !== initial.values[p.path];
    const relevant = changed || (p.secret !== true && initial.explicit.includes(p.path));
    // The narrow pubsub spelling is written only where the file already uses it.
    if (!relevant || (p.path === 'client_output_buffer_limit_pubsub' && !inFile.has(p.path))) continue;
    const fileValue = inFile.has(p.path) ? coerce(p, inFile.get(p.path), initial.file) : p.default;
    if (formatValue(p, now) !== formatValue(p, fileValue)) out.push([p, now]);
  }
  return out;
}

/**
 * Rewrites `initial.file` so that loading it gives the running values of the parameters
 * rewriteChanges picks; every other line, comment and key order stays. Errors answer as Redis's:
 * "The server is running without a config file", "Rewriting config file: <strerror>".
 */
export function rewriteConfig(initial: Config, current: Readonly<Record<string, ConfigValue>>, fs: RewriteFs = realFs): void {
  if (initial.file === '') throw new CommandError('ERR', 'The server is running without a config file');
  let text: string;
  try {
    text = fs.readFile(initial.file);
  } catch (e) {
    throw new CommandError('ERR', `Rewriting config file: ${strerror(e)}`);
  }
  // The file as it is now (someone may have edited it since start-up); a broken one is not overwritten.
  let changes: [Param, ConfigValue][];
  try {
    changes = rewriteChanges(initial, current, readConfigFile(initial.file, () => text));
  } catch (e) {
    if (e instanceof ConfigError) throw new CommandError('ERR', `Rewriting config file: ${e.message}`);
    throw e;
  }
  if (changes.length === 0) return;
  const doc = parseDocument(text);
  for (const [p, v] of changes) doc.setIn(p.path.split('.'), yamlValue(p, v));
  try {
    fs.replaceFile(initial.file, doc.toString());
  } catch (e) {
    throw new CommandError('ERR', `Rewriting config file: ${strerror(e)}`);
  }
}
