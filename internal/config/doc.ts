// docs/configuration.md, generated from the schema: every parameter with its names, type, bounds, default, CONFIG SET rule and effect.
import { envName, flagName } from './load.js';
import { formatValue } from './parse.js';
import { type Param, PARAMS, redisName } from './schema.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string): string => (s === '' ? '""' : '`' + s.replace(/`/g, "'") + '`');

function typeOf(p: Param): string {
  const range = p.min !== undefined || p.max !== undefined ? ` ${String(p.min ?? '')}..${String(p.max ?? '')}` : '';
  switch (p.type) {
    case 'int':
      return `int${range}${p.clamp ? ` (used: ${p.clamp[0]}..${p.clamp[1]})` : ''}`;
    case 'memory':
      return `bytes${range} (units b, k, kb, m, mb, g, gb)`;
    case 'bool':
      return 'yes/no';
    case 'enum':
      return (p.values ?? []).join(' | ');
    case 'list':
      return 'list (YAML sequence or comma-separated)';
    case 'string':
      return p.parse !== undefined ? 'string, Redis syntax' : 'string';
  }
}

function defaultOf(p: Param): string {
  if (p.path === 'http.port') return 'port + 1000';
  if (p.path === 'cluster.gossip_port') return 'port + 10000';
  if (p.path === 'node_id') return '`node-<port>`';
  // A directory is shown as configured, not resolved against wherever the docs were generated.
  return code(p.path === 'dir' ? String(p.default) : formatValue(p, p.default));
}

function setRule(p: Param): string {
  if (p.mutable === false) return 'no (immutable)';
  const rule = p.mutable === 'startup' ? 'current value only' : 'yes';
  return p.protectedConfig === true ? `${rule}, if enable-protected-configs allows` : rule;
}

function names(p: Param): string {
  const all = [redisName(p), ...(p.aliases ?? [])].map(code).join(', ');
  return p.hidden === true ? `${all} (hidden)` : all;
}

function row(p: Param, yaml: string): string {
  const doc = p.effect === 'none' ? `Accepted, no effect. ${p.doc}` : p.doc;
  return `| ${[names(p), yaml, typeOf(p), defaultOf(p), setRule(p), doc].map(cell).join(' | ')} |`;
}

