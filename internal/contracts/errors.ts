// Typed command errors with stable codes, and the one table mapping codes to RESP prefixes and HTTP statuses.

export type ErrorCode =
  | 'ERR'
  | 'WRONGTYPE'
  | 'NOAUTH'
  | 'WRONGPASS'
  | 'NOPROTO'
  | 'OOM'
  | 'MISCONF'
  | 'EXECABORT'
  | 'MOVED'
  | 'ASK'
  | 'CROSSSLOT'
  | 'READONLY'
  | 'NOREPLICAS'
  | 'NOMASTERLINK'
  | 'BUSYKEY'
  | 'LOADING'
  | 'TRYAGAIN'
  | 'CLUSTERDOWN'
  | 'NOPERM'
  | 'UNBLOCKED'
  | 'NOSCRIPT'
  | 'BUSY'
  | 'NOTBUSY'
  | 'UNKILLABLE'
  | 'INVALIDOBJ';

interface ErrorKind {
  /** The first word of the RESP error line (`-WRONGTYPE ...`). */
  readonly prefix: string;
  /** The HTTP status the REST API answers with for this error. */
  readonly http: number;
}

export const ERROR_KINDS: Readonly<Record<ErrorCode, ErrorKind>> = {
  ERR: { prefix: 'ERR', http: 400 },
  WRONGTYPE: { prefix: 'WRONGTYPE', http: 409 },
  NOAUTH: { prefix: 'NOAUTH', http: 401 },
  WRONGPASS: { prefix: 'WRONGPASS', http: 401 },
  NOPROTO: { prefix: 'NOPROTO', http: 400 },
  OOM: { prefix: 'OOM', http: 503 },
  MISCONF: { prefix: 'MISCONF', http: 503 },
  EXECABORT: { prefix: 'EXECABORT', http: 409 },
  MOVED: { prefix: 'MOVED', http: 421 },
  ASK: { prefix: 'ASK', http: 421 },
  CROSSSLOT: { prefix: 'CROSSSLOT', http: 400 },
  READONLY: { prefix: 'READONLY', http: 503 },
  NOREPLICAS: { prefix: 'NOREPLICAS', http: 503 },
  NOMASTERLINK: { prefix: 'NOMASTERLINK', http: 503 },
  BUSYKEY: { prefix: 'BUSYKEY', http: 409 },
  LOADING: { prefix: 'LOADING', http: 503 },
  TRYAGAIN: { prefix: 'TRYAGAIN', http: 503 },
  CLUSTERDOWN: { prefix: 'CLUSTERDOWN', http: 503 },
  NOPERM: { prefix: 'NOPERM', http: 403 },
  UNBLOCKED: { prefix: 'UNBLOCKED', http: 409 },
  NOSCRIPT: { prefix: 'NOSCRIPT', http: 404 },
  BUSY: { prefix: 'BUSY', http: 503 },
  NOTBUSY: { prefix: 'NOTBUSY', http: 409 },
  UNKILLABLE: { prefix: 'UNKILLABLE', http: 409 },
  // A HyperLogLog whose sparse opcodes do not cover its 16384 registers (Redis's invalid_hll_err).
  INVALIDOBJ: { prefix: 'INVALIDOBJ', http: 409 },
};

/** An error a command answers with. `message` excludes the prefix; `line` is what goes on the wire. */
export class CommandError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
  get line(): string {
    return `${ERROR_KINDS[this.code].prefix} ${this.message}`;
  }
}

const err = (message: string): CommandError => new CommandError('ERR', message);

// Redis's exact wording for the errors shared across command families.
export const errors = {
  syntax: () => err('syntax error'),
  notInteger: () => err('value is not an integer or out of range'),
  notFloat: () => err('value is not a valid float'),
  overflow: () => err('increment or decrement would overflow'),
  noSuchKey: () => err('no such key'),
  wrongType: () => new CommandError('WRONGTYPE', 'Operation against a key holding the wrong kind of value'),
  dbIndexOutOfRange: () => err('DB index is out of range'),
  invalidExpire: (cmd: string) => err(`invalid expire time in '${cmd}' command`),
  wrongArity: (cmd: string) => err(`wrong number of arguments for '${cmd}' command`),
  noAuth: () => new CommandError('NOAUTH', 'Authentication required.'),
  wrongPass: () => new CommandError('WRONGPASS', 'invalid username-password pair or user is disabled.'),
  oom: () => new CommandError('OOM', "command not allowed when used memory > 'maxmemory'."),
  stringTooLong: () => err('string exceeds maximum allowed size (proto-max-bulk-len)'),
  outOfRange: (what: string) => err(`${what} is out of range`),
  unknownSubcommand: (sub: string, cmd: string) =>
    err(`unknown subcommand '${truncate(sub)}'. Try ${cmd.toUpperCase()} HELP.`),
  /** A known subcommand with arguments it does not take (`sub` as the client spelled it). */
  subcommandArgs: (sub: string, cmd: string) => err(`unknown subcommand or wrong number of arguments for '${truncate(sub)}'. Try ${cmd.toUpperCase()} HELP.`),
  generic: err,
};

export function truncate(s: string, max = 128): string {
  return s.length > max ? s.slice(0, max) : s;
}
