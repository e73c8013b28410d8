// MIGRATE: serializes keys, sends them to another Redis-compatible server as RESTORE(-ASKING) over a plain RESP connection, and deletes the ones it acknowledged.
import net from 'node:net';
import type { CommandContext } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { dumpPayload } from '../rdb/value.js';
import { frameEnd, parseReply, ReplyProtocolError } from '../resp/reply-reader.js';
import { errorReply, OK, type Reply, simple } from '../resp/reply.js';
import type { KeyspaceObserver } from '../store/keyspace.js';
import type { Store } from '../store/store.js';
import type { Entry } from '../store/types.js';
import { isOpt, parseInt64 } from './args.js';

/**
 * Redis's migrateGetKeys: argv[3], or with `KEYS` (after the options, which it skips with their
 * arguments) everything after it; none when KEYS comes with a non-empty key (a syntax error).
 */
export function migrateKeys(argv: readonly string[]): number[] {
  const skip: Record<string, number> = { COPY: 0, REPLACE: 0, AUTH: 1, AUTH2: 2 };
  for (let i = 6; i < argv.length; i++) {
    const word = (argv[i] as string).toUpperCase();
    if (word === 'KEYS') {
      if ((argv[3] as string).length > 0) return [];
      return Array.from({ length: argv.length - i - 1 }, (_, k) => i + 1 + k);
    }
    i += skip[word] ?? 0;
  }
  return [3];
}

interface MigrateRequest {
  host: string;
  port: number;
  db: number;
  timeout: number;
  copy: boolean;
  replace: boolean;
  username: string | undefined;
  password: string | undefined;
  keys: string[];
}

/** Redis's getLongFromObjectOrReply. */
function longArg(raw: string): number {
  const v = parseInt64(raw);
  if (v === null) throw errors.notInteger();
  return Number(v);
}

function parseMigrate(argv: readonly string[]): MigrateRequest {
  const req: MigrateRequest = { host: argv[1] as string, port: 0, db: 0, timeout: 0, copy: false, replace: false, username: undefined, password: undefined, keys: [argv[3] as string] };
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j] as string;
    const more = argv.length - 1 - j;
    if (isOpt(opt, 'COPY')) {
      req.copy = true;
    } else if (isOpt(opt, 'REPLACE')) {
      req.replace = true;
    } else if (isOpt(opt, 'AUTH')) {
      if (more < 1) throw errors.syntax();
      req.password = argv[++j] as string;
    } else if (isOpt(opt, 'AUTH2')) {
      if (more < 2) throw errors.syntax();
      req.username = argv[++j] as string;
      req.password = argv[++j] as string;
    } else if (isOpt(opt, 'KEYS')) {
      if ((argv[3] as string).length !== 0) throw errors.generic('When using MIGRATE KEYS option, the key argument must be set to the empty string');
      req.keys = argv.slice(j + 1);
      break;
    } else {
      throw errors.syntax();
    }
  }
  req.timeout = longArg(argv[5] as string);
  req.db = longArg(argv[4] as string);
  if (req.timeout <= 0) req.timeout = 1000;
  // Redis reads the port with atoi (leading digits, else 0) into a 16-bit field, so it wraps.
  req.port = (Number.parseInt(argv[2] as string, 10) || 0) & 0xffff;
  return req;
}

// ---------------------------------------------------------------------------------------------
// Keys in flight

/**
 * Keys a MIGRATE has serialized and not yet deleted, per store, so a write to one of them while
 * the transfer is on the wire is noticed: such a key is newer than the copy the target got, and
 * is kept rather than deleted. One observer per store, registered on first use.
 */
class InFlight {
  /** `db\0key` -> how many transfers hold it, and whether it was written to meanwhile. */
  private readonly keys = new Map<string, { holders: number; changed: boolean }>();
  constructor(store: Store) {
    const touch = (db: number, key: string): void => {
      const k = this.keys.get(`${db}\0${key}`);
      if (k !== undefined) k.changed = true;
    };
    const o: KeyspaceObserver = { modified: touch, expired: touch };
    store.observe(o);
  }

  add(db: number, key: string): void {
    const k = this.keys.get(`${db}\0${key}`);
    if (k === undefined) this.keys.set(`${db}\0${key}`, { holders: 1, changed: false });
    else k.holders++;
  }

  changed(db: number, key: string): boolean {
    return this.keys.get(`${db}\0${key}`)?.changed ?? false;
  }

  release(db: number, key: string): void {
    const id = `${db}\0${key}`;
    const k = this.keys.get(id);
    if (k !== undefined && --k.holders === 0) this.keys.delete(id);
  }
}

const inFlight = new WeakMap<Store, InFlight>();

function inFlightFor(store: Store): InFlight {
  let f = inFlight.get(store);
  if (f === undefined) {
    f = new InFlight(store);
    inFlight.set(store, f);
  }
  return f;
}

// ---------------------------------------------------------------------------------------------
// The RESP exchange

