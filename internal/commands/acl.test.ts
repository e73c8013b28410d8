// ACL family and enforcement on the test executor: AUTH as users, NOPERM at the top level, in MULTI and in scripts, ACL LOG, DRYRUN, DELUSER, aclfile; texts as redis-server 7.0.15's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestExecutor, type Plain } from '../testing/exec.js';

const NOPERM_CMD = (c: string): string => `-NOPERM this user has no permissions to run the '${c}' command`;
const NOPERM_KEY = '-NOPERM this user has no permissions to access one of the keys used as arguments';
const NOPERM_CHANNEL = '-NOPERM this user has no permissions to access one of the channels used as arguments';
const WRONGPASS = '-WRONGPASS invalid username-password pair or user is disabled.';

function entry(log: Plain, i = 0): Record<string, Plain> {
  return (log as Record<string, Plain>[])[i] as Record<string, Plain>;
}

describe('users and AUTH', () => {
  it('starts with the default user, creates users off, and authenticates the enabled ones', () => {
    const t = createTestExecutor();
    expect(t.run('ACL', 'WHOAMI')).toBe('default');
    expect(t.run('ACL', 'SETUSER', 'newuser', '>passwd1')).toBe('+OK');
    expect(t.run('AUTH', 'newuser', 'passwd1')).toBe(WRONGPASS);
    expect(t.run('ACL', 'SETUSER', 'newuser', 'on', '+acl')).toBe('+OK');
    expect(t.run('AUTH', 'newuser', 'passwd1')).toBe('+OK');
    expect(t.run('ACL', 'WHOAMI')).toBe('newuser');
    expect(t.run('ACL', 'SETUSER', 'a a')).toBe("-ERR Usernames can't contain spaces or null characters");
    expect(t.run('ACL', 'USERS')).toEqual(['default', 'newuser']);
    expect(t.run('ACL', 'DELUSER', 'default')).toBe("-ERR The 'default' user cannot be removed");
  });

  it('requirepass is the default user password, followed by CONFIG SET', () => {
    const t = createTestExecutor({ config: { requirepass: 'secret' } });
    const c = t.newClient();
    expect(t.runAs(c, 'GET', 'k')).toBe('-NOAUTH Authentication required.');
    expect(t.runAs(c, 'AUTH', 'wrong')).toBe(WRONGPASS);
    expect(t.runAs(c, 'AUTH', 'secret')).toBe('+OK');
    expect(t.runAs(c, 'ACL', 'LIST')).toEqual([
      'user default on #2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* &* +@all',
    ]);
    expect(t.runAs(c, 'CONFIG', 'SET', 'requirepass', '')).toBe('+OK');
    expect(t.runAs(c, 'ACL', 'LIST')).toEqual(['user default on nopass ~* &* +@all']);
    expect(t.runAs(t.newClient(), 'GET', 'k')).toBeNull();
  });

  it('answers NOAUTH to new connections while the default user is off', () => {
    const t = createTestExecutor();
    expect(t.run('ACL', 'SETUSER', 'default', 'off')).toBe('+OK');
    expect(t.runAs(t.newClient(), 'PING')).toBe('-NOAUTH Authentication required.');
    expect(t.run('PING')).toBe('+PONG');
  });
});

