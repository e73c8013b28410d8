// Per-unit results, reasons, the table and thresholds, over runtest output captured from real runs (testdata/, trimmed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  abortReason,
  causeOf,
  checkThresholds,
  errorReason,
  formatRow,
  formatTotal,
  missingNames,
  parseMinPass,
  parseThresholdsFile,
  reachedNames,
  recordThresholds,
  summarizeUnit,
} from './report.js';
import { parseRuntestOutput } from './runtest-output.js';

const sample = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8');

describe('errorReason and causeOf', () => {
  it("restores the message runtest chopped by 10 characters from errorInfo's first line", () => {
    expect(errorReason("n option or number of arguments for CONFIG SET - 'x'\nERR Unknown option or number of arguments for CONFIG SET - 'x'\n    while executing")).toBe(
      "ERR Unknown option or number of arguments for CONFIG SET - 'x'",
    );
    expect(errorReason("Expected '1' to be equal to '2' (context: ...)")).toBe("Expected '1' to be equal to '2' (context: ...)");
  });

  it('groups by command, config name and connection loss', () => {
    expect(causeOf("ERR unknown command 'memory', with args beginning with: 'usage' 'k'")).toBe('unknown command MEMORY USAGE');
    expect(causeOf("ERR unknown command 'lolwut', with args beginning with: ")).toBe('unknown command LOLWUT');
    expect(causeOf("ERR unknown command 'function', with args beginning with: 'flush'.")).toBe('unknown command FUNCTION FLUSH');
    expect(causeOf("ERR Unknown option or number of arguments for CONFIG SET - 'list-max-ziplist-size'")).toBe('CONFIG SET list-max-ziplist-size unknown');
    expect(causeOf("ERR unknown subcommand 'pause'. Try CLIENT HELP.")).toBe('unknown subcommand CLIENT PAUSE');
    expect(causeOf("couldn't open socket: connection refused")).toBe('connection lost');
    expect(causeOf("Expected [dict exists maxmemory 1 redis-replicaof {} slaveof] (context: type eval line 5)")).toBe('wrong reply (assertion failed)');
    expect(causeOf('Memory is not reclaimed by UNLINK', 'Memory is not reclaimed by UNLINK')).toBe('wrong reply (assertion failed)');
    expect(causeOf("can't read \"x\": no such variable", "an't read \"x\": no such variable\ncan't read \"x\": no such variable\n    while executing\n\"set y $x\"")).toBe(
      'Tcl error in the test: can\'t read "…": no such variable',
    );
    expect(causeOf('I/O error reading reply')).toBe('connection lost');
    expect(causeOf("Expected '1' to be equal to '2' (context: type eval line 2)")).toBe('wrong reply (assertion failed)');
    expect(causeOf("ERR wrong number of arguments for 'client|kill' command")).toBe('wrong number of arguments for CLIENT|KILL');
    expect(causeOf("ERR syntax error at 'x' 12")).toBe("unexpected error reply: ERR syntax error at '…' N");
  });
});

