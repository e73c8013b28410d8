// Lists family: the command table, push/pop at both ends, ranges, LPOS, in-place writes and LMOVE/RPOPLPUSH, with Redis 7 semantics.
import type { CommandContext } from '../contracts/command.js';
import { intArg, isOpt, parseInt64 } from './args.js';
import { errors } from '../contracts/errors.js';
import { command, keyAt } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { ListValue } from '../store/list.js';
import { array, bulk, EMPTY_ARRAY, int, NULL_ARRAY, NULL_BULK, OK, type Reply } from '../resp/reply.js';
import { asList, bulkArray, moveElement, popEvent, popMany, pushEvent, rangedLong, readList, removedFrom, whereArg } from './lists-common.js';
import { blmoveCmd, blmpopCmd, bpopGeneric, brpoplpushCmd, lmpopCmd, mpopKeys } from './lists-blocking.js';

const TWO63 = 1n << 63n;

// ---------------------------------------------------------------------------------------------
// Push
// ---------------------------------------------------------------------------------------------

/**
 * LPUSH / RPUSH / LPUSHX / RPUSHX: the elements go in argument order, each onto the chosen end;
 * one `lpush` / `rpush` event for the whole command, after `new` when the list is created.
 */
function pushGeneric(ctx: CommandContext, argv: string[], head: boolean, onlyExisting: boolean): Reply {
  const key = argv[1] as string;
  const db = ctx.db;
  const e = db.get(key);
  let list: ListValue;
  if (e === undefined) {
    if (onlyExisting) return int(0);
    list = new ListValue(argv.length - 2);
    for (let i = 2; i < argv.length; i++) {
      if (head) list.pushHead(argv[i] as string);
      else list.pushTail(argv[i] as string);
    }
    db.set(key, list);
  } else {
    list = asList(e.value);
    for (let i = 2; i < argv.length; i++) {
      if (head) list.pushHead(argv[i] as string);
      else list.pushTail(argv[i] as string);
    }
    db.changed(key, e);
  }
  ctx.notify('l', pushEvent(head), key);
  ctx.propagate(argv);
  return int(list.size);
}

// ---------------------------------------------------------------------------------------------
// Pop
// ---------------------------------------------------------------------------------------------

/**
 * LPOP / RPOP key [count]: without count a bulk (or nil), with count an array (nil array for no
 * key). One `lpop` / `rpop` event however many are popped (none for a count of 0), then `del`.
 */
function popGeneric(ctx: CommandContext, argv: string[], head: boolean): Reply {
  if (argv.length > 3) throw errors.wrongArity(head ? 'lpop' : 'rpop');
  const hasCount = argv.length === 3;
  const count = hasCount ? rangedLong(argv[2] as string, 0, 'value is out of range, must be positive') : 1;
  const key = argv[1] as string;
  const e = ctx.db.get(key);
  if (e === undefined) return hasCount ? NULL_ARRAY : NULL_BULK;
  const list = asList(e.value);
  if (!hasCount) {
    const v = (head ? list.popHead() : list.popTail()) as string;
    removedFrom(ctx, key, e, list, popEvent(head));
    ctx.propagate(argv);
    return bulk(v);
  }
  if (count === 0) return EMPTY_ARRAY;
  const items = popMany(list, Math.min(count, list.size), head);
  removedFrom(ctx, key, e, list, popEvent(head));
  ctx.propagate(argv);
  return bulkArray(items);
}

// ---------------------------------------------------------------------------------------------
// Read commands
// ---------------------------------------------------------------------------------------------

function llenCmd(ctx: CommandContext, argv: string[]): Reply {
  const list = readList(ctx, argv[1] as string);
  return int(list === undefined ? 0 : list.size);
}

function lrangeCmd(ctx: CommandContext, argv: string[]): Reply {
  // Redis parses the range before looking the key up.
  let start = intArg(argv[2] as string);
  let stop = intArg(argv[3] as string);
  const list = readList(ctx, argv[1] as string);
  if (list === undefined) return EMPTY_ARRAY;
  const n = list.size;
  if (start < 0) start = n + start;
  if (stop < 0) stop = n + stop;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return EMPTY_ARRAY;
  if (stop >= n) stop = n - 1;
  return bulkArray(list.range(start, stop));
}

