// Table tests of the ACL rule parser and writer against redis-server 7.0.15's ACL LIST for the same ACL SETUSER rules, and its error texts.
import { describe, expect, it } from 'vitest';
import { COMMAND_FAMILIES } from '../commands/index.js';
import { applyUserOp, describeUser, mergeSelectorArgs, newUser, ruleMessage, splitArgs } from './rules.js';
import { buildAclTable } from './table.js';
import type { RuleEnv } from './user.js';

const env: RuleEnv = { table: buildAclTable(COMMAND_FAMILIES.flat()), pubsubAll: () => false };

function describeRules(rules: string): string {
  const u = newUser('u', env);
  const args = mergeSelectorArgs(rules === '' ? [] : rules.split(' '));
  if (!Array.isArray(args)) throw new Error('unmatched');
  for (const op of args) {
    const e = applyUserOp(u, op, env);
    if (e !== null) throw new Error(`${op}: ${ruleMessage(e)}`);
  }
  return describeUser(u, env);
}

/** ringcache's commands Redis 7.0 does not have (RedisBloom, 7.4+ hash-field TTLs, its own CLUSTER subcommands). */
const EXTRA = /^[+-](bf\.|cf\.|h(p?expire(at|time)?|p?ttl|persist|getdel|getex|setex)$|cluster\|(handoff|replfeed|dropstale|peer|track)$)/;

/**
 * Redis emits single-command rules in the order of its command hash table, which differs between
 * servers: everything up to the first single command must match exactly, the rest as a set.
 */
function canon(s: string, dropExtra: boolean): string[] {
  const toks = s.split(' ').filter((t) => !dropExtra || !EXTRA.test(t));
  const first = toks.findIndex((t) => /^[+-][^@]/.test(t));
  if (first < 0) return toks;
  return [...toks.slice(0, first), ...toks.slice(first).sort()];
}

// [rules given to ACL SETUSER on a new user, redis-server 7.0.15's ACL LIST after `user <name> `]
const CASES: readonly (readonly [string, string])[] = [
  ['', 'off resetchannels -@all'],
  ['on >p1 >p2 ~foo:* %R~bar:* %W~baz +get +set', 'on #f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a #3946ca64ff78d93ca61090a437cbb6b3d2ca0d488f5f9ccf3059608368b27693 ~foo:* %R~bar:* %W~baz resetchannels -@all +get +set'],
  ['on nopass +@all -@dangerous ~*', 'on nopass ~* resetchannels +@all -@dangerous'],
  ['+@all -client +client|id +client|setname', 'off resetchannels +@all -client +client|setname +client|id'],
  ['-@all +acl +config -config|set', 'off resetchannels -@all +acl +config -config|set'],
  ['-@all +acl +select|0 +select|1', 'off resetchannels -@all +acl +select|0 +select|1'],
  ['+@read -@hash &chan:* resetchannels &x allkeys', 'off ~* resetchannels &x -@all +@bitmap +@geo +@set +@sortedset +randomkey +pttl -georadiusbymember -setbit -zpopmin +mget +getrange -bzpopmax -sadd -zmpop -georadius +lcs -bitop -zremrangebyscore +xpending -geoadd +lpos +dbsize -zremrangebylex -bzpopmin +scan +get -bitfield +exists +pfcount +xrange +substr -sort +xread +expiretime +xrevrange -sunionstore -zrangestore -zunionstore -zpopmax -geosearchstore +touch -zincrby +ttl +lrange -spop -zadd +dump -sinterstore +strlen -smove +lindex -zinterstore +object|idletime +object|freq +object|encoding +object|refcount -zremrangebyrank +lolwut +xlen -srem -bzmpop +xinfo|stream +xinfo|groups +xinfo|consumers -zdiffstore +memory|usage +type +llen -zrem +pexpiretime -sdiffstore +keys'],
  ['on +@all -get -set -flushall ~a ~b %RW~c', 'on ~a ~b ~c resetchannels +@all -flushall -get -set'],
  ['on +@string +@list -lpush (~sel* +get) (%R~r* +@hash)', 'on resetchannels -@all +@string +@list -lpush (~sel* resetchannels -@all +get) (%R~r* resetchannels -@all +@hash)'],
  ['+@all -@write +set +hset', 'off resetchannels +@all -@blocking -@hyperloglog -@string -@list -@stream -georadiusbymember -migrate -setbit -zpopmin +mget +getrange -sadd -zmpop -georadius +lcs -persist -bitop -zremrangebyscore +xpending +xgroup|help -geoadd -flushall -hdel +pfselftest +lpos -zremrangebylex +get -hmset -bitfield +pfcount +xrange -hincrby -rename -swapdb +substr -function|flush -function|restore -function|delete -function|load +xread +xrevrange -sunionstore -zrangestore -zunionstore -zpopmax -geosearchstore -zincrby +set +lrange -spop +sort_ro -zadd -sinterstore +strlen -smove +lindex -zinterstore -restore-asking -restore -hsetnx -hincrbyfloat -zremrangebyrank -move -renamenx -del -expire +xlen -srem +xinfo|stream +xinfo|help +xinfo|groups +xinfo|consumers -zdiffstore -unlink +llen -expireat -zrem -pexpireat -copy -pexpire -flushdb -sdiffstore'],
  ['-@all +@set +@sortedset +@hash -hdel', 'off resetchannels -@all +@sortedset +@hash +@set -hdel'],
  ['+memory|doctor', 'off resetchannels -@all +memory|doctor'],
  ['on #34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6 +@pubsub -publish', 'on #34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6 resetchannels -@all +@pubsub -publish'],
  ['+@all -@slow', 'off resetchannels +@all -@slow'],
  ['-@all +@fast -ping', 'off resetchannels -@all +@fast -ping'],
  ['reset on +@all ~* &*', 'on sanitize-payload ~* &* +@all'],
  ['+@all -@keyspace -@admin +info', 'off resetchannels +@all -@admin -@keyspace'],
  ['+@scripting -eval +@transaction', 'off resetchannels -@all +@transaction +@scripting -eval'],
  ['skip-sanitize-payload +@geo +@stream +xinfo|stream', 'off skip-sanitize-payload resetchannels -@all +@stream +@geo'],
  ['+@blocking +@connection -hello', 'off resetchannels -@all +@blocking +@connection -hello'],
];

