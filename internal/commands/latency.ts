// LATENCY: the latency monitor's events (LATEST, HISTORY, RESET, DOCTOR, GRAPH) and per-command latency histograms (HISTOGRAM), as redis-server 7.0 answers them.
import { readFileSync } from 'node:fs';
import type { CommandContext, CommandSpec, CommandTip } from '../contracts/command.js';
import { CommandError } from '../contracts/errors.js';
import type { CommandStat } from '../contracts/figures.js';
import type { BucketCounts } from '../observability/buckets.js';
import { analyzeSeries, type LatencyMonitor, type LatencySeries } from '../observability/latency-monitor.js';
import { array, bulk, int, map, simple, verbatim, type Reply } from '../resp/reply.js';
import { command } from './spec.js';

// ---------------------------------------------------------------------------------------------
// HISTOGRAM: the executor's fixed buckets in Redis's power-of-two format

/**
 * Redis 7.0 reports a command's latencies from an HDR histogram (nanoseconds, 2 significant
 * digits, values clamped to 1 ns .. 1 s) walked logarithmically from 1024 ns by powers of two:
 * step k reports the cumulative count of values up to the highest value equivalent to
 * 1024 * 2^k ns, which is (1032 * 2^k - 1) ns, under the key of that value in whole µs (1, 2, 4,
 * 8, 16, 33, 66, 132 ... 1082130). Step 20 is the last: 1 s, the largest value kept, lies below it.
 */
const REDIS_STEPS = 21;
const STEP_MAX_NS: readonly number[] = Array.from({ length: REDIS_STEPS }, (_, k) => 1032 * 2 ** k - 1);
/** The keys of `histogram_usec`, one per step. */
export const REDIS_HISTOGRAM_KEYS_US: readonly number[] = STEP_MAX_NS.map((ns) => Math.floor(ns / 1000));

/**
 * A command's latency histogram in Redis's `histogram_usec` form: [µs, cumulative calls] at
 * Redis's steps, only where the cumulative count grows (as fillCommandCDF). ringcache keeps fixed
 * buckets (COMMAND_LATENCY_BOUNDS_US: 1, 2, 5, 10, 20, 50 ... 1 000 000 µs), so each bucket is
 * counted at the first Redis step that covers all of it (a call of 3 µs, in the 2..5 µs bucket,
 * appears at step 8, not 4); calls over 1 s land on the last step, as Redis clamps them to 1 s.
 * The total (the last pair's count) is exact.
 */
export function redisHistogram(h: BucketCounts): [number, number][] {
  const perStep = new Array<number>(REDIS_STEPS).fill(0);
  for (let i = 0; i < h.counts.length; i++) {
    const n = h.counts[i] as number;
    if (n === 0) continue;
    const bound = h.bounds[i];
    let k = REDIS_STEPS - 1;
    if (bound !== undefined) {
      const ns = bound * 1000;
      k = STEP_MAX_NS.findIndex((max) => max >= ns);
      if (k < 0) k = REDIS_STEPS - 1;
    }
    perStep[k] = (perStep[k] as number) + n;
  }
  const out: [number, number][] = [];
  let cumulative = 0;
  for (let k = 0; k < REDIS_STEPS; k++) {
    const n = perStep[k] as number;
    if (n === 0) continue;
    cumulative += n;
    out.push([REDIS_HISTOGRAM_KEYS_US[k] as number, cumulative]);
  }
  return out;
}

/** `calls` and `histogram_usec` of one command (Redis's fillCommandCDF). */
function commandCdf(st: CommandStat): Reply {
  const pairs = redisHistogram(st.latency).map(([us, n]): [Reply, Reply] => [int(us), int(n)]);
  return map([
    [bulk('calls'), int(st.latency.count)],
    [bulk('histogram_usec'), map(pairs)],
  ]);
}