function lindexCmd(ctx: CommandContext, argv: string[]): Reply {
  // Redis looks the key up first: a missing key answers nil even for a malformed index.
  const list = readList(ctx, argv[1] as string);
  if (list === undefined) return NULL_BULK;
  let i = intArg(argv[2] as string);
  if (i < 0) i = list.size + i;
  if (i < 0 || i >= list.size) return NULL_BULK;
  return bulk(list.at(i));
}

const RANK_ZERO =
  "RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
function lposCmd(ctx: CommandContext, argv: string[]): Reply {
  const ele = argv[2] as string;
  let rank = 1;
  let count = -1; // -1: COUNT not given
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j] as string;
    const more = j < argv.length - 1;
    if (more && isOpt(opt, 'RANK')) {
      const v = parseInt64(argv[++j] as string);
      if (v === null) throw errors.notInteger();
      // Redis 7.0 negates LONG_MIN in place, which leaves it negative: every match then satisfies
      // the rank, so it searches from the tail for the first match, like RANK -1.
      rank = v === -TWO63 ? -1 : Number(v);
      if (rank === 0) throw errors.generic(RANK_ZERO);
    } else if (more && isOpt(opt, 'COUNT')) {
      count = rangedLong(argv[++j] as string, 0, "COUNT can't be negative");
    } else if (more && isOpt(opt, 'MAXLEN')) {
      maxlen = rangedLong(argv[++j] as string, 0, "MAXLEN can't be negative");
    } else {
      throw errors.syntax();
    }
  }
  const list = readList(ctx, argv[1] as string);
  if (list === undefined) return count !== -1 ? EMPTY_ARRAY : NULL_BULK;
  const fromTail = rank < 0;
  const skip = Math.abs(rank);
  const n = list.size;
  const limit = maxlen === 0 ? n : Math.min(n, maxlen);
  const found: Reply[] = [];
  let matches = 0;
  for (let k = 0; k < limit; k++) {
    const pos = fromTail ? n - 1 - k : k;
    if (list.at(pos) !== ele) continue;
    matches++;
    if (matches < skip) continue;
    if (count === -1) return int(pos);
    found.push(int(pos));
    if (count !== 0 && found.length >= count) break;
  }
  return count === -1 ? NULL_BULK : array(found);
}

// ---------------------------------------------------------------------------------------------
// In-place writes
// ---------------------------------------------------------------------------------------------

function lsetCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const e = ctx.db.get(key);
  if (e === undefined) throw errors.noSuchKey();
  const list = asList(e.value);
  let i = intArg(argv[2] as string);
  if (i < 0) i = list.size + i;
  if (i < 0 || i >= list.size) throw errors.generic('index out of range');
  list.setAt(i, argv[3] as string);
  ctx.db.changed(key, e);
  ctx.notify('l', 'lset', key);
  ctx.propagate(argv);
  return OK;
}

function linsertCmd(ctx: CommandContext, argv: string[]): Reply {
  let after: boolean;
  if (isOpt(argv[2], 'AFTER')) after = true;
  else if (isOpt(argv[2], 'BEFORE')) after = false;
  else throw errors.syntax();
  const key = argv[1] as string;
  const e = ctx.db.get(key);
  if (e === undefined) return int(0);
  const list = asList(e.value);
  const pivot = argv[3] as string;
  const n = list.size;
  let at = -1;
  for (let i = 0; i < n; i++) {
    if (list.at(i) === pivot) {
      at = i;
      break;
    }
  }
  if (at < 0) return int(-1);
  list.insertAt(after ? at + 1 : at, argv[4] as string);
  ctx.db.changed(key, e);
  ctx.notify('l', 'linsert', key);
  ctx.propagate(argv);
  return int(list.size);
}

function lremCmd(ctx: CommandContext, argv: string[]): Reply {
  const count = intArg(argv[2] as string);
  const key = argv[1] as string;
  const e = ctx.db.get(key);
  if (e === undefined) return int(0);
  const list = asList(e.value);
  const removed = list.removeMatches(argv[3] as string, count);
  if (removed > 0) {
    removedFrom(ctx, key, e, list, 'lrem');
    ctx.propagate(argv);
  }
  return int(removed);
}