const HEADER = `# Configuration

<!-- Generated from internal/config/schema.ts and redis-params.ts by internal/config/doc.ts; do not edit.
     Regenerate: RINGCACHE_WRITE_DOCS=1 npx vitest run --project unit internal/config/doc.test.ts -->

Every parameter lives in one schema (\`internal/config/schema.ts\`, with the Redis compatibility
section in \`internal/config/redis-params.ts\`): its type, default, bounds, whether CONFIG SET may
change it, and what it does. This page is generated from it, and a unit test fails when the two
disagree.

## Where values come from

Built-in defaults, then the YAML file given with \`--config FILE\`, then \`RINGCACHE_*\` environment
variables, then command-line flags; each layer overrides the one before, key by key. One parameter
has four spellings: the YAML key (\`maxmemory_policy\`, nested as \`http: { port: 9080 }\` for
\`http.port\`), the flag (\`--maxmemory-policy\`, \`--http-port\`), the environment variable
(\`RINGCACHE_MAXMEMORY_POLICY\`, \`RINGCACHE_HTTP_PORT\`) and the CONFIG name (\`maxmemory-policy\`).
Unknown keys and flags stop the node at start-up. Values are parsed as CONFIG SET parses them
(Redis's syntax and bounds), except that surrounding spaces are ignored and a boolean may also be
\`true\`/\`false\`.

Unset, \`http.port\` and \`cluster.gossip_port\` derive from \`port\`: HTTP = port + 1000, gossip =
port + 10000 (Redis's cluster-bus offset), so \`ringcache --port 6380\` and \`ringcache --port 6381\`
run side by side; port 0 keeps them 0 (free ports), an explicit value always wins, and a derived
port past 65535 is an error naming what to set.

## CONFIG GET, SET, REWRITE

CONFIG GET and CONFIG SET behave as redis-server 7.0.15's, byte for byte in their replies and errors
(\`internal/config/config.int.test.ts\` compares them side by side): \`CONFIG GET *\` lists every
name redis-server lists (192, the 7.0 aliases \`*-ziplist-*\` for \`*-listpack-*\`, \`slave*\` for
\`replica*\`, \`lua-time-limit\` for \`busy-reply-threshold\` included) plus ringcache's own; hidden
parameters answer only to their exact name; \`CONFIG SET a 1 b 2\` is all or nothing, checked in
Redis's order (the first unknown, immutable, protected or repeated name, then the first refused
value). The *CONFIG SET* column below reads:

- **yes**: changed at run time, applied at once (or read at its next use).
- **no (immutable)**: Redis's immutable parameters: \`can't set immutable config\`, whatever the value.
- **current value only**: parameters Redis can change at run time but a ringcache node fixes at
  start-up (\`port\`, \`bind\`, ringcache's own listeners and cluster identity): setting the value they
  have is a no-op, as in Redis, so tools that write back what CONFIG GET returned keep working;
  another value gets \`can't set immutable config\`.
- **yes, if enable-protected-configs allows**: Redis's protected configs (\`dir\`, \`dbfilename\`):
  \`can't set protected config\` unless \`enable_protected_configs\` is \`yes\`, or \`local\` and the
  client is on 127.0.0.1 / ::1.

CONFIG REWRITE writes the running values back into the YAML file the node started from, keeping its
comments, key order and untouched values: what CONFIG SET changed, and what flags or environment
set at start-up (as Redis writes its command-line options), but not derived ports, and a secret
given by the environment only once CONFIG SET changed it. Without a file it answers
\`ERR The server is running without a config file\`. CONFIG RESETSTAT resets the statistics INFO reports.

## Where ringcache differs from redis-server's defaults

- \`port\` 8080 (Redis 6379), \`dir\` \`./data\`, \`dbfilename\` \`dump.rcs\` (ringcache's own snapshot
  format, not RDB).
- \`loglevel\` takes Redis's names (debug, verbose, notice, warning) and pino's (trace, info, warn,
  error, fatal); the default is \`info\`.
- \`databases\` is at most 1024; \`cluster-enabled\` is always \`yes\` (every node serves the slot ring).
- Numbers Redis allows past 2^53 (LONG_MAX bounds) are accepted and kept as 2^53-1.
- \`notify-keyspace-events\` reads back in Redis's canonical form (\`KEA\` is \`AKE\`), except that \`n\`
  is kept next to \`A\` (Redis drops it from the text while keeping the flag).
- DEBUG is off by default (\`enable_debug_command\`, as Redis 7); DEBUG SLEEP sleeps at most 5 seconds
  per event-loop turn, so a SIGTERM still stops the node.
- OBJECT ENCODING answers as Redis 7.0: \`quicklist\` for every list, and for hashes, sets and sorted
  sets what the configured thresholds make them.
`;

/** The whole of docs/configuration.md. */
export function configurationDoc(): string {
  const own = PARAMS.filter((p) => p.effect !== 'none');
  const compat = PARAMS.filter((p) => p.effect === 'none');
  const table = ['| CONFIG name | YAML key | Type | Default | CONFIG SET | Description |', '|---|---|---|---|---|---|'];
  const lines = [
    HEADER,
    '## Parameters ringcache uses',
    '',
    'Flag: `--` and the CONFIG name of the YAML key (`--http-port`); environment: `RINGCACHE_` and the key in capitals (`RINGCACHE_HTTP_PORT`).',
    '',
    ...table,
    ...own.map((p) => row(p, code(p.path))),
    '',
    '## Redis parameters accepted with no effect',
    '',
    'Accepted, validated with Redis 7.0\'s rules (type, bounds, enum values, immutability) and read back by',
    'CONFIG GET, so tools and test suites that set them work; nothing in ringcache reads them. In the YAML',
    'file they go in the `redis` section (`redis: { repl_timeout: 30 }`); flags and environment add',
    `\`redis-\` (\`--${flagName(compat[0] as Param)}\`, \`${envName(compat[0] as Param)}\`).`,
    '',
    ...table,
    ...compat.map((p) => row(p, code(p.path))),
    '',
  ];
  return lines.join('\n');
}
