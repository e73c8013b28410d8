// Checks the command table as a whole: syntax lines parse, names are unique, docs/commands.md is current.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_FAMILIES } from './index.js';
import { parseSyntax } from './docs.js';
import type { ArgDoc } from '../contracts/command.js';
import { CommandRegistry } from './registry.js';
import { renderCommandReference } from './reference.js';
import { keyIndexes } from './spec.js';

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