function ltrimCmd(ctx: CommandContext, argv: string[]): Reply {
  let start = intArg(argv[2] as string);
  let stop = intArg(argv[3] as string);
  const key = argv[1] as string;
  const e = ctx.db.get(key);
  if (e === undefined) return OK;
  const list = asList(e.value);
  const n = list.size;
  if (start < 0) start = n + start;
  if (stop < 0) stop = n + stop;
  if (start < 0) start = 0;
  let left: number;
  let right: number;
  if (start > stop || start >= n) {
    left = n;
    right = 0;
  } else {
    if (stop >= n) stop = n - 1;
    left = start;
    right = n - stop - 1;
  }
  // Nothing removed is not a write: no journal entry, as Redis propagates only when dirty. It still
  // raises `ltrim` and touches the key (WATCH), as Redis does for any LTRIM of an existing list.
  if (left + right > 0) list.trim(left, right);
  removedFrom(ctx, key, e, list, 'ltrim');
  if (left + right > 0) ctx.propagate(argv);
  return OK;
}

// ---------------------------------------------------------------------------------------------
// Moves
// ---------------------------------------------------------------------------------------------

function lmoveCmd(ctx: CommandContext, argv: string[]): Reply {
  const fromHead = whereArg(argv[3] as string);
  const toHead = whereArg(argv[4] as string);
  const v = moveElement(ctx, argv[1] as string, argv[2] as string, fromHead, toHead);
  if (v === undefined) return NULL_BULK;
  ctx.propagate(argv);
  return bulk(v);
}

function rpoplpushCmd(ctx: CommandContext, argv: string[]): Reply {
  const v = moveElement(ctx, argv[1] as string, argv[2] as string, false, true);
  if (v === undefined) return NULL_BULK;
  ctx.propagate(argv);
  return bulk(v);
}

// ---------------------------------------------------------------------------------------------
// The command table
// ---------------------------------------------------------------------------------------------

const PUSH_COMPLEXITY = 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.';
const MPOP_COMPLEXITY = 'O(N+M) where N is the number of provided keys and M is the number of elements returned.';

