// The `#!lua` first line of an EVAL script or a function library: engine, flags and (for libraries) name, as Redis 7.0 parses it.

export interface ScriptFlags {
  readonly noWrites: boolean;
  readonly allowOom: boolean;
  readonly allowStale: boolean;
  readonly noCluster: boolean;
  readonly allowCrossSlot: boolean;
}

/** An EVAL script without a shebang: Redis's compatibility mode (checks per command, not up front). */
export interface EvalScriptFlags extends ScriptFlags {
  readonly compat: boolean;
}

export const NO_FLAGS: ScriptFlags = { noWrites: false, allowOom: false, allowStale: false, noCluster: false, allowCrossSlot: false };

const FLAG_NAMES: Readonly<Record<string, keyof ScriptFlags>> = {
  'no-writes': 'noWrites',
  'allow-oom': 'allowOom',
  'allow-stale': 'allowStale',
  'no-cluster': 'noCluster',
  'allow-cross-slot-keys': 'allowCrossSlot',
};

/** Parses a comma-separated flag list; the first unknown flag is returned as `unknown`. */
export function parseFlagList(list: readonly string[]): { flags: ScriptFlags } | { unknown: string } {
  const flags: Record<keyof ScriptFlags, boolean> = { ...NO_FLAGS };
  for (const f of list) {
    const name = FLAG_NAMES[f];
    if (name === undefined) return { unknown: f };
    flags[name] = true;
  }
  return { flags };
}

/**
 * The shebang of an EVAL script. `length` is how many bytes to skip before compiling (the line
 * without its newline, so line numbers stay the user's).
 */
export function evalShebang(body: string): { flags: EvalScriptFlags; length: number } | { error: string } {
  if (!body.startsWith('#!')) return { flags: { ...NO_FLAGS, compat: true }, length: 0 };
  const end = body.indexOf('\n');
  if (end < 0) return { error: 'Invalid script shebang' };
  const parts = body.slice(0, end).split(/\s+/).filter((p) => p !== '');
  if (parts.length === 0) return { error: 'Invalid engine in script shebang' };
  if (parts[0] !== '#!lua') return { error: `Unexpected engine in script shebang: ${parts[0] as string}` };
  let flags: ScriptFlags = NO_FLAGS;
  for (const p of parts.slice(1)) {
    if (!p.startsWith('flags=')) return { error: `Unknown lua shebang option: ${p}` };
    const parsed = parseFlagList(p.slice(6).split(','));
    if ('unknown' in parsed) return { error: `Unexpected flag in script shebang: ${parsed.unknown}` };
    flags = parsed.flags;
  }
  return { flags: { ...flags, compat: false }, length: end };
}