describe('ACL LIST as redis-server 7.0.15 writes it', () => {
  it.each(CASES)('%s', (rules, redis) => {
    expect(canon(describeRules(rules), true)).toEqual(canon(redis, false));
  });

  it('is byte-identical where Redis has no single-command order to choose', () => {
    expect(describeRules('')).toBe('off resetchannels -@all');
    expect(describeRules('on nopass +@all -@dangerous ~*')).toBe('on nopass ~* resetchannels +@all -@dangerous');
    expect(describeRules('+@all -client|kill')).toBe('off resetchannels +@all -client|kill');
    expect(describeRules('+memory|doctor')).toBe('off resetchannels -@all +memory|doctor');
    expect(describeRules('+memory|doctor +memory')).toBe('off resetchannels -@all +memory');
    expect(describeRules('reset on +@all ~* &*')).toBe('on sanitize-payload ~* &* +@all');
    expect(describeRules('on %RW~c %R~d ~d')).toBe('on ~c ~d resetchannels -@all');
  });

  it('keeps selectors, each with its own keys, channels and commands', () => {
    expect(describeRules('on +@string (~sel* +get) (%R~r* +@hash)')).toBe('on resetchannels -@all +@string (~sel* resetchannels -@all +get) (%R~r* resetchannels -@all +@hash)');
    expect(describeRules('(~a +get) clearselectors')).toBe('off resetchannels -@all');
  });
});

describe('ACL SETUSER errors as Redis words them', () => {
  const error = (op: string): string | null => {
    const u = newUser('u', env);
    const e = applyUserOp(u, op, env);
    return e === null ? null : ruleMessage(e);
  };
  it.each([
    ['+nosuch', 'Unknown command or category name in ACL'],
    ['-@nosuch', 'Unknown command or category name in ACL'],
    ['%X~foo', 'Syntax error'],
    ['+config|get|appendonly', 'Allowing first-arg of a subcommand is not supported'],
    ['+config|asdf', 'Unknown command or category name in ACL'],
    ['+get|key1|key2', 'Unknown command or category name in ACL'],
    ['bogus', 'Syntax error'],
    ['+select|', 'Syntax error'],
    ['<nopass', 'The password you are trying to remove from the user does not exist'],
    ['#abc', 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters'],
  ])('%s', (op, message) => {
    expect(error(op)).toBe(message);
  });

  it('refuses patterns after * and channels after allchannels', () => {
    const u = newUser('u', env);
    expect(applyUserOp(u, '~*', env)).toBeNull();
    expect(ruleMessage(applyUserOp(u, '~foo', env) ?? 'EINVAL')).toMatch(/^Adding a pattern after the \* pattern \(or the 'allkeys' flag\)/);
    expect(applyUserOp(u, 'allchannels', env)).toBeNull();
    expect(ruleMessage(applyUserOp(u, '&x', env) ?? 'EINVAL')).toMatch(/'allchannels' flag\) is not valid/);
  });

  it('merges selectors spread over arguments and reports an unclosed one', () => {
    expect(mergeSelectorArgs(['on', '(~x', '+get)', '+set'])).toEqual(['on', '(~x +get)', '+set']);
    expect(mergeSelectorArgs(['(~x', '+get'])).toEqual({ unmatched: 0 });
    expect(splitArgs('~x "+get" \'+set\'')).toEqual(['~x', '+get', '+set']);
  });
});