export const listCommands: CommandSpec[] = [
  command({
    name: 'lpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'INSERT'])],
    group: 'list',
    acl: ['list'],
    summary: 'Prepend one or multiple elements to a list',
    since: '1.0.0',
    complexity: PUSH_COMPLEXITY,
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    handler: (ctx, argv) => pushGeneric(ctx, argv, true, false),
  }),
  command({
    name: 'rpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'INSERT'])],
    group: 'list',
    acl: ['list'],
    summary: 'Append one or multiple elements to a list',
    since: '1.0.0',
    complexity: PUSH_COMPLEXITY,
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    handler: (ctx, argv) => pushGeneric(ctx, argv, false, false),
  }),
  command({
    name: 'lpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'INSERT'])],
    group: 'list',
    acl: ['list'],
    summary: 'Prepend an element to a list, only if the list exists',
    since: '2.2.0',
    complexity: PUSH_COMPLEXITY,
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    handler: (ctx, argv) => pushGeneric(ctx, argv, true, true),
  }),
  command({
    name: 'rpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'INSERT'])],
    group: 'list',
    acl: ['list'],
    summary: 'Append an element to a list, only if the list exists',
    since: '2.2.0',
    complexity: PUSH_COMPLEXITY,
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    handler: (ctx, argv) => pushGeneric(ctx, argv, false, true),
  }),
  command({
    name: 'lpop',
    arity: -2,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE'])],
    group: 'list',
    acl: ['list'],
    summary: 'Remove and get the first elements in a list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    handler: (ctx, argv) => popGeneric(ctx, argv, true),
  }),
  command({
    name: 'rpop',
    arity: -2,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE'])],
    group: 'list',
    acl: ['list'],
    summary: 'Remove and get the last elements in a list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    handler: (ctx, argv) => popGeneric(ctx, argv, false),
  }),
  command({
    name: 'llen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'])],
    group: 'list',
    acl: ['list'],
    summary: 'Get the length of a list',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: llenCmd,
  }),
  command({
    name: 'lrange',
    arity: 4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'list',
    acl: ['list'],
    summary: 'Get a range of elements from a list',
    since: '1.0.0',
    complexity:
      'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    handler: lrangeCmd,
  }),
  command({
    name: 'lindex',
    arity: 3,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'list',
    acl: ['list'],
    summary: 'Get an element from a list by its index',
    since: '1.0.0',
    complexity:
      'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
    handler: lindexCmd,
  }),
  command({
    name: 'lset',
    arity: 4,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'list',
    acl: ['list'],
    summary: 'Set the value of an element in a list by its index',
    since: '1.0.0',
    complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    handler: lsetCmd,
  }),
  command({
    name: 'linsert',
    arity: 5,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'INSERT'])],
    group: 'list',
    acl: ['list'],
    summary: 'Insert an element before or after another element in a list',
    since: '2.2.0',
    complexity:
      'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
    handler: linsertCmd,
  }),
  command({
    name: 'lrem',
    arity: 4,
    flags: ['write'],
    keySpecs: [keyAt(1, ['RW', 'DELETE'])],
    group: 'list',
    acl: ['list'],
    summary: 'Remove elements from a list',
    since: '1.0.0',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    handler: lremCmd,
  }),
  command({
    name: 'ltrim',
    arity: 4,
    flags: ['write'],
    keySpecs: [keyAt(1, ['RW', 'DELETE'])],
    group: 'list',
    acl: ['list'],
    summary: 'Trim a list to the specified range',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    handler: ltrimCmd,
  }),
  command({
    name: 'lpos',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'list',
    acl: ['list'],
    summary: 'Return the index of matching elements on a list',
    since: '6.0.6',
    complexity:
      'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
    handler: lposCmd,
  }),
  command({
    name: 'lmove',
    arity: 5,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE']), keyAt(2, ['RW', 'INSERT'])],
    group: 'list',
    acl: ['list'],
    summary: 'Pop an element from a list, push it to another list and return it',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: lmoveCmd,
  }),
  command({
    name: 'rpoplpush',
    arity: 3,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE']), keyAt(2, ['RW', 'INSERT'])],
    group: 'list',
    acl: ['list'],
    summary: 'Remove the last element in a list, prepend it to another list and return it',
    since: '1.2.0',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    handler: rpoplpushCmd,
  }),
  command({
    name: 'lmpop',
    arity: -4,
    flags: ['write'],
    keySpecs: [{ flags: ['RW', 'ACCESS', 'DELETE'], begin: { index: 1 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: mpopKeys(1),
    group: 'list',
    acl: ['list'],
    summary: 'Pop elements from a list',
    since: '7.0.0',
    complexity: MPOP_COMPLEXITY,
    handler: lmpopCmd,
  }),
  command({
    name: 'blpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE'], -2)],
    group: 'list',
    acl: ['list'],
    summary: 'Remove and get the first element in a list, or block until one is available',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    handler: (ctx, argv) => bpopGeneric(ctx, argv, true),
  }),
  command({
    name: 'brpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE'], -2)],
    group: 'list',
    acl: ['list'],
    summary: 'Remove and get the last element in a list, or block until one is available',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    handler: (ctx, argv) => bpopGeneric(ctx, argv, false),
  }),
  command({
    name: 'blmove',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE']), keyAt(2, ['RW', 'INSERT'])],
    group: 'list',
    acl: ['list'],
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: blmoveCmd,
  }),
  command({
    name: 'brpoplpush',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE']), keyAt(2, ['RW', 'INSERT'])],
    group: 'list',
    acl: ['list'],
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '2.2.0',
    complexity: 'O(1)',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments',
    handler: brpoplpushCmd,
  }),
  command({
    name: 'blmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    keySpecs: [{ flags: ['RW', 'ACCESS', 'DELETE'], begin: { index: 2 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: mpopKeys(2),
    group: 'list',
    acl: ['list'],
    summary: 'Pop elements from a list, or block until one is available',
    since: '7.0.0',
    complexity: MPOP_COMPLEXITY,
    handler: blmpopCmd,
  }),
];
