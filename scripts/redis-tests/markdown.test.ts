// The Markdown rendering of a run: table cells, notes, failures grouped by cause; over runtest output captured from real runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeMd, markdownFailures, markdownTable, notRunCause, renderMarkdown, topCauses } from './markdown.js';
import { type Row, type RunResult, reachedNames, summarizeUnit, totals } from './report.js';
import { parseRuntestOutput } from './runtest-output.js';

const sample = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8');

function resultOf(rows: Row[]): RunResult {
  return {
    suite: { version: '7.0.15', dir: '/cache/redis-tests-7.0.15', flags: [], harnessPatches: [] },
    ringcache: { version: '0.1.0', commit: 'abc1234', uncommittedChanges: false },
    redisServer: '7.0.15',
    startedAt: '2026-12-07T14:48:33.000Z',
    durationSeconds: 264,
    runDir: '/cache/runs/x',
    totals: { ringcache: totals(rows.map((r) => r.ringcache)), redis: totals(rows.map((r) => r.redis)) },
    units: rows,
  };
}

describe('markdown', () => {
  const redisSet = parseRuntestOutput(sample('redis-set.out'));
  const setRef = summarizeUnit({ unit: 'type/set', output: redisSet, exitCode: 0 }, null);
  const setAborted = summarizeUnit({ unit: 'type/set', output: parseRuntestOutput(sample('ringcache-incr-exception.out')), exitCode: 1 }, reachedNames(redisSet));
  const killed = summarizeUnit({ unit: 'expire', output: parseRuntestOutput(sample('ringcache-expire-server-killed.out')), exitCode: null, serverDied: 'signal SIGTERM' }, null);
  const hash = summarizeUnit(
    { unit: 'type/hash', output: parseRuntestOutput(sample('ringcache-hash-block-error.out')), exitCode: 1 },
    ['HSET/HLEN - Small hash creation', 'Is the small hash encoded with a listpack?', 'HRANDFIELD count of 0 is handled correctly'],
  );
  const result = resultOf([
    { unit: 'type/set', ringcache: setAborted, redis: setRef },
    { unit: 'type/hash', ringcache: hash, redis: null },
    { unit: 'expire', ringcache: killed, redis: null },
  ]);

  it('tables each unit with its note and a total row', () => {
    const lines = markdownTable(result).split('\n');
    expect(lines[2]).toBe("| type/set | 0 | 25 (25 not run) | 25 | 0 | aborted: ERR unknown command 'function', with args beginning with: 'flush' |");
    expect(lines[3]).toBe('| type/hash | 2 | 1 (1 not run) | – | – | block setup failed: CONFIG SET hash-max-ziplist-value unknown |');
    expect(lines[4]).toBe('| expire | 20 | 5+? | – | – | aborted: server died (signal SIGTERM) |');
    expect(lines[5]).toBe('| **total** | **22** (41.5%) | **31** | **25** (100.0%) | **0** | 2 units aborted |');
  });

  it('groups failures by cause, biggest first, with one line per failing test and one per unit for tests not run', () => {
    const md = markdownFailures(result);
    expect(md.split('\n').filter((l) => l.startsWith('#### '))).toEqual([
      '#### unit aborted: unknown command FUNCTION FLUSH (25 tests)',
      '#### connection lost (5 tests)',
      '#### block setup failed: CONFIG SET hash-max-ziplist-value unknown (1 test)',
      '#### unit aborted: server died (signal SIGTERM) (0 tests)',
    ]);
    expect(md).toContain('- `type/set` 25 not run: “SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS basics - regular set”, “SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS basics - intset”, “SMISMEMBER against non set” and 22 more');
    expect(md).toContain("- `expire` 5 keys in, 5 keys out — couldn't open socket: connection refused");
    expect(md).toContain('- `type/hash` 1 not run: “HRANDFIELD count of 0 is handled correctly”');
    expect(md).toContain('- `expire` unit aborted; tests not reached unknown (no reference run)');
    expect(topCauses(result, 2)).toEqual([
      { cause: 'unit aborted: unknown command FUNCTION FLUSH', tests: 25 },
      { cause: 'connection lost', tests: 5 },
    ]);
  });

  it("omits a reason that only repeats its cause's unknown (sub)command error", () => {
    const intro = summarizeUnit({ unit: 'introspection', output: parseRuntestOutput(sample('ringcache-introspection.out')), exitCode: 1 }, null);
    const md = markdownFailures(resultOf([{ unit: 'introspection', ringcache: intro, redis: null }]));
    expect(md.split('\n').filter((l) => l !== '')).toEqual([
      '#### unknown command MONITOR (1 test)',
      '- `introspection` MONITOR can log executed commands',
      '#### unknown subcommand CLIENT REPLY (1 test)',
      '- `introspection` CLIENT REPLY OFF/ON: disable all commands reply',
      '#### wrong reply (assertion failed) (1 test)',
      "- `introspection` CLIENT KILL with illegal arguments — Expected an error matching 'ERR No such user\\*' but got '0' (context: type eval line 11 cmd {assert\\_error \"ERR No such user\\*\" {r client kill…",
    ]);
  });

  it('names the cause of tests not run', () => {
    expect(notRunCause(setAborted)).toBe('unit aborted: unknown command FUNCTION FLUSH');
    expect(notRunCause(hash)).toBe('block setup failed: CONFIG SET hash-max-ziplist-value unknown');
    expect(notRunCause(setRef)).toBe('not run here, run on redis-server (a test conditional on the server, e.g. on INFO mem_allocator)');
  });

  it('escapes markup in test names', () => {
    expect(escapeMd('ZADD - Variadic version (*) <x> | a_b')).toBe('ZADD - Variadic version (\\*) \\<x\\> \\| a\\_b');
  });

  it('heads the page with the run', () => {
    expect(renderMarkdown(result).split('\n')[0]).toBe('Run 2026-12-07: Redis 7.0.15 test suite, ringcache 0.1.0 (abc1234) vs redis-server 7.0.15, 264 s.');
  });
});
