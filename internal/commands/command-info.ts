// COMMAND's replies from the command table: INFO, DOCS, LIST, COUNT, GETKEYS[ANDFLAGS], in redis-server 7.0's shapes and order.
import type { ArgDoc, CommandContext, CommandSpec, KeySpec, KeySpecFlag } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { array, bulk, int, map, NULL_BULK, record, set, simple, type Reply } from '../resp/reply.js';
import { isOpt } from './args.js';
import { arityOk, hasFlag, keyIndexes, specForArgv } from './spec.js';

/** COMMAND INFO spells key-spec flags as Redis's addReplyFlagsForKeyArgs: the four access kinds upper-case, the rest lower. */
function keySpecFlag(f: KeySpecFlag): string {
  return f === 'RO' || f === 'RW' || f === 'OW' || f === 'RM' ? f : f.toLowerCase();
}

function keySpecFlags(k: KeySpec, argv?: readonly string[]): Reply {
  const flags = argv !== undefined && k.flagsFor !== undefined ? k.flagsFor(argv) : k.flags;
  return set(flags.map((f) => simple(keySpecFlag(f))));
}

function beginSearch(k: KeySpec): Reply {
  const b = k.begin;
  if (b === 'unknown') return record([['type', bulk('unknown')], ['spec', record([])]]);
  if ('index' in b) return record([['type', bulk('index')], ['spec', record([['index', int(b.index)]])]]);
  return record([['type', bulk('keyword')], ['spec', record([['keyword', bulk(b.keyword)], ['startfrom', int(b.startfrom)]])]]);
}

function findKeys(k: KeySpec): Reply {
  const f = k.find;
  if (f === 'unknown') return record([['type', bulk('unknown')], ['spec', record([])]]);
  if ('lastkey' in f) return record([['type', bulk('range')], ['spec', record([['lastkey', int(f.lastkey)], ['keystep', int(f.keystep)], ['limit', int(f.limit)]])]]);
  return record([['type', bulk('keynum')], ['spec', record([['keynumidx', int(f.keynumidx)], ['firstkey', int(f.firstkey)], ['keystep', int(f.keystep)]])]]);
}

function keySpecReply(k: KeySpec): Reply {
  const fields: [string, Reply][] = [];
  if (k.notes !== undefined) fields.push(['notes', bulk(k.notes)]);
  fields.push(['flags', keySpecFlags(k)], ['begin_search', beginSearch(k)], ['find_keys', findKeys(k)]);
  return record(fields);
}

/** One command's COMMAND INFO entry (Redis 7.0's addReplyCommandInfo). */
export function commandInfo(spec: CommandSpec): Reply {
  return array([
    bulk(spec.name),
    int(spec.arity),
    // may_replicate is internal: Redis never reports it.
    set(spec.flags.filter((f) => f !== 'may_replicate').map(simple)),
    int(spec.firstKey),
    int(spec.lastKey),
    int(spec.step),
    set(spec.acl.map((c) => simple('@' + c))),
    // Tips and key specs are RESP3 sets in Redis 7.0 (arrays in RESP2), as flags are; subcommands
    // are an array, except that a command without any answers an empty set (addReplyCommandSubCommands).
    set(spec.tips.map(bulk)),
    set(spec.keySpecs.map(keySpecReply)),
    spec.subcommands === undefined ? set([]) : array(spec.subcommands.map(commandInfo)),
  ]);
}

/** One argument of COMMAND DOCS (Redis 7.0's addReplyCommandArgList). */
function argDocReply(a: ArgDoc): Reply {
  const fields: [string, Reply][] = [
    ['name', bulk(a.name)],
    ['type', bulk(a.type)],
  ];
  if (a.keySpecIndex !== undefined) fields.push(['key_spec_index', int(a.keySpecIndex)]);
  if (a.token !== undefined) fields.push(['token', bulk(a.token)]);
  if (a.summary !== undefined) fields.push(['summary', bulk(a.summary)]);
  if (a.since !== undefined) fields.push(['since', bulk(a.since)]);
  if (a.deprecatedSince !== undefined) fields.push(['deprecated_since', bulk(a.deprecatedSince)]);
  if (a.flags !== undefined && a.flags.length > 0) fields.push(['flags', set(a.flags.map(simple))]);
  if (a.arguments !== undefined) fields.push(['arguments', array(a.arguments.map(argDocReply))]);
  return record(fields);
}

/** One command's COMMAND DOCS entry (Redis 7.0's addReplyCommandDocs). */
export function commandDoc(spec: CommandSpec): Reply {
  const fields: [string, Reply][] = [
    ['summary', bulk(spec.summary)],
    ['since', bulk(spec.since)],
    ['group', bulk(spec.group)],
  ];
  if (spec.complexity !== undefined) fields.push(['complexity', bulk(spec.complexity)]);
  if (spec.docFlags.length > 0) fields.push(['doc_flags', set(spec.docFlags.map(simple))]);
  if (spec.deprecatedSince !== undefined) fields.push(['deprecated_since', bulk(spec.deprecatedSince)]);
  if (spec.replacedBy !== undefined) fields.push(['replaced_by', bulk(spec.replacedBy)]);
  if (spec.history.length > 0) fields.push(['history', set(spec.history.map(([v, what]) => array([bulk(v), bulk(what)])))]);
  if (spec.arguments.length > 0) fields.push(['arguments', array(spec.arguments.map(argDocReply))]);
  if (spec.subcommands) fields.push(['subcommands', map(spec.subcommands.map((s) => [bulk(s.name), commandDoc(s)] as const))]);
  return record(fields);
}