describe('permissions', () => {
  it('refuses commands, keys and channels with Redis 7.0 texts, and logs them', () => {
    const t = createTestExecutor();
    t.run('ACL', 'SETUSER', 'antirez', '>foo', 'on', '+set', '~object:1234', '+publish', '+acl', 'resetchannels');
    const c = t.newClient();
    expect(t.runAs(c, 'AUTH', 'antirez', 'foo')).toBe('+OK');
    expect(t.runAs(c, 'GET', 'foo')).toBe(NOPERM_CMD('get'));
    expect(t.runAs(c, 'SET', 'somekeynotallowed', '1')).toBe(NOPERM_KEY);
    expect(t.runAs(c, 'SET', 'object:1234', '1')).toBe('+OK');
    expect(t.runAs(c, 'PUBLISH', 'ch', 'm')).toBe(NOPERM_CHANNEL);
    const log = t.run('ACL', 'LOG');
    expect((log as Plain[]).length).toBe(3);
    expect(entry(log, 0)).toMatchObject({ count: 1, reason: 'channel', context: 'toplevel', object: 'ch', username: 'antirez' });
    expect(entry(log, 1)).toMatchObject({ reason: 'key', object: 'somekeynotallowed' });
    expect(entry(log, 2)).toMatchObject({ reason: 'command', object: 'get' });
    expect(String(entry(log, 0)['client-info'])).toMatch(/ user=antirez /);
    t.runAs(c, 'GET', 'foo');
    expect(entry(t.run('ACL', 'LOG', '1'), 0)).toMatchObject({ count: 2, object: 'get' });
    expect(t.run('ACL', 'LOG', 'RESET')).toBe('+OK');
    expect(t.run('ACL', 'LOG')).toEqual([]);
  });

  it('checks read and write key permissions by the key specs (%R~ / %W~)', () => {
    const t = createTestExecutor();
    t.run('ACL', 'SETUSER', 'rw', 'on', 'nopass', '+@all', '%R~read*', '%W~write*');
    const c = t.newClient();
    t.runAs(c, 'AUTH', 'rw', 'x');
    expect(t.runAs(c, 'GET', 'read1')).toBeNull();
    expect(t.runAs(c, 'SET', 'read1', 'v')).toBe(NOPERM_KEY);
    expect(t.runAs(c, 'SET', 'write1', 'v')).toBe('+OK');
    expect(t.runAs(c, 'GET', 'write1')).toBe(NOPERM_KEY);
    expect(t.runAs(c, 'COPY', 'read1', 'write2')).toBe(0);
    expect(t.runAs(c, 'ACL', 'DRYRUN', 'rw', 'LMOVE', 'read1', 'write1', 'LEFT', 'RIGHT')).toBe("This user has no permissions to access the 'read1' key");
  });

  it('allows subcommands and first-args as Redis does', () => {
    const t = createTestExecutor();
    t.run('ACL', 'SETUSER', 'newuser', 'on', 'nopass', '+@all', '-client', '+client|id', '+client|setname');
    t.run('ACL', 'SETUSER', 'sel', 'on', 'nopass', '-@all', '+acl', '+select|0');
    const c = t.newClient();
    t.runAs(c, 'AUTH', 'newuser', 'x');
    expect(typeof t.runAs(c, 'CLIENT', 'ID')).toBe('number');
    expect(t.runAs(c, 'CLIENT', 'KILL', 'type', 'master')).toBe(NOPERM_CMD('client|kill'));
    t.runAs(c, 'AUTH', 'sel', 'x');
    expect(t.runAs(c, 'SELECT', '0')).toBe('+OK');
    expect(t.runAs(c, 'SELECT', '1')).toBe(NOPERM_CMD('select'));
    expect(t.runAs(c, 'ACL', 'DRYRUN', 'sel', 'SELECT', '1')).toBe("This user has no permissions to run the 'select' command");
    expect(t.runAs(c, 'ACL', 'DRYRUN', 'sel', 'SELECT', '0')).toBe('+OK');
  });

  it('matches selectors: any selector allowing the command allows it', () => {
    const t = createTestExecutor();
    t.run('ACL', 'SETUSER', 's', 'on', 'nopass', '-@all', '(~x* +get)', '(~y* +set)');
    expect(t.run('ACL', 'DRYRUN', 's', 'GET', 'x1')).toBe('+OK');
    expect(t.run('ACL', 'DRYRUN', 's', 'SET', 'y1', 'v')).toBe('+OK');
    expect(t.run('ACL', 'DRYRUN', 's', 'GET', 'y1')).toBe("This user has no permissions to access the 'y1' key");
    expect(t.run('ACL', 'DRYRUN', 's', 'DEL', 'x1')).toBe("This user has no permissions to run the 'del' command");
    expect(t.run('ACL', 'GETUSER', 's')).toEqual({
      flags: ['on', 'nopass'],
      passwords: [],
      commands: '-@all',
      keys: '',
      channels: '',
      selectors: [
        { commands: '-@all +get', keys: '~x*', channels: '' },
        { commands: '-@all +set', keys: '~y*', channels: '' },
      ],
    });
  });
});

