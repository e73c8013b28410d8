// Checks the command table as a whole: syntax lines parse, names are unique, key specs and ACL categories hang together, docs/commands.md is current.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_FAMILIES } from './index.js';
import { parseSyntax, renderSyntax } from './docs.js';
import { COMMAND_FLAGS, type ArgDoc, type KeySpec } from '../contracts/command.js';
import { REDIS_ARGUMENTS } from './arguments.js';
import { CommandRegistry } from './registry.js';
import { renderCommandReference } from './reference.js';
import { keyAt, keyIndexes, legacyRange } from './spec.js';

const all = COMMAND_FAMILIES.flat();
const withSubs = all.flatMap((s) => [s, ...(s.subcommands ?? [])]);

describe('command table', () => {
  it('builds a registry without duplicates', () => {
    expect(() => new CommandRegistry(COMMAND_FAMILIES)).not.toThrow();
  });

  it.each(withSubs.map((s) => [s.name, s] as const))('%s has a parseable syntax and sane metadata', (_name, s) => {
    expect(() => parseSyntax(s.syntax)).not.toThrow();
    expect(s.summary.length).toBeGreaterThan(0);
    expect(s.since).toMatch(/^\d+\.\d+\.\d+$/);
    expect(s.arity).not.toBe(0);
    if (s.firstKey > 0) expect(s.step).toBeGreaterThan(0);
    if (s.name.includes('|')) expect(s.arity === -2 || Math.abs(s.arity) >= 2).toBe(true);
  });

  it.each(withSubs.map((s) => [s.name, s] as const))('%s: flags in Redis\'s order, @fast or @slow, key arguments name a key spec', (_name, s) => {
    expect([...s.flags].sort((a, b) => COMMAND_FLAGS.indexOf(a) - COMMAND_FLAGS.indexOf(b))).toEqual(s.flags);
    expect(s.acl.filter((c) => c === 'fast' || c === 'slow')).toHaveLength(1);
    expect(s.acl.includes('fast')).toBe(s.flags.includes('fast'));
    const keyArgs = (args: readonly ArgDoc[]): number[] => args.flatMap((a) => [...(a.keySpecIndex === undefined ? [] : [a.keySpecIndex]), ...keyArgs(a.arguments ?? [])]);
    for (const i of keyArgs(s.arguments)) expect(i).toBeLessThan(s.keySpecs.length);
    if (s.keySpecs.length === 0) expect([s.firstKey, s.keys]).toEqual([0, undefined]);
  });

  it('every generated argument tree belongs to a command of the table', () => {
    const names = new Set(withSubs.map((s) => s.name));
    expect(Object.keys(REDIS_ARGUMENTS).filter((n) => !names.has(n))).toEqual([]);
  });

  it('docs/commands.md is generated from the current table (run npm run docs:commands)', () => {
    const onDisk = readFileSync(new URL('../../docs/commands.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderCommandReference(all) + '\n');
  });
});

describe('parseSyntax', () => {
  const names = (args: ArgDoc[]): unknown => args.map((a) => [a.name, a.type, a.token ?? null, (a.flags ?? []).join(',')]);
  it.each([
    ['key', [['key', 'key', null, '']]],
    ['[message]', [['message', 'string', null, 'optional']]],
    ['key [key ...]', [['key', 'key', null, 'multiple']]],
    ['[section [section ...]]', [['section', 'string', null, 'multiple,optional']]],
    ['key seconds [NX | XX | GT | LT]', [['key', 'key', null, ''], ['seconds', 'integer', null, ''], ['nx-or-xx-or-gt-or-lt', 'oneof', null, 'optional']]],
    ['[EX seconds | PX milliseconds]', [['seconds-or-milliseconds', 'oneof', null, 'optional']]],
    ['cursor [MATCH pattern] [COUNT count]', [['cursor', 'integer', null, ''], ['pattern', 'pattern', 'MATCH', 'optional'], ['count', 'integer', 'COUNT', 'optional']]],
    ['key value [key value ...]', [['key-value', 'block', null, 'multiple']]],
  ] as const)('%s', (syntax, expected) => {
    const parsed = parseSyntax(syntax);
    expect(names(parsed)).toEqual(expected);
  });

  it('nests oneof alternatives with their tokens', () => {
    const [opt] = parseSyntax('[EX seconds | PX milliseconds | KEEPTTL]');
    expect(opt?.type).toBe('oneof');
    expect(opt?.arguments?.map((a) => [a.name, a.type, a.token])).toEqual([
      ['seconds', 'integer', 'EX'],
      ['milliseconds', 'integer', 'PX'],
      ['keepttl', 'pure-token', 'KEEPTTL'],
    ]);
  });
});

describe('legacyRange (Redis 7.0\'s populateCommandLegacyRangeSpec)', () => {
  const unknown: KeySpec = { flags: ['RO'], begin: 'unknown', find: 'unknown' };
  it.each([
    ['no keys', [], [0, 0, 0]],
    ['GET', [keyAt(1, ['RO', 'ACCESS'])], [1, 1, 1]],
    ['MSET', [keyAt(1, ['OW', 'UPDATE'], -1, 2)], [1, -1, 2]],
    ['BLPOP', [keyAt(1, ['RW', 'ACCESS', 'DELETE'], -2)], [1, -2, 1]],
    ['RENAME', [keyAt(1, ['RW', 'ACCESS', 'DELETE']), keyAt(2, ['OW', 'UPDATE'])], [1, 2, 1]],
    ['ZUNIONSTORE', [keyAt(1, ['OW', 'UPDATE']), { flags: ['RO', 'ACCESS'], begin: { index: 2 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }], [1, 1, 1]],
    ['XREAD', [{ flags: ['RO', 'ACCESS'], begin: { keyword: 'STREAMS', startfrom: 1 }, find: { lastkey: -1, keystep: 1, limit: 2 } }], [0, 0, 0]],
    ['SORT', [keyAt(1, ['RO', 'ACCESS']), unknown, unknown], [1, 1, 1]],
    ['a stepped range among several', [keyAt(1, ['RO']), keyAt(2, ['RO'], -1, 2)], [0, 0, 0]],
    ['a negative last key wins (unsigned)', [keyAt(1, ['RO']), keyAt(2, ['RO'], -1)], [1, -1, 1]],
  ] as const)('%s', (_what, specs, expected) => {
    expect(legacyRange(specs)).toEqual(expected);
  });
});

describe('renderSyntax', () => {
  it.each([
    ['SET', 'set', 'key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]'],
    ['MSET (a repeated block)', 'mset', 'key value [key value ...]'],
    ['SORT (a repeated token)', 'sort', 'key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA] [STORE destination]'],
    ['CLIENT REPLY (a required choice)', 'client|reply', '<ON | OFF | SKIP>'],
    ['CONFIG GET (a repeated one-argument block)', 'config|get', 'parameter [parameter ...]'],
  ] as const)('%s', (_what, name, expected) => {
    const args = REDIS_ARGUMENTS[name];
    expect(args).toBeDefined();
    expect(renderSyntax(args ?? [])).toBe(expected);
    expect(() => parseSyntax(expected)).not.toThrow();
  });
});

describe('keyIndexes', () => {
  const reg = new CommandRegistry(COMMAND_FAMILIES);
  it.each([
    ['client|list', ['client', 'list'], []],
    ['ping', ['ping'], []],
  ] as const)('%s', (name, argv, expected) => {
    const spec = reg.lookup(name);
    expect(spec).toBeDefined();
    if (spec) expect(keyIndexes(spec, argv)).toEqual(expected);
  });
});