describe('summarizeUnit', () => {
  const redisSet = parseRuntestOutput(sample('redis-set.out'));
  const reference = reachedNames(redisSet);

  it('counts a completed unit', () => {
    const s = summarizeUnit({ unit: 'type/set', output: redisSet, exitCode: 0 }, null);
    expect(s).toMatchObject({ status: 'completed', abortReason: null, passed: 25, failedTests: 0, notRun: null, failed: 0, skipped: 1, ignored: 2 });
  });

  it('counts the tests an aborted unit did not reach as failed, by the reference run', () => {
    const exc = parseRuntestOutput(sample('ringcache-incr-exception.out'));
    const s = summarizeUnit({ unit: 'type/set', output: exc, exitCode: 1 }, reference);
    expect(s.status).toBe('aborted');
    expect(s.abortReason).toBe("exception: ERR unknown command 'function', with args beginning with: 'flush'");
    expect(s).toMatchObject({ passed: 0, failedTests: 0, notRun: 25, failed: 25 });
    expect(s.notRunNames[0]).toBe('SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS basics - regular set');
  });

  it('without a reference an aborted unit says its unreached count is unknown', () => {
    const exc = parseRuntestOutput(sample('ringcache-incr-exception.out'));
    const s = summarizeUnit({ unit: 'type/incr', output: exc, exitCode: 1 }, null);
    expect(s).toMatchObject({ status: 'aborted', notRun: null, failed: 0 });
    expect(formatRow({ unit: 'type/incr', ringcache: s, redis: null })).toBe('type/incr               ringcache 0/0+? aborted       redis -');
  });

  it('a block-setup error completes the unit but its unreached tests still count (ringcache, type/hash)', () => {
    const hash = parseRuntestOutput(sample('ringcache-hash-block-error.out'));
    const ref = ['HSET/HLEN - Small hash creation', 'Is the small hash encoded with a listpack?', 'HRANDFIELD with <count> against non existing key', 'x'];
    const s = summarizeUnit({ unit: 'type/hash', output: hash, exitCode: 1 }, ref);
    expect(s.status).toBe('completed');
    expect(s.blockErrors.map((b) => b.cause)).toEqual(['CONFIG SET hash-max-ziplist-value unknown']);
    expect(s.passed).toBe(2);
    expect(s.notRunNames).toEqual(['HRANDFIELD with <count> against non existing key', 'x']);
    expect(s.failed).toBe(2);
  });

  it('a server that died or did not start aborts the unit, whatever runtest printed', () => {
    const killed = parseRuntestOutput(sample('ringcache-expire-server-killed.out'));
    expect(abortReason({ unit: 'expire', output: killed, exitCode: null, serverDied: 'signal SIGTERM' })).toBe('server died (signal SIGTERM)');
    expect(abortReason({ unit: 'expire', output: killed, exitCode: null })).toBe('runtest exited (code signal) before its end');
    expect(abortReason({ unit: 'expire', output: parseRuntestOutput(''), exitCode: null, startError: 'no PONG' })).toBe('server did not start: no PONG');
    expect(abortReason({ unit: 'protocol', output: parseRuntestOutput(sample('redis-protocol-timeout.out')), exitCode: 1 })).toBe(
      'runtest timeout (no progress) at (IN PROGRESS) Out of range multibulk payload length',
    );
    const s = summarizeUnit({ unit: 'expire', output: killed, exitCode: null, serverDied: 'code 1' }, null);
    // An assertion that got "connection refused" instead of a reply is a lost connection too.
    expect(s.failures.map((f) => f.cause)).toEqual(Array(5).fill('connection lost'));
  });

  it('missingNames is a multiset difference in reference order', () => {
    expect(missingNames(['a', 'b', 'a', 'c'], ['a', 'c'])).toEqual(['b', 'a']);
    expect(missingNames(['a'], ['a', 'a', 'z'])).toEqual([]);
  });
});

describe('table and thresholds', () => {
  const redisSet = parseRuntestOutput(sample('redis-set.out'));
  const ok = summarizeUnit({ unit: 'type/set', output: redisSet, exitCode: 0 }, null);
  const aborted = summarizeUnit({ unit: 'type/set', output: parseRuntestOutput(sample('ringcache-incr-exception.out')), exitCode: 1 }, reachedNames(redisSet));

  it('prints a row and a total line', () => {
    expect(formatRow({ unit: 'type/set', ringcache: aborted, redis: ok })).toBe('type/set                ringcache 0/25 aborted        redis 25/0');
    expect(formatTotal([{ unit: 'type/set', ringcache: aborted, redis: ok }])).toBe(
      'total                   ringcache 0/25 (0.0%)         redis 25/0 (100.0%)  (1 units; aborted: ringcache 1, redis 0)',
    );
  });

  it('parses --min-pass and thresholds files, and rejects malformed ones', () => {
    expect(parseMinPass('type/list=97')).toEqual({ unit: 'type/list', minPercent: 97 });
    expect(parseMinPass('*=90.5%')).toEqual({ unit: '*', minPercent: 90.5 });
    expect(() => parseMinPass('type/list')).toThrow(/UNIT=PERCENT/);
    expect(() => parseMinPass('x=101')).toThrow(/at most 100/);
    expect(parseThresholdsFile('{"type/set": 25}')).toEqual([{ unit: 'type/set', minPassed: 25 }]);
    expect(() => parseThresholdsFile('{"type/set": "28"}')).toThrow(/pass count/);
    expect(parseThresholdsFile(recordThresholds([ok]))).toEqual([{ unit: 'type/set', minPassed: 25 }]);
  });

  it('fails a unit below its recorded count or percentage, and judges only units that ran', () => {
    expect(checkThresholds([ok], [{ unit: 'type/set', minPassed: 25 }, { unit: '*', minPercent: 100 }, { unit: 'geo', minPassed: 5 }])).toEqual([]);
    expect(checkThresholds([aborted], [{ unit: 'type/set', minPassed: 25 }, { unit: '*', minPercent: 97 }])).toEqual([
      'type/set: 0 passed, below the recorded 25',
      'type/set: 0.0% passed (0/25), below 97%',
    ]);
  });
});