describe('keys as Redis finds them for ACLs', () => {
  it('skips NOT_KEY specs, trusts key specs over getkeys, and gives STORE the unknown spec flags', () => {
    const t = createTestExecutor();
    t.run('ACL', 'SETUSER', 'c', 'on', 'nopass', '+@all', '%R~read*', '%W~write*', '%RW~rw*', 'resetchannels', '&channel');
    expect(t.run('ACL', 'DRYRUN', 'c', 'SPUBLISH', 'channel', 'foo')).toBe('+OK');
    expect(t.run('ACL', 'DRYRUN', 'c', 'EVAL', '', '3', 'rw', 'read')).toBe('+OK');
    expect(t.run('ACL', 'DRYRUN', 'c', 'EVAL', '', '1', 'read')).toBe("This user has no permissions to access the 'read' key");
    expect(t.run('ACL', 'DRYRUN', 'c', 'SORT', 'read', 'STORE', 'write')).toBe('+OK');
    expect(t.run('ACL', 'DRYRUN', 'c', 'SORT', 'read', 'STORE', 'read')).toBe("This user has no permissions to access the 'read' key");
    expect(t.run('ACL', 'DRYRUN', 'c', 'GEORADIUS', 'read', '0', '0', '1', 'M', 'STOREDIST', 'write')).toBe('+OK');
  });

  it('SORT BY / GET patterns need read access to every key', () => {
    const t = createTestExecutor();
    t.run('LPUSH', 'mylist', '1');
    t.run('ACL', 'SETUSER', 's', 'on', 'nopass', '+sort', '~mylist', '~v*');
    const c = t.newClient();
    t.runAs(c, 'AUTH', 's', 'x');
    expect(t.runAs(c, 'SORT', 'mylist', 'BY', 'v*')).toBe('-ERR BY option of SORT denied due to insufficient ACL permissions.');
    expect(t.runAs(c, 'SORT', 'mylist', 'GET', 'v*')).toBe('-ERR GET option of SORT denied due to insufficient ACL permissions.');
    expect(t.runAs(c, 'SORT', 'mylist', 'BY', 'nosort')).toEqual(['1']);
    t.run('ACL', 'SETUSER', 's', '%R~*');
    expect(t.runAs(c, 'SORT', 'mylist', 'BY', 'v*')).toEqual(['1']);
  });
});