/** One command as a RESP array of bulk strings (byte strings and buffers as they are). */
export function respCommand(argv: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`, 'latin1')];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

/** What became of a pipelined exchange: the replies read, and where it failed if it did. */
export interface ExchangeResult {
  replies: Reply[];
  failure: 'connect' | 'write' | 'read' | null;
  timedOut: boolean;
}

/**
 * Connects, writes `request`, and reads `expected` replies. Bounded by `timeoutMs`: for the
 * connection, then for every wait on the socket (as Redis's per-operation timeouts). Never throws.
 */
export function exchange(host: string, port: number, request: Buffer, expected: number, timeoutMs: number): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const replies: Reply[] = [];
    let buf: Buffer = Buffer.alloc(0);
    let connected = false;
    let flushed = false;
    let done = false;
    let sock: net.Socket;
    try {
      // Port 0 cannot be connected to: a refusal, which Redis reports as a write error.
      if (port === 0) throw new RangeError('port 0');
      sock = net.connect({ host, port });
    } catch {
      resolve({ replies, failure: 'write', timedOut: false });
      return;
    }
    const finish = (failure: ExchangeResult['failure'], timedOut = false): void => {
      if (done) return;
      done = true;
      clearTimeout(connectTimer);
      sock.destroy();
      resolve({ replies, failure, timedOut });
    };
    const connectTimer = setTimeout(() => finish('connect', true), timeoutMs);
    sock.setNoDelay(true);
    sock.on('connect', () => {
      connected = true;
      clearTimeout(connectTimer);
      sock.setTimeout(timeoutMs);
      sock.write(request, (err) => {
        if (err === undefined || err === null) flushed = true;
      });
    });
    sock.on('timeout', () => finish(flushed ? 'read' : 'write', true));
    // A refused connection surfaces in Redis when it first writes, so it reports a write error.
    sock.on('error', (e: NodeJS.ErrnoException) => finish(!connected && e.code !== 'ECONNREFUSED' ? 'connect' : flushed ? 'read' : 'write'));
    sock.on('close', () => finish(flushed ? 'read' : 'write'));
    sock.on('data', (d: Buffer) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      let pos = 0;
      try {
        while (replies.length < expected) {
          if (frameEnd(buf, pos) < 0) break;
          const r = parseReply(buf, pos);
          replies.push(r.reply);
          pos = r.next;
        }
      } catch (e) {
        if (e instanceof ReplyProtocolError) return finish('read');
        throw e;
      }
      buf = buf.subarray(pos);
      if (replies.length >= expected) finish(null);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// MIGRATE

interface Item {
  key: string;
  entry: Entry;
  value: Entry['value'];
}

const errorText = (r: Reply | undefined): string | null => (r !== undefined && r.t === 'error' ? r.v : null);

/**
 * Sends the request (once more after a dropped connection that answered nothing, as Redis retries
 * a stale cached socket), then applies the answers: every acknowledged key is deleted unless COPY
 * (or unless it was written to while on the wire) and journaled as one DEL.
 */
async function transfer(ctx: CommandContext, req: MigrateRequest, items: readonly Item[], request: Buffer, db: number, watch: InFlight): Promise<Reply> {
  const pre = req.password !== undefined ? 2 : 1;
  const expected = pre + items.length;
  let res = await exchange(req.host, req.port, request, expected, req.timeout);
  if (res.failure !== null && res.failure !== 'connect' && !res.timedOut && res.replies.length <= pre) {
    res = await exchange(req.host, req.port, request, expected, req.timeout);
  }
  if (res.failure === 'connect') return errorReply('IOERR error or timeout connecting to the client');
  const preError = (req.password !== undefined ? errorText(res.replies[0]) : null) ?? errorText(res.replies[pre - 1]);
  let targetError: string | null = null;
  const deleted: string[] = [];
  const keyspace = ctx.store.db(db);
  for (let j = 0; j < items.length; j++) {
    const r = res.replies[pre + j];
    if (r === undefined) break;
    const err = preError ?? errorText(r);
    if (err !== null) {
      targetError ??= err;
      continue;
    }
    const it = items[j] as Item;
    if (req.copy || watch.changed(db, it.key)) continue;
    const e = keyspace.peek(it.key);
    if (e !== it.entry || e.value !== it.value) continue;
    keyspace.delete(it.key);
    ctx.notify('g', 'del', it.key);
    deleted.push(it.key);
  }
  if (deleted.length > 0) ctx.propagate(['DEL', ...deleted]);
  if (targetError !== null) throw errors.generic(`Target instance replied with error: ${targetError}`);
  if (res.failure !== null) return errorReply(`IOERR error or timeout ${res.failure === 'write' ? 'writing' : 'reading'} to target instance`);
  return OK;
}

/**
 * MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS k...].
 * The values are serialized when the command runs; the transfer is asynchronous (the client waits,
 * the node does not), bounded by the timeout. A cluster node sends RESTORE-ASKING, as Redis
 * Cluster does, which standalone redis-server accepts as well.
 */
export function migrate(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
  const req = parseMigrate(argv);
  const items: Item[] = [];
  const parts: Buffer[] = [];
  if (req.password !== undefined) parts.push(respCommand(req.username !== undefined ? ['AUTH', req.username, req.password] : ['AUTH', req.password]));
  parts.push(respCommand(['SELECT', String(req.db)]));
  const restoreName = ctx.server.cluster !== undefined ? 'RESTORE-ASKING' : 'RESTORE';
  for (const key of req.keys) {
    const e = ctx.store.read(ctx.db, key);
    if (e === undefined) continue;
    // The TTL left, at least 1 ms: an expiry this close still must not become "no expiry".
    const ttl = e.expireAt === 0 ? 0 : Math.max(1, e.expireAt - ctx.now);
    items.push({ key, entry: e, value: e.value });
    const restoreArgs: (string | Buffer)[] = [restoreName, key, String(ttl), dumpPayload(e.value)];
    if (req.replace) restoreArgs.push('REPLACE');
    parts.push(respCommand(restoreArgs));
  }
  if (items.length === 0) return simple('NOKEY');
  const db = ctx.client.db;
  const watch = inFlightFor(ctx.store);
  for (const it of items) watch.add(db, it.key);
  return transfer(ctx, req, items, Buffer.concat(parts), db, watch).finally(() => {
    for (const it of items) watch.release(db, it.key);
  });
}