export function commandInfoReply(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length <= 2) return array(ctx.server.commands().map(commandInfo));
  return array(
    argv.slice(2).map((n) => {
      const spec = ctx.server.lookupCommand(n.toLowerCase());
      // Redis answers an unknown name with addReplyNull: $-1 in RESP2, _ in RESP3.
      return spec ? commandInfo(spec) : NULL_BULK;
    }),
  );
}

export function commandDocsReply(ctx: CommandContext, argv: string[]): Reply {
  const specs = argv.length === 2 ? ctx.server.commands() : argv.slice(2).flatMap((n) => ctx.server.lookupCommand(n.toLowerCase()) ?? []);
  return map(specs.map((s) => [bulk(s.name), commandDoc(s)] as const));
}

/** Redis's stringmatchlen with nocase, for COMMAND LIST FILTERBY PATTERN. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '\\' && i + 1 < glob.length) re += (glob[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, close);
        re += body.startsWith('^') ? `[^${body.slice(1).replace(/\\/g, '\\\\')}]` : `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

/** COMMAND LIST [FILTERBY ...]: every command and, as Redis 7.0 lists them, every subcommand. */
export function commandListReply(ctx: CommandContext, argv: string[]): Reply {
  let keep: (s: CommandSpec) => boolean = () => true;
  if (argv.length > 2) {
    if (argv.length !== 5 || !isOpt(argv[2], 'FILTERBY')) throw errors.syntax();
    const kind = (argv[3] as string).toUpperCase();
    const v = argv[4] as string;
    if (kind === 'MODULE') keep = () => false;
    else if (kind === 'ACLCAT') keep = (s) => s.acl.some((c) => c === v.toLowerCase());
    else if (kind === 'PATTERN') {
      const re = globToRegExp(v);
      keep = (s) => re.test(s.name);
    } else throw errors.syntax();
  }
  const out: Reply[] = [];
  for (const s of ctx.server.commands()) {
    if (keep(s)) out.push(bulk(s.name));
    for (const sub of s.subcommands ?? []) if (keep(sub)) out.push(bulk(sub.name));
  }
  return array(out);
}

/** Where a key spec finds keys in argv (Redis's getKeysUsingKeySpecs, partial): nothing for a spec that does not apply. */
export function keySpecPositions(k: KeySpec, argv: readonly string[]): number[] {
  const argc = argv.length;
  let first = 0;
  const b = k.begin;
  if (b === 'unknown' || k.find === 'unknown') return [];
  if ('index' in b) first = b.index;
  else {
    const start = b.startfrom > 0 ? b.startfrom : argc + b.startfrom;
    const end = b.startfrom > 0 ? argc - 1 : 0;
    for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
      if (i >= argc || i < 1) break;
      if ((argv[i] as string).toLowerCase() === b.keyword.toLowerCase()) {
        first = i + 1;
        break;
      }
    }
    if (first === 0) return [];
  }
  const f = k.find;
  let last: number;
  let step: number;
  if ('lastkey' in f) {
    step = f.keystep;
    if (f.lastkey >= 0) last = first + f.lastkey;
    else if (f.limit === 0) last = argc + f.lastkey;
    else last = first + (Math.trunc((argc - first) / f.limit) + f.lastkey);
  } else {
    step = f.keystep;
    const numkeys = Number(argv[first + f.keynumidx]);
    if (!Number.isSafeInteger(numkeys) || numkeys < 0) return [];
    first += f.firstkey;
    last = first + numkeys - 1;
  }
  if (last >= argc || last < first || first >= argc) return [];
  const out: number[] = [];
  for (let i = first; i <= last; i += step) out.push(i);
  return out;
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS: the keys dispatch would route by, each with the flags of the key spec that finds it. */
export function commandGetKeys(ctx: CommandContext, argv: string[], withFlags: boolean): Reply {
  const target = argv.slice(2);
  const resolved = specForArgv((n) => ctx.server.lookupCommand(n), target);
  if (resolved === undefined) throw new CommandError('ERR', 'Invalid command specified');
  if (!arityOk(resolved.arity, target.length)) throw new CommandError('ERR', 'Invalid number of arguments specified for command');
  const idx = keyIndexes(resolved, target);
  // A command whose keys are optional (no_mandatory_keys: EVAL with 0 keys) has none, which is no error.
  if (idx.length === 0 && !hasFlag(resolved, 'no_mandatory_keys')) throw new CommandError('ERR', 'The command has no key arguments');
  if (!withFlags) return array(idx.map((i) => bulk(target[i] as string)));
  const found = resolved.keySpecs.map((k) => new Set(keySpecPositions(k, target)));
  // A key only the movable-keys function finds (SORT ... STORE dst) belongs to an 'unknown' key spec:
  // the last one, as Redis's getkeys procs assign it (sortGetKeys gives STORE the third spec's flags).
  const unknownSpec = resolved.keySpecs.findLast((k) => k.begin === 'unknown');
  const flagsAt = (i: number): Reply => {
    const k = resolved.keySpecs[found.findIndex((s) => s.has(i))] ?? unknownSpec ?? resolved.keySpecs[0];
    return k === undefined ? set([]) : keySpecFlags(k, target);
  };
  return array(idx.map((i) => array([bulk(target[i] as string), flagsAt(i)])));
}