/** A command and its subcommands that have a histogram: [full name, CDF] pairs. */
function histogramsOf(ctx: CommandContext, spec: CommandSpec, out: [Reply, Reply][]): void {
  const own = ctx.server.commandStats.get(spec.name);
  if (own !== undefined && own.latency.count > 0) out.push([bulk(spec.name), commandCdf(own)]);
  for (const sub of spec.subcommands ?? []) histogramsOf(ctx, sub, out);
}

/**
 * LATENCY HISTOGRAM [command ...]: every command with calls, or the ones named (a container
 * brings its subcommands; `client|id` names one); unknown names are skipped, a name given twice
 * answers twice, as in Redis.
 */
function latencyHistogram(ctx: CommandContext, argv: string[]): Reply {
  const out: [Reply, Reply][] = [];
  if (argv.length === 2) {
    for (const spec of ctx.server.commands()) histogramsOf(ctx, spec, out);
  } else {
    for (let i = 2; i < argv.length; i++) {
      const spec = ctx.server.lookupCommand((argv[i] as string).toLowerCase());
      if (spec !== undefined) histogramsOf(ctx, spec, out);
    }
  }
  return map(out);
}

// ---------------------------------------------------------------------------------------------
// LATEST HISTORY RESET

function monitor(ctx: CommandContext): LatencyMonitor {
  return ctx.store.latency;
}

function latencyLatest(ctx: CommandContext): Reply {
  const rows: Reply[] = [];
  for (const [event, series] of monitor(ctx).entries()) {
    const last = series.latest();
    rows.push(array([bulk(event), int(last.time), int(last.latency), int(series.max)]));
  }
  return array(rows);
}

function latencyHistory(ctx: CommandContext, argv: string[]): Reply {
  const series = monitor(ctx).get(argv[2] as string);
  if (series === undefined) return array([]);
  return array(series.samples().map((s) => array([int(s.time), int(s.latency)])));
}

function latencyReset(ctx: CommandContext, argv: string[]): Reply {
  const m = monitor(ctx);
  if (argv.length === 2) return int(m.reset());
  let n = 0;
  for (let i = 2; i < argv.length; i++) n += m.reset(argv[i] as string);
  return int(n);
}

// ---------------------------------------------------------------------------------------------
// GRAPH: Redis's sparkline (sparkline.c), 80 columns, 4 rows, filled

const GRAPH_COLS = 80;
const GRAPH_ROWS = 4;
const CHARSET_FILL = '_o#';
const LABEL_MARGIN_TOP = 1;

interface SparkSample {
  readonly value: number;
  readonly label: string;
}

