// Renders a test:redis run result as Markdown (the per-unit table and the failing tests grouped by cause); pure.
import { type RunResult, type UnitSummary, causeOf, errorReason } from './report.js';

/** Escapes what Markdown would read as markup in a test name or message. */
export function escapeMd(s: string): string {
  return s.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

/** One printable line: errors can quote binary payloads (a RESTORE argument), which become `?`. */
function oneLine(s: string, max = 140): string {
  // eslint-disable-next-line no-control-regex
  const flat = s.replace(/\s+/g, ' ').replace(/[\x00-\x1f\x7f-\x9f\ufffd]/g, '?').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The grouping cause for the tests a unit did not reach. */
export function notRunCause(s: UnitSummary): string {
  if (s.abortReason !== null) {
    const exc = /^exception: (.*)$/s.exec(s.abortReason);
    if (exc !== null) return `unit aborted: ${causeOf(exc[1] as string)}`;
    return `unit aborted: ${s.abortReason.replace(/ at \(.*$/, '')}`;
  }
  const blocks = [...new Set(s.blockErrors.map((b) => causeOf(b.reason, b.error)))];
  if (blocks.length > 0) return `block setup failed: ${blocks.join('; ')}`;
  return 'not run here, run on redis-server (a test conditional on the server, e.g. on INFO mem_allocator)';
}

interface Entry {
  readonly unit: string;
  readonly line: string;
  readonly tests: number;
}

function groupFailures(result: RunResult): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>();
  const add = (cause: string, e: Entry): void => {
    const g = groups.get(cause);
    if (g === undefined) groups.set(cause, [e]);
    else g.push(e);
  };
  for (const row of result.units) {
    const s = row.ringcache;
    if (s === null) continue;
    // The cause is derived again from the reason, so an older result renders with today's grouping.
    for (const f of s.failures) {
      const cause = causeOf(f.reason, f.error);
      // The reason adds nothing when it is the unknown (sub)command error its cause already names.
      const redundant = /^ERR unknown (sub)?command '/i.test(f.reason) && cause.startsWith('unknown ');
      add(cause, { unit: s.unit, line: redundant ? escapeMd(f.name) : `${escapeMd(f.name)} — ${escapeMd(oneLine(f.reason))}`, tests: 1 });
    }
    if (s.notRunNames.length > 0) {
      const first = s.notRunNames.slice(0, 3).map((n) => `“${escapeMd(n)}”`).join(', ');
      const more = s.notRunNames.length > 3 ? ` and ${s.notRunNames.length - 3} more` : '';
      const hung = s.abortReason !== null && s.abortReason.startsWith('runtest timeout') ? ` (${escapeMd(s.abortReason.replace(/^runtest timeout \(no progress\) at /, 'no progress at '))})` : '';
      add(notRunCause(s), { unit: s.unit, line: `${s.notRunNames.length} not run${hung}: ${first}${more}`, tests: s.notRunNames.length });
    } else if (s.status === 'aborted' && s.notRun === null) {
      add(notRunCause(s), { unit: s.unit, line: 'unit aborted; tests not reached unknown (no reference run)', tests: 0 });
    }
  }
  return groups;
}

function cells(s: UnitSummary | null): [string, string] {
  if (s === null) return ['–', '–'];
  const unknown = s.status === 'aborted' && s.notRun === null ? '+?' : '';
  return [String(s.passed), `${s.failed}${unknown}${s.notRun !== null && s.notRun > 0 ? ` (${s.notRun} not run)` : ''}`];
}

function note(s: UnitSummary | null): string {
  if (s === null) return '';
  if (s.abortReason !== null) {
    const exc = /^exception: (.*)$/s.exec(s.abortReason);
    return `aborted: ${escapeMd(oneLine(exc !== null ? errorReason(exc[1] as string) : s.abortReason, 90))}`;
  }
  if (s.blockErrors.length > 0) return `block setup failed: ${escapeMd(oneLine([...new Set(s.blockErrors.map((b) => causeOf(b.reason, b.error)))].join('; '), 90))}`;
  return '';
}

/** The per-unit table (ringcache vs redis-server, same run) with a total row. */
export function markdownTable(result: RunResult): string {
  const out = [
    '| unit | ringcache passed | ringcache failed | redis-server passed | redis-server failed | ringcache note |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const row of result.units) {
    const [rp, rf] = cells(row.ringcache);
    const [dp, df] = cells(row.redis);
    out.push(`| ${row.unit} | ${rp} | ${rf} | ${dp} | ${df} | ${note(row.ringcache)} |`);
  }
  const t = result.totals;
  const pct = (p: number, f: number): string => (p + f === 0 ? '' : ` (${((100 * p) / (p + f)).toFixed(1)}%)`);
  out.push(
    `| **total** | **${t.ringcache.passed}**${pct(t.ringcache.passed, t.ringcache.failed)} | **${t.ringcache.failed}** | ` +
      `${t.redis === null ? '–' : `**${t.redis.passed}**${pct(t.redis.passed, t.redis.failed)}`} | ${t.redis === null ? '–' : `**${t.redis.failed}**`} | ` +
      `${t.ringcache.aborted} units aborted |`,
  );
  return out.join('\n');
}

/** Every failing ringcache test with a one-line reason, grouped by cause, largest group first. */
export function markdownFailures(result: RunResult): string {
  const groups = [...groupFailures(result)].sort((a, b) => b[1].reduce((n, e) => n + e.tests, 0) - a[1].reduce((n, e) => n + e.tests, 0) || a[0].localeCompare(b[0]));
  if (groups.length === 0) return 'No ringcache test failed.';
  const out: string[] = [];
  for (const [cause, entries] of groups) {
    const n = entries.reduce((k, e) => k + e.tests, 0);
    out.push(`#### ${escapeMd(cause)} (${n} test${n === 1 ? '' : 's'})`, '');
    for (const e of entries) out.push(`- \`${e.unit}\` ${e.line}`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}

/** The top causes by number of tests (for a summary line). */
export function topCauses(result: RunResult, n: number): { cause: string; tests: number }[] {
  return [...groupFailures(result)]
    .map(([cause, entries]) => ({ cause, tests: entries.reduce((k, e) => k + e.tests, 0) }))
    .sort((a, b) => b.tests - a.tests || a.cause.localeCompare(b.cause))
    .slice(0, n);
}

export function renderMarkdown(result: RunResult): string {
  const patches = result.suite.harnessPatches.length > 0 ? `; harness patched: ${result.suite.harnessPatches.join('; ')}` : '';
  return [
    `Run ${result.startedAt.slice(0, 10)}: Redis ${result.suite.version} test suite, ringcache ${result.ringcache.version} (${result.ringcache.commit}` +
      `${result.ringcache.uncommittedChanges ? ', with uncommitted changes' : ''})` +
      `${result.redisServer !== null ? ` vs redis-server ${result.redisServer}` : ''}, ${result.durationSeconds} s${patches}.`,
    '',
    markdownTable(result),
    '',
    '### Failing ringcache tests by cause',
    '',
    markdownFailures(result),
    '',
  ].join('\n');
}
