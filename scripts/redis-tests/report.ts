// Turns parsed runtest output into per-unit results (passed, failed, not run, why) and the side-by-side table; pure.
import type { RuntestOutput } from './runtest-output.js';

/** How one runtest invocation (one unit against one server) ended, as the runner observed it. */
export interface UnitRun {
  readonly unit: string;
  readonly output: RuntestOutput;
  /** runtest's exit code (null when it was killed by a signal). */
  readonly exitCode: number | null;
  /** The server could not be started; runtest did not run. */
  readonly startError?: string;
  /** The server exited while the unit ran (`code 1`, `signal SIGSEGV`). */
  readonly serverDied?: string;
  /** The runner stopped runtest after its own wall-clock limit (seconds). */
  readonly killedAfterSeconds?: number;
}

export interface Failure {
  readonly name: string;
  /** One line: the error message runtest printed, unchopped. */
  readonly reason: string;
  /** A short grouping key (`unknown command MEMORY`, `CONFIG SET list-max-ziplist-size unknown`). */
  readonly cause: string;
  /** Everything runtest printed for it (message and Tcl errorInfo). */
  readonly error: string;
}

export interface UnitSummary {
  readonly unit: string;
  readonly status: 'completed' | 'aborted';
  /** Why the unit stopped early; null when it completed. */
  readonly abortReason: string | null;
  readonly passed: number;
  /** Tests that ran and failed (`[err]`). */
  readonly failedTests: number;
  /** Tests the reference run reached that this run did not (aborted unit, failed block setup); null: no reference. */
  readonly notRun: number | null;
  readonly notRunNames: readonly string[];
  /** failedTests + notRun: everything that did not pass. */
  readonly failed: number;
  readonly skipped: number;
  readonly ignored: number;
  readonly failures: readonly Failure[];
  /** Errors raised outside any test (block setup); the rest of that block did not run. */
  readonly blockErrors: readonly Failure[];
}

/**
 * The message of a runtest error, unchopped. With --durable runtest drops the first 10 characters of a
 * non-assertion error's message (`ERR Unknown option` -> `n option`) and prints the whole message again as
 * errorInfo's first line, so prefer that line when the first is a suffix of it.
 */
export function errorReason(error: string): string {
  const lines = error.split('\n').filter((l) => l.trim() !== '');
  const first = (lines[0] ?? '').trim();
  const second = (lines[1] ?? '').trim();
  if (first !== '' && second.length > first.length && second.endsWith(first)) return second;
  // An exception reads `Executing test client: <message>.` with errorInfo's first line the bare message.
  if (second !== '' && first === `${second}.`) return second;
  if (first === '' && second !== '') return second;
  return first;
}

/**
 * A short, stable grouping key for an error message (what docs/compatibility.md groups failures by).
 * `error` (runtest's whole text) tells a failed assertion (message only) from a Tcl error (with errorInfo).
 */
export function causeOf(reason: string, error = ''): string {
  let m: RegExpExecArray | null;
  if ((m = /unknown command '([^']*)'(?:, with args beginning with: '([^']*)')?/i.exec(reason)) !== null) {
    const cmd = (m[1] as string).toUpperCase();
    const sub = m[2] ?? '';
    return /^[a-z-]+$/i.test(sub) && ['FUNCTION', 'CLIENT', 'CONFIG', 'MEMORY', 'OBJECT', 'LATENCY', 'DEBUG', 'SCRIPT', 'XINFO', 'PUBSUB', 'COMMAND', 'ACL', 'CLUSTER', 'MODULE', 'SLOWLOG'].includes(cmd)
      ? `unknown command ${cmd} ${sub.toUpperCase()}`
      : `unknown command ${cmd}`;
  }
  if ((m = /unknown subcommand '([^']*)'(?:.*?Try ([A-Z]+) HELP)?/i.exec(reason)) !== null) {
    return m[2] !== undefined ? `unknown subcommand ${m[2]} ${(m[1] as string).toUpperCase()}` : `unknown subcommand ${(m[1] as string).toUpperCase()}`;
  }
  if ((m = /(?:Unknown option or number of arguments for CONFIG SET|Unknown option|unsupported CONFIG parameter)\W+'([^']+)'/i.exec(reason)) !== null) {
    return `CONFIG SET ${m[1] as string} unknown`;
  }
  if (/I\/O error reading reply|connection refused|connection reset|broken pipe|\bEOF\b/i.test(reason)) return 'connection lost';
  if ((m = /^ERR wrong number of arguments for '([^']*)'/i.exec(reason)) !== null) return `wrong number of arguments for ${(m[1] as string).toUpperCase()}`;
  if (/^(ERR|WRONGTYPE|NOSCRIPT|BUSY|NOPERM|NOAUTH|EXECABORT|OOM|READONLY|CROSSSLOT|NOGROUP|BUSYGROUP)\b/.test(reason)) {
    // Keep the error's wording, not its per-test details (key names, numbers).
    return `unexpected error reply: ${reason.replace(/'[^']*'/g, "'…'").replace(/\d+/g, 'N').slice(0, 80)}`;
  }
  if (/\n\s+while executing\n/.test(error)) return `Tcl error in the test: ${reason.replace(/"[^"]*"/g, '"…"').slice(0, 60)}`;
  return 'wrong reply (assertion failed)';
}

