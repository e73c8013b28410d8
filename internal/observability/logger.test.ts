// Logger tests: NDJSON lines with node, component and level names; size rotation; secrets and values redacted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, RotatingFile } from './logger.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ringcache-log-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function lines(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('createLogger', () => {
  it('writes one JSON object per line with node, component, level name and ISO time', () => {
    const dir = tmp();
    const { log, close } = createLogger({ nodeId: 'n7', level: 'info', logDir: dir, stdout: false });
    log.child({ component: 'resp' }).info({ peer: '127.0.0.1:5000' }, 'client connected');
    log.debug('not at info');
    close();
    const [line, ...rest] = lines(path.join(dir, 'n7.log'));
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ node: 'n7', component: 'resp', level: 'info', peer: '127.0.0.1:5000', msg: 'client connected' });
    expect(String(line?.['time'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('follows a level change made on the logger (CONFIG SET loglevel)', () => {
    const dir = tmp();
    const { log, close } = createLogger({ nodeId: 'n1', level: 'warning', logDir: dir, stdout: false });
    log.info('dropped');
    log.level = 'debug';
    log.debug('kept');
    close();
    expect(lines(path.join(dir, 'n1.log')).map((l) => l['msg'])).toEqual(['kept']);
  });

  it('redacts values and credentials whatever a caller passes', () => {
    const dir = tmp();
    const { log, close } = createLogger({ nodeId: 'n1', level: 'info', logDir: dir, stdout: false });
    log.info({ value: 's3cret-value', password: 'pw1', argv: ['SET', 'k', 'v'], cfg: { requirepass: 'pw2', auth_token: 'tok' }, authorization: 'Bearer tok2' }, 'x');
    close();
    const text = fs.readFileSync(path.join(dir, 'n1.log'), 'utf8');
    for (const secret of ['s3cret-value', 'pw1', 'pw2', '"tok"', 'tok2', '"v"']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});

describe('RotatingFile', () => {
  it('rotates by size, keeping the newest N files, and never splits a line', () => {
    const dir = tmp();
    const file = path.join(dir, 'n.log');
    const f = new RotatingFile(file, 100, 2);
    for (let i = 0; i < 20; i++) f.write(`${JSON.stringify({ i, pad: 'x'.repeat(20) })}\n`);
    f.close();
    const names = fs.readdirSync(dir).sort();
    expect(names).toEqual(['n.log', 'n.log.1', 'n.log.2']);
    for (const n of names) {
      const size = fs.statSync(path.join(dir, n)).size;
      expect(size).toBeLessThanOrEqual(100);
      // Whole JSON lines only.
      for (const l of lines(path.join(dir, n))) expect(typeof l['i']).toBe('number');
    }
    // The newest lines are in n.log, the oldest kept in n.log.2; older ones were dropped.
    const newest = lines(file).map((l) => l['i'] as number);
    const oldest = lines(`${file}.2`).map((l) => l['i'] as number);
    expect(newest[newest.length - 1]).toBe(19);
    expect(Math.max(...oldest)).toBeLessThan(Math.min(...newest));
    // Writes after close are dropped, not thrown.
    expect(f.write('late\n')).toBe(true);
  });

  it('continues an existing file, counting its size', () => {
    const dir = tmp();
    const file = path.join(dir, 'n.log');
    fs.writeFileSync(file, 'y'.repeat(90) + '\n');
    const f = new RotatingFile(file, 100, 1);
    f.write('z'.repeat(20) + '\n');
    f.close();
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toBe('y'.repeat(90) + '\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('z'.repeat(20) + '\n');
  });
});