describe('MULTI, scripts, connections', () => {
  it('refuses at queue time (EXECABORT) and again at EXEC when the rules changed', () => {
    const t = createTestExecutor();
    t.run('ACL', 'SETUSER', 'm', 'on', 'nopass', '+multi', '+exec', '+incr', '~*');
    const c = t.newClient();
    t.runAs(c, 'AUTH', 'm', 'x');
    t.runAs(c, 'MULTI');
    expect(t.runAs(c, 'GET', 'k')).toBe(NOPERM_CMD('get'));
    expect(t.runAs(c, 'EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.');
    expect(entry(t.run('ACL', 'LOG'))).toMatchObject({ context: 'multi', object: 'get' });
    t.runAs(c, 'MULTI');
    expect(t.runAs(c, 'INCR', 'k')).toBe('+QUEUED');
    t.run('ACL', 'SETUSER', 'm', '-incr');
    expect(t.runAs(c, 'EXEC')).toEqual([
      '-NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to execute the command or subcommand',
    ]);
  });

  it("checks a script's redis.call against the caller's user (context lua) and answers redis.acl_check_cmd", () => {
    const t = createTestExecutor();
    t.run('ACL', 'SETUSER', 'bob', 'on', '>123', '+@scripting', '+set', '~x*');
    const c = t.newClient();
    t.runAs(c, 'AUTH', 'bob', '123');
    expect(String(t.runAs(c, 'EVAL', "return redis.call('incr','x')", '0'))).toMatch(/The user executing the script can't run this command or subcommand/);
    expect(entry(t.run('ACL', 'LOG'))).toMatchObject({ context: 'lua', object: 'incr', reason: 'command' });
    expect(t.runAs(c, 'EVAL', "return redis.acl_check_cmd('set','xx',1)", '0')).toBe(1);
    expect(t.runAs(c, 'EVAL', "return redis.acl_check_cmd('hset','xx','f',1)", '0')).toBeNull();
    expect(t.runAs(c, 'EVAL', "return redis.acl_check_cmd('set','yy',1)", '0')).toBeNull();
    expect(String(t.runAs(c, 'EVAL', "return redis.acl_check_cmd('invalid-cmd','arg')", '0'))).toMatch(/Invalid command passed to redis.acl_check_cmd\(\)/);
  });

  it('closes the connections of a deleted user (the caller after its reply) and of revoked subscribers', () => {
    const t = createTestExecutor();
    t.run('ACL', 'SETUSER', 'using', 'on', '+@all', '>p', '~*', '&*');
    const a = t.newClient();
    const b = t.newClient();
    t.runAs(a, 'AUTH', 'using', 'p');
    t.runAs(b, 'AUTH', 'using', 'p');
    expect(t.runAs(a, 'CLIENT', 'LIST', 'ID', String(a.id))).toMatch(/ user=using /);
    expect(t.runAs(a, 'ACL', 'DELUSER', 'using')).toBe(1);
    expect(a.closeAfterReply).toBe(true);
    expect(b.alive).toBe(false);
    t.run('ACL', 'SETUSER', 'ps', 'on', 'nopass', '+@all', 'resetchannels', '&foo:1');
    const s = t.newClient();
    t.runAs(s, 'AUTH', 'ps', 'x');
    t.runAs(s, 'SUBSCRIBE', 'foo:1');
    t.run('ACL', 'SETUSER', 'ps', 'resetchannels', '&foo:1', '&bar');
    expect(s.alive).toBe(true);
    t.run('ACL', 'SETUSER', 'ps', 'resetchannels');
    expect(s.alive).toBe(false);
  });

  it('CLIENT KILL USER kills that user connections and refuses unknown users', () => {
    const t = createTestExecutor();
    t.run('ACL', 'SETUSER', 'k', 'on', 'nopass', '+@all');
    const c = t.newClient();
    t.runAs(c, 'AUTH', 'k', 'x');
    expect(t.run('CLIENT', 'KILL', 'USER', 'nosuch')).toBe("-ERR No such user 'nosuch'");
    expect(t.run('CLIENT', 'KILL', 'USER', 'k')).toBe(1);
    expect(c.alive).toBe(false);
  });
});

describe('ACL CAT, GENPASS, HELP, LOAD and SAVE', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('lists categories and their commands (subcommands by full name)', () => {
    const t = createTestExecutor();
    expect((t.run('ACL', 'CAT') as string[]).slice(0, 3)).toEqual(['keyspace', 'read', 'write']);
    expect(t.run('ACL', 'CAT', 'scripting')).toContain('function|list');
    expect(t.run('ACL', 'CAT', 'keyspace')).not.toContain('set');
    expect(t.run('ACL', 'CAT', 'nosuch')).toBe("-ERR Unknown category 'nosuch'");
    expect(t.run('ACL', 'CAT', 'a', 'b')).toBe("-ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.");
    expect(String(t.run('ACL', 'GENPASS'))).toMatch(/^[0-9a-f]{64}$/);
    expect(String(t.run('ACL', 'GENPASS', '5'))).toMatch(/^[0-9a-f]{2}$/);
    expect(t.run('ACL', 'GENPASS', '5000')).toMatch(/ACL GENPASS argument must be the number/);
    expect(t.run('ACL', 'HELP', 'xxx')).toBe("-ERR wrong number of arguments for 'acl|help' command");
    expect(t.run('ACL', 'LOAD')).toMatch(/^-ERR This Redis instance is not configured to use an ACL file/);
  });

  it('saves users as `user` lines and loads them back, all or nothing', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'acl-'));
    const file = path.join(dir, 'users.acl');
    writeFileSync(file, 'user alice on allcommands allkeys &* >alice\nuser bob on -@all +@set +acl ~set* &* >bob\nuser default on nopass ~* &* +@all\n');
    const t = createTestExecutor({ config: { dir, 'redis.aclfile': 'users.acl' } });
    expect(t.run('ACL', 'USERS')).toEqual(['alice', 'bob', 'default']);
    expect(t.run('AUTH', 'bob', 'bob')).toBe('+OK');
    expect(t.run('SET', 'k', 'v')).toBe(NOPERM_CMD('set'));
    t.run('AUTH', 'alice', 'alice');
    t.run('ACL', 'SETUSER', 'eve', '+get', 'allkeys', '>eve', 'on');
    expect(t.run('ACL', 'SAVE')).toBe('+OK');
    expect(readFileSync(file, 'latin1')).toMatch(/^user alice on #[0-9a-f]{64} ~\* &\* \+@all\nuser bob .*\nuser default on nopass ~\* &\* \+@all\nuser eve on #[0-9a-f]{64} ~\* resetchannels -@all \+get\n$/);
    writeFileSync(file, `${readFileSync(file, 'latin1')}user alice on nopass ~* -@all\n`);
    expect(t.run('ACL', 'LOAD')).toMatch(/Duplicate user 'alice' found on line 5\. WARNING: ACL errors detected, no change to the previously active ACL rules was performed$/);
    expect(t.run('ACL', 'USERS')).toEqual(['alice', 'bob', 'default', 'eve']);
  });
});