function failureOf(name: string, error: string): Failure {
  const reason = errorReason(error);
  return { name, reason, cause: causeOf(reason, error), error };
}

/** Counts of each name (test names repeat inside a unit: the same test over two encodings). */
function countNames(names: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of names) out.set(n, (out.get(n) ?? 0) + 1);
  return out;
}

/** The tests a run reached: passed or failed (the names a reference run lists). */
export function reachedNames(output: RuntestOutput): string[] {
  return output.tests.filter((t) => t.outcome === 'ok' || t.outcome === 'err').map((t) => t.name);
}

/** Names in `reference` (with multiplicity) that `reached` lacks, in reference order. */
export function missingNames(reference: readonly string[], reached: readonly string[]): string[] {
  const have = countNames(reached);
  const out: string[] = [];
  for (const n of reference) {
    const c = have.get(n) ?? 0;
    if (c > 0) have.set(n, c - 1);
    else out.push(n);
  }
  return out;
}

/** Why a run stopped early, or null when runtest got to its end on a live server. */
export function abortReason(run: UnitRun): string | null {
  if (run.startError !== undefined) return `server did not start: ${run.startError}`;
  if (run.serverDied !== undefined) return `server died (${run.serverDied})`;
  if (run.killedAfterSeconds !== undefined) return `killed by the runner after ${run.killedAfterSeconds} s`;
  const o = run.output;
  if (o.exception !== null) return `exception: ${errorReason(o.exception.replace(/^Executing test client: /, ''))}`;
  if (o.timedOut) return `runtest timeout (no progress)${o.timedOutIn !== null ? ` at ${o.timedOutIn}` : ''}`;
  if (!o.finished) return `runtest exited (code ${run.exitCode ?? 'signal'}) before its end`;
  return null;
}

/**
 * One unit's result. `reference` lists the tests a reference run (redis-server, same flags) reached;
 * those this run did not reach count as not passed, whether the unit aborted or a block's setup failed.
 */
export function summarizeUnit(run: UnitRun, reference: readonly string[] | null): UnitSummary {
  const tests = run.output.tests;
  const failures = tests.filter((t) => t.outcome === 'err').map((t) => failureOf(t.name, t.detail ?? ''));
  const passed = tests.filter((t) => t.outcome === 'ok').length;
  const reason = abortReason(run);
  const notRunNames = reference === null ? [] : missingNames(reference, reachedNames(run.output));
  const notRun = reference === null ? null : notRunNames.length;
  return {
    unit: run.unit,
    status: reason === null ? 'completed' : 'aborted',
    abortReason: reason,
    passed,
    failedTests: failures.length,
    notRun,
    notRunNames,
    failed: failures.length + (notRun ?? 0),
    skipped: tests.filter((t) => t.outcome === 'skip').length,
    ignored: tests.filter((t) => t.outcome === 'ignore').length,
    failures,
    blockErrors: run.output.blockErrors.map((e) => failureOf('(block setup)', e)),
  };
}

export interface Row {
  readonly unit: string;
  readonly ringcache: UnitSummary | null;
  readonly redis: UnitSummary | null;
}

/** The JSON a run writes (and docs/compatibility.md is written from). */
export interface RunResult {
  readonly suite: { readonly version: string; readonly dir: string; readonly flags: readonly string[]; readonly harnessPatches: readonly string[] };
  readonly ringcache: { readonly version: string; readonly commit: string; readonly uncommittedChanges: boolean };
  readonly redisServer: string | null;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly runDir: string;
  readonly totals: { readonly ringcache: Totals; readonly redis: Totals | null };
  readonly units: readonly Row[];
}