/** One chunk of at most GRAPH_COLS samples (sparklineRenderRange with SPARKLINE_FILL). */
function renderRange(samples: readonly SparkSample[], min: number, max: number, offset: number, len: number): string {
  const relmax = max - min === 0 ? 1 : max - min;
  const steps = CHARSET_FILL.length * GRAPH_ROWS;
  let out = '';
  for (let row = 0; ; row++) {
    let loop = false;
    const chars = new Array<string>(len).fill(' ');
    for (let j = 0; j < len; j++) {
      const s = samples[j + offset] as SparkSample;
      // C: `step = (int) (relval*steps)/relmax;` truncates the product, then the quotient.
      let step = Math.trunc(Math.trunc((s.value - min) * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < GRAPH_ROWS) {
        const charidx = step - (GRAPH_ROWS - row - 1) * CHARSET_FILL.length;
        loop = true;
        if (charidx >= 0 && charidx < CHARSET_FILL.length) chars[j] = CHARSET_FILL[charidx] as string;
        else if (charidx >= CHARSET_FILL.length) chars[j] = '|';
      } else {
        // A blank line between the graph and the labels, then the labels written downwards.
        if (row - GRAPH_ROWS < LABEL_MARGIN_TOP) {
          loop = true;
          break;
        }
        const labelChar = row - GRAPH_ROWS - LABEL_MARGIN_TOP;
        if (s.label.length > labelChar) {
          loop = true;
          chars[j] = s.label[labelChar] as string;
        }
      }
    }
    if (!loop) return out;
    out += chars.join('') + '\n';
  }
}

/** How long ago a sample was, as LATENCY GRAPH labels it: 5s, 3m, 2h, 1d. */
function agoLabel(elapsed: number): string {
  if (elapsed < 60) return `${elapsed}s`;
  if (elapsed < 3600) return `${Math.trunc(elapsed / 60)}m`;
  if (elapsed < 86400) return `${Math.trunc(elapsed / 3600)}h`;
  return `${Math.trunc(elapsed / 86400)}d`;
}

/** LATENCY GRAPH's text for one event (latencyCommandGenSparkeline), at `nowSec`. */
export function latencyGraph(event: string, series: LatencySeries, nowSec: number): string {
  const samples = series.samples().map((s) => ({ value: s.latency, label: agoLabel(nowSec - s.time) }));
  let min = 0;
  let max = 0;
  samples.forEach((s, i) => {
    if (i === 0 || s.value < min) min = s.value;
    if (i === 0 || s.value > max) max = s.value;
  });
  let out = `${event} - high ${max} ms, low ${min} ms (all time high ${series.max} ms)\n${'-'.repeat(GRAPH_COLS)}\n`;
  for (let j = 0; j < samples.length; j += GRAPH_COLS) {
    if (j !== 0) out += '\n';
    out += renderRange(samples, min, max, j, Math.min(GRAPH_COLS, samples.length - j));
  }
  return out;
}

function latencyGraphCommand(ctx: CommandContext, argv: string[]): Reply {
  const event = argv[2] as string;
  const m = monitor(ctx);
  const series = m.get(event);
  if (series === undefined) throw new CommandError('ERR', `No samples available for event '${event}'`);
  return verbatim(latencyGraph(event, series, m.nowSeconds()));
}

// ---------------------------------------------------------------------------------------------
// DOCTOR: Redis's createLatencyReport, its wording and its advice table

/** What the report reads besides the events. */
export interface DoctorSettings {
  /** latency-monitor-threshold (ms). */
  readonly threshold: number;
  /** slowlog-log-slower-than (µs; negative = disabled). */
  readonly slowlogSlowerThan: number;
  readonly appendfsync: string;
  readonly hz: number;
  /** Bytes of transparent huge pages the process uses (/proc/self/smaps AnonHugePages). */
  readonly anonHugePages: number;
}

type Advice =
  | 'betterVm'
  | 'slowlogEnabled'
  | 'slowlogTuning'
  | 'slowlogInspect'
  | 'diskContention'
  | 'scheduler'
  | 'dataWriteback'
  | 'noAppendfsync'
  | 'localDisk'
  | 'ssd'
  | 'writeLoadInfo'
  | 'hz'
  | 'largeObjects'
  | 'massEviction'
  | 'relaxFsyncPolicy'
  | 'disableThp';

/** The advice each event brings (latency.c); `advices` counts them per event as Redis does, repeats included. */
const EVENT_ADVICE: Readonly<Record<string, readonly Advice[]>> = {
  'fast-command': ['scheduler'],
  'aof-write-pending-fsync': ['localDisk', 'diskContention', 'ssd', 'dataWriteback'],
  'aof-write-active-child': ['noAppendfsync', 'dataWriteback', 'ssd'],
  'aof-write-alone': ['localDisk', 'dataWriteback', 'ssd'],
  'aof-fsync-always': ['relaxFsyncPolicy'],
  'aof-fstat': ['diskContention', 'localDisk'],
  'rdb-unlink-temp-file': ['diskContention', 'localDisk'],
  'aof-rewrite-diff-write': ['writeLoadInfo', 'dataWriteback', 'ssd', 'localDisk'],
  'aof-rename': ['writeLoadInfo', 'dataWriteback', 'ssd', 'localDisk'],
  'expire-cycle': ['hz', 'largeObjects'],
  'eviction-del': ['largeObjects'],
  'eviction-cycle': ['massEviction'],
};

const ADVICE_TEXT: readonly [Advice, (s: DoctorSettings) => string | null][] = [
  [
    'betterVm',
    () =>
      '- If you are using a virtual machine, consider upgrading it with a faster one using a hypervisior that provides less latency during fork() calls. Xen is known to have poor fork() performance. Even in the context of the same VM provider, certain kinds of instances can execute fork faster than others.\n',
  ],
  [
    'slowlogEnabled',
    (s) =>
      `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${s.threshold * 1000}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`,
  ],
  [
    'slowlogTuning',
    (s) =>
      `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${s.threshold * 1000}'.\n`,
  ],
  [
    'slowlogInspect',
    () =>
      '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n',
  ],
  [
    'scheduler',
    () =>
      '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
      '  1) Lower the system load.\n' +
      '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
      '  3) Check if you have a "noisy neighbour" problem.\n' +
      "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
      '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n',
  ],
  [
    'localDisk',
    () =>
      '- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n',
  ],
  [
    'ssd',
    () =>
      '- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log rewriting (resulting in smaller memory usage). With extremely high write load SSD disks can be a good option. However Redis should perform reasonably with high load using normal disks. Use this advice as a last resort.\n',
  ],
  [
    'dataWriteback',
    () =>
      '- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that after a hard crash the AOF file will have a half-written command at the end and will require to be repaired before Redis restarts.\n',
  ],
  [
    'diskContention',
    () =>
      '- Try to lower the disk contention. This is often caused by other disk intensive processes running in the same computer (including other Redis instances).\n',
  ],
  [
    'noAppendfsync',
    () =>
      "- Assuming from the point of view of data safety this is viable in your environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a child rewriting the AOF file or producing an RDB file (the moment where there is high disk contention).\n",
  ],
  [
    'relaxFsyncPolicy',
    (s) =>
      s.appendfsync === 'always'
        ? "- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to 'onesec'.\n"
        : null,
  ],
  [
    'writeLoadInfo',
    () =>
      '- Latency during the AOF atomic rename operation or when the final difference is flushed to the AOF file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer to get very large. If possible try to send less commands to accomplish the same work, or use Lua scripts to group multiple operations into a single EVALSHA call.\n',
  ],
  [
    'hz',
    (s) =>
      s.hz < 100
        ? "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n"
        : null,
  ],
  [
    'largeObjects',
    () =>
      '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n',
  ],
  [
    'massEviction',
    () =>
      "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n",
  ],
  [
    'disableThp',
    () =>
      "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n",
  ],
];

/** C's `%.2f`: ties to even on the binary value, where toFixed rounds them up. */
function fixed2(v: number): string {
  const scaled = v * 100;
  if (Number.isInteger(scaled * 2) && !Number.isInteger(scaled)) {
    const down = Math.floor(scaled);
    return ((down % 2 === 0 ? down : down + 1) / 100).toFixed(2);
  }
  return v.toFixed(2);
}

/** The advice an event brings beyond the table: "command" depends on the slow log settings. */
function commandAdvice(s: DoctorSettings): Advice[] {
  const out: Advice[] = [];
  if (s.slowlogSlowerThan < 0) out.push('slowlogEnabled');
  else if (Math.trunc(s.slowlogSlowerThan / 1000) > s.threshold) out.push('slowlogTuning');
  out.push('slowlogInspect', 'largeObjects');
  return out;
}

/** LATENCY DOCTOR's report (createLatencyReport), at `nowSec`. */
export function latencyDoctor(m: LatencyMonitor, s: DoctorSettings, nowSec: number): string {
  if (m.size === 0 && s.threshold === 0) {
    return 'I\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n';
  }
  const advised = new Set<Advice>();
  let advices = 0;
  let report = '';
  let eventnum = 0;
  for (const [event, series] of m.entries()) {
    eventnum++;
    if (eventnum === 1) report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
    const ls = analyzeSeries(series, nowSec);
    const perSample = ls.samples === 0 ? NaN : ls.period / ls.samples;
    report += `${eventnum}. ${event}: ${ls.samples} latency spikes (average ${ls.avg}ms, mean deviation ${ls.mad}ms, period ${fixed2(perSample)} sec). Worst all time event ${series.max}ms.`;
    // Redis compares event names case-insensitively here.
    const lower = event.toLowerCase();
    const brings = lower === 'command' ? commandAdvice(s) : (EVENT_ADVICE[lower] ?? []);
    for (const a of brings) advised.add(a);
    advices += brings.length;
    report += '\n';
  }
  if (s.anonHugePages > 0) {
    advised.add('disableThp');
    advices++;
  }
  if (eventnum === 0 && advices === 0) {
    return report + 'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';
  }
  if (eventnum > 0 && advices === 0) {
    return report + "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n";
  }
  report += '\nI have a few advices for you:\n\n';
  for (const [advice, text] of ADVICE_TEXT) {
    if (!advised.has(advice)) continue;
    const t = text(s);
    if (t !== null) report += t;
  }
  return report;
}

/** Bytes of AnonHugePages the process maps (Redis's THPGetAnonHugePagesSize); 0 when unknown. */
function anonHugePagesBytes(): number {
  try {
    const m = /^AnonHugePages:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/smaps_rollup', 'latin1'));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

function latencyDoctorCommand(ctx: CommandContext): Reply {
  const cfg = ctx.server.config;
  const m = monitor(ctx);
  const settings: DoctorSettings = {
    threshold: Number(cfg.num('redis.latency_monitor_threshold')),
    slowlogSlowerThan: Number(cfg.num('slowlog_log_slower_than')),
    appendfsync: cfg.str('appendfsync'),
    hz: cfg.num('hz'),
    anonHugePages: anonHugePagesBytes(),
  };
  return verbatim(latencyDoctor(m, settings, m.nowSeconds()));
}

// ---------------------------------------------------------------------------------------------
// The table

const LATENCY_HELP = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
  'HELP',
  '    Prints this help.',
];

function latencyHelp(): Reply {
  return array(['LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', ...LATENCY_HELP].map(simple));
}

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;

/** Redis routes the reports to every node and merges them its own way; RESET must succeed everywhere. */
const REPORT_TIPS = ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'] as const;
const RESET_TIPS = ['request_policy:all_nodes', 'response_policy:all_succeeded'] as const;

const sub = (
  name: string,
  arity: number,
  summary: string,
  handler: (ctx: CommandContext, argv: string[]) => Reply,
  extra: { since?: string; complexity?: string; tips?: readonly CommandTip[] } = {},
): CommandSpec =>
  command({
    name: `latency|${name}`,
    arity,
    flags: [...ADMIN],
    group: 'server',
    tips: extra.tips ?? REPORT_TIPS,
    summary,
    since: extra.since ?? '2.8.13',
    complexity: extra.complexity ?? 'O(1)',
    handler,
  });

export const latencyCommands: CommandSpec[] = [
  command({
    name: 'latency',
    arity: -2,
    group: 'server',
    summary: 'A container for latency diagnostics commands',
    since: '2.8.13',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('doctor', 2, 'Return a human readable latency analysis report.', latencyDoctorCommand),
      sub('graph', 3, 'Return a latency graph for the event.', latencyGraphCommand),
      sub('histogram', -2, 'Return the cumulative distribution of latencies of a subset of commands or all.', latencyHistogram, {
        since: '7.0.0',
        complexity: 'O(N) where N is the number of commands with latency information being retrieved.',
      }),
      sub('history', 3, 'Return timestamp-latency samples for the event.', latencyHistory),
      sub('latest', 2, 'Return the latest latency samples for all events.', latencyLatest),
      sub('reset', -2, 'Reset latency data for one or more events.', latencyReset, { tips: RESET_TIPS }),
      command({
        name: 'latency|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'server',
        summary: 'Show helpful text about the different subcommands.',
        since: '2.8.13',
        complexity: 'O(1)',
        handler: latencyHelp,
      }),
    ],
  }),
];
