// EVAL and SCRIPT through the executor: conversions both ways, errors in Redis's words, sandbox rules, journaling by effect.
import { describe, expect, it } from 'vitest';
import { createTestExecutor } from '../testing/exec.js';

describe('EVAL', () => {
  it('runs a script', () => {
    const t = createTestExecutor();
    expect(t.run('EVAL', "return redis.call('set', KEYS[1], ARGV[1])", '1', 'k', 'v')).toEqual({ t: 'simple', v: 'OK' });
  });
});
