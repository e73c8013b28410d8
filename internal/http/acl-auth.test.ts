// HTTP requests as ACL users: Basic credentials pick the user, NOPERM is a 403 in the API's error shape, the bearer token and no credentials keep the internal client.
import { describe, expect, it } from 'vitest';
import type { HttpSettings } from './context.js';
import { testHttpApp, type TestHttpApp } from '../testing/http-app.js';
import { basicCredentials } from './acl-auth.js';

const setup = (settings: Partial<HttpSettings> = {}): TestHttpApp => testHttpApp(settings);

const basic = (user: string, pass: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
const json = { 'content-type': 'application/json' };

describe('HTTP API as ACL users', () => {
  it('parses Basic credentials (a password may hold colons)', () => {
    expect(basicCredentials(basic('alice', 'a:b').authorization)).toEqual({ user: 'alice', pass: 'a:b' });
    expect(basicCredentials('Bearer x')).toBeNull();
    expect(basicCredentials(undefined)).toBeNull();
  });

  it('runs cache routes as the user: allowed keys work, others are 403 FORBIDDEN with the NOPERM text, and ACL LOG has them', async () => {
    const { te, app } = setup();
    te.run('ACL', 'SETUSER', 'app', 'on', '>pw', '+@read', '+set', '~app:*');
    const ok = await app.inject({ method: 'PUT', url: '/api/cache/app:1', payload: JSON.stringify({ value: 'v' }), headers: { ...json, ...basic('app', 'pw') } });
    expect(ok.statusCode).toBe(200);
    const other = await app.inject({ method: 'PUT', url: '/api/cache/other', payload: JSON.stringify({ value: 'v' }), headers: { ...json, ...basic('app', 'pw') } });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'this user has no permissions to access one of the keys used as arguments' } });
    const del = await app.inject({ method: 'DELETE', url: '/api/cache/app:1', headers: basic('app', 'pw') });
    expect(del.statusCode).toBe(403);
    expect(del.json().error.message).toBe("this user has no permissions to run the 'del' command");
    expect(te.run('EXISTS', 'other')).toBe(0);
    expect((te.run('ACL', 'LOG') as unknown[]).length).toBe(2);
    const batch = await app.inject({ method: 'POST', url: '/api/cache/_batch/get', payload: JSON.stringify({ keys: ['app:1', 'secret'] }), headers: { ...json, ...basic('app', 'pw') } });
    expect(batch.statusCode).toBe(403);
  });

  it('refuses wrong credentials with 401, and keeps the bearer token and no credentials as before', async () => {
    const { te, app } = setup({ authToken: () => 'tok' });
    te.run('ACL', 'SETUSER', 'app', 'on', '>pw', '+@all', '~*');
    expect((await app.inject({ url: '/api/cache/k', headers: basic('app', 'nope') })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/cache/k', headers: basic('ghost', 'pw') })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/cache/k' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/cache/k', headers: { authorization: 'Bearer tok' } })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/cache/k', headers: basic('app', 'pw') })).statusCode).toBe(404);
  });
});