function cell(s: UnitSummary | null): string {
  if (s === null) return '-';
  const unknown = s.status === 'aborted' && s.notRun === null ? '+?' : '';
  return `${s.passed}/${s.failed}${unknown}${s.status === 'aborted' ? ' aborted' : ''}`;
}

/** `unit  ringcache passed/failed  redis passed/failed`, padded; failed includes tests not run. */
export function formatRow(row: Row, width = 22): string {
  return `${row.unit.padEnd(width)}  ringcache ${cell(row.ringcache).padEnd(18)}  redis ${cell(row.redis)}`;
}

export interface Totals {
  readonly passed: number;
  readonly failed: number;
  readonly aborted: number;
}

export function totals(summaries: readonly (UnitSummary | null)[]): Totals {
  let passed = 0;
  let failed = 0;
  let aborted = 0;
  for (const s of summaries) {
    if (s === null) continue;
    passed += s.passed;
    failed += s.failed;
    if (s.status === 'aborted') aborted++;
  }
  return { passed, failed, aborted };
}

export function formatTotal(rows: readonly Row[], width = 22): string {
  const rc = totals(rows.map((r) => r.ringcache));
  const rd = totals(rows.map((r) => r.redis));
  const pct = (t: Totals): string => (t.passed + t.failed === 0 ? '' : ` (${((100 * t.passed) / (t.passed + t.failed)).toFixed(1)}%)`);
  const hasRedis = rows.some((r) => r.redis !== null);
  return (
    `${'total'.padEnd(width)}  ringcache ${`${rc.passed}/${rc.failed}${pct(rc)}`.padEnd(18)}  redis ${hasRedis ? `${rd.passed}/${rd.failed}${pct(rd)}` : '-'}` +
    `  (${rows.length} units; aborted: ringcache ${rc.aborted}${hasRedis ? `, redis ${rd.aborted}` : ''})`
  );
}

/** A minimum for one unit (or `*` for every unit): a pass count, or a percentage of the unit's tests. */
export interface Threshold {
  readonly unit: string;
  readonly minPassed?: number;
  readonly minPercent?: number;
}

/** Parses `--min-pass UNIT=PCT` (`type/list=97`, `*=90`); throws on anything else. */
export function parseMinPass(arg: string): Threshold {
  const m = /^([^=\s]+)=(\d+(?:\.\d+)?)%?$/.exec(arg.trim());
  if (m === null) throw new Error(`--min-pass expects UNIT=PERCENT (e.g. type/list=97), got '${arg}'`);
  const pct = Number(m[2]);
  if (pct > 100) throw new Error(`--min-pass ${arg}: a percentage is at most 100`);
  return { unit: m[1] as string, minPercent: pct };
}

/** Parses a thresholds file: `{ "type/list": 220, ... }` (minimum passed tests per unit, as recorded). */
export function parseThresholdsFile(json: string): Threshold[] {
  const doc: unknown = JSON.parse(json);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('a thresholds file is a JSON object { "unit": minPassed }');
  return Object.entries(doc as Record<string, unknown>).map(([unit, v]) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`thresholds: ${unit}: expected a pass count (integer >= 0), got ${JSON.stringify(v)}`);
    return { unit, minPassed: v };
  });
}

/** Thresholds file content recording each unit's current pass count. */
export function recordThresholds(summaries: readonly UnitSummary[]): string {
  const out: Record<string, number> = {};
  for (const s of summaries) out[s.unit] = s.passed;
  return JSON.stringify(out, null, 2) + '\n';
}

/** The thresholds a run misses, one line each; units not in the run are not judged. */
export function checkThresholds(summaries: readonly UnitSummary[], thresholds: readonly Threshold[]): string[] {
  const out: string[] = [];
  for (const t of thresholds) {
    for (const s of summaries.filter((x) => t.unit === '*' || x.unit === t.unit)) {
      if (t.minPassed !== undefined && s.passed < t.minPassed) {
        out.push(`${s.unit}: ${s.passed} passed, below the recorded ${t.minPassed}`);
      }
      if (t.minPercent !== undefined) {
        const all = s.passed + s.failed;
        // A unit with no selected tests passes, unless it aborted before anything could be counted.
        const pct = all === 0 ? (s.status === 'aborted' ? 0 : 100) : (100 * s.passed) / all;
        if (pct < t.minPercent) out.push(`${s.unit}: ${pct.toFixed(1)}% passed (${s.passed}/${all}), below ${t.minPercent}%`);
      }
    }
  }
  return out;
}
