// runtest output parsing, over output captured from real runtest runs (testdata/, trimmed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errTestName, parseRuntestOutput } from './runtest-output.js';

const sample = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8');

describe('parseRuntestOutput', () => {
  it('reads ok, skip and ignore lines of a unit that completed (redis-server, type/set)', () => {
    const o = parseRuntestOutput(sample('redis-set.out'));
    expect(o.finished).toBe(true);
    expect(o.exception).toBeNull();
    expect(o.timedOut).toBe(false);
    expect(o.doneUnits).toEqual(['unit/type/set']);
    expect(o.tests.filter((t) => t.outcome === 'ok')).toHaveLength(25);
    expect(o.tests[0]).toEqual({ name: 'SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS basics - regular set', outcome: 'ok' });
    // A name ending in parentheses keeps them; only the trailing "(N ms)" goes.
    expect(o.tests.find((t) => t.name.startsWith('SRANDMEMBER with <count>'))?.name).toBe('SRANDMEMBER with <count> - hashtable');
    expect(o.tests.filter((t) => t.outcome === 'skip')).toEqual([{ name: 'SRANDMEMBER with a dict containing long chain', outcome: 'skip' }]);
    expect(o.tests.filter((t) => t.outcome === 'ignore')).toEqual([
      { name: 'Set encoding after DEBUG RELOAD', outcome: 'ignore', detail: 'Tag: needs:debug denied' },
      { name: 'SADD, SCARD, SISMEMBER - large data', outcome: 'ignore', detail: 'large memory flag not provided' },
    ]);
    expect(o.ignoredBlocks).toEqual(['Tag: slow denied']);
    expect(o.blockErrors).toEqual([]);
  });

  it('reads assertion errors, and not their repetition after "The End" (type/string on a server with a leaked config)', () => {
    const o = parseRuntestOutput(sample('redis-string.out'));
    expect(o.finished).toBe(true);
    const errs = o.tests.filter((t) => t.outcome === 'err');
    expect(errs.map((t) => t.name)).toEqual(['SETBIT with out of range bit offset', 'SETRANGE with huge offset']);
    expect(errs[0]?.detail).toBe(
      "Expected an error matching '*out of range*' but got '0' (context: type eval line 3 cmd {assert_error \"*out of range*\" {r setbit mykey [expr 4*1024*1024*1024] 1}} proc ::test)",
    );
    expect(o.tests.filter((t) => t.outcome === 'ok').map((t) => t.name)).toContain('SETBIT fuzzing');
  });

  it('tells an error in a block setup (no test name) from a test error (ringcache, type/hash)', () => {
    const o = parseRuntestOutput(sample('ringcache-hash-block-error.out'));
    expect(o.finished).toBe(true);
    expect(o.tests.filter((t) => t.outcome === 'err')).toEqual([]);
    expect(o.blockErrors).toHaveLength(1);
    const [first, second] = (o.blockErrors[0] as string).split('\n');
    expect(first).toBe("n option or number of arguments for CONFIG SET - 'hash-max-ziplist-value'");
    expect(second).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'hash-max-ziplist-value'");
    expect(o.blockErrors[0]).toContain('r config set hash-max-ziplist-value 10');
    expect(o.blockErrors[0]).not.toContain('[1/1 done]');
  });

  it('reports an exception, which ends the unit without "The End" (ringcache without FUNCTION, type/incr)', () => {
    const o = parseRuntestOutput(sample('ringcache-incr-exception.out'));
    expect(o.finished).toBe(false);
    expect(o.tests).toEqual([]);
    expect(o.exception?.split('\n')[0]).toBe("Executing test client: ERR unknown command 'function', with args beginning with: 'flush'.");
    expect(o.exception).toContain('(procedure "run_external_server_test" line 25)');
  });

  it("reports runtest's own timeout and the test it hung in (redis-server with a leaked proto-max-bulk-len, protocol)", () => {
    const o = parseRuntestOutput(sample('redis-protocol-timeout.out'));
    expect(o.timedOut).toBe(true);
    expect(o.timedOutIn).toBe('(IN PROGRESS) Out of range multibulk payload length');
    expect(o.finished).toBe(true);
    expect(o.tests.filter((t) => t.outcome === 'ok')).toHaveLength(5);
    expect(o.doneUnits).toEqual([]);
  });

  it('reads the connection errors of a unit whose server was killed, cut off when the runner stopped runtest (expire)', () => {
    const o = parseRuntestOutput(sample('ringcache-expire-server-killed.out'));
    expect(o.finished).toBe(false);
    const errs = o.tests.filter((t) => t.outcome === 'err');
    expect(errs.map((t) => t.name)).toEqual([
      'Redis should actively expire keys incrementally',
      '5 keys in, 5 keys out',
      'EXPIRE with empty string as TTL should report an error',
      'SET with EX with big integer should report an error',
      'SET with EX with smallest integer should report an error',
    ]);
    expect(errs[1]?.detail?.split('\n').slice(0, 2)).toEqual(['pen socket: connection refused', "couldn't open socket: connection refused"]);
    expect(o.tests.filter((t) => t.outcome === 'ok')).toHaveLength(20);
  });

  it('is the same with colour escapes (TERM=xterm) and CRLF line ends', () => {
    const plain = sample('redis-set.out');
    const coloured = plain.replace(/^\[ok\]/gm, '[\x1b[0;32;49mok\x1b[0m]').replace(/^\[ignore\]/gm, '[\x1b[0;36;49mignore\x1b[0m]').replace(/\n/g, '\r\n');
    expect(parseRuntestOutput(coloured)).toEqual(parseRuntestOutput(plain));
  });

  it('errTestName strips " in tests/<file>.tcl" and returns null for block errors', () => {
    expect(errTestName('Check encoding in tests/unit/type/list.tcl')).toBe('Check encoding');
    expect(errTestName('LPOS in a list in tests/unit/type/list.tcl')).toBe('LPOS in a list');
    expect(errTestName("n option or number of arguments for CONFIG SET - 'x'")).toBeNull();
  });

  it('empty output (runtest never ran) is an unfinished run with no tests', () => {
    const o = parseRuntestOutput('');
    expect(o).toMatchObject({ finished: false, tests: [], exception: null, timedOut: false });
  });
});
