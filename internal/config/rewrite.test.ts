// CONFIG REWRITE: what is written back (changed and explicitly set values, not derived ones or env secrets), comments kept, Redis's errors.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandError } from '../contracts/errors.js';
import { loadConfig, localConfig } from './load.js';
import { rewriteConfig } from './rewrite.js';
import { ConfigRuntime } from './runtime.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A config file with `text`, loaded with `argv` and `env`; returns its path and a runtime over it. */
function started(text: string, argv: string[] = [], env: Record<string, string> = {}): { file: string; rt: ConfigRuntime } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-rewrite-'));
  dirs.push(dir);
  const file = path.join(dir, 'node.yaml');
  writeFileSync(file, text);
  return { file, rt: new ConfigRuntime(loadConfig({ argv: ['--config', file, ...argv], env })) };
}

const rewrite = (rt: ConfigRuntime): void => rewriteConfig(rt.initial, rt.snapshot());

const FILE = `# node A: a comment that must survive
port: 7000 # the RESP port
maxmemory: 1mb

http:
  # the API
  port: 9000
`;

describe('CONFIG REWRITE', () => {
  it('writes the values CONFIG SET changed into the file, keeping comments, order and untouched values', () => {
    const { file, rt } = started(FILE);
    rt.set([['maxmemory', '2mb'], ['hz', '20'], ['repl-timeout', '30'], ['slave-read-only', 'no'], ['save', '900 1']]);
    rewrite(rt);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# node A: a comment that must survive');
    expect(text).toContain('port: 7000 # the RESP port');
    expect(text).toContain('  # the API\n  port: 9000');
    expect(text).toContain('maxmemory: 2097152');
    expect(text).toContain('hz: 20');
    expect(text).toMatch(/\nredis:\n( {2}\w+: \S+\n)*/);
    expect(text).toContain('  repl_timeout: 30\n');
    expect(text).toContain('  replica_read_only: false\n');
    // Loading the file again gives the running values.
    const again = new ConfigRuntime(loadConfig({ argv: ['--config', file], env: {} }));
    for (const name of ['maxmemory', 'hz', 'repl-timeout', 'replica-read-only', 'save', 'port', 'http-port']) expect(again.get([name]), name).toEqual(rt.get([name]));
  });

  it('writes what flags and env set at start-up, as Redis writes its command-line options, but not derived ports', () => {
    const { file, rt } = started('port: 7000\n', ['--maxmemory-policy', 'allkeys-lru'], { RINGCACHE_TIMEOUT: '30' });
    rt.set([['hz', '11']]);
    rewrite(rt);
    const text = readFileSync(file, 'utf8');
    // New keys are appended in schema order.
    expect(text).toBe('port: 7000\ntimeout: 30\nhz: 11\nmaxmemory_policy: allkeys-lru\n');
    expect(text).not.toContain('gossip_port'); // 17000 derives from port again on reload
  });

  it('keeps a secret given by env out of the file, unless CONFIG SET changed it', () => {
    const { file, rt } = started('port: 7000\n', [], { RINGCACHE_REQUIREPASS: 'from-env' });
    rt.set([['hz', '12']]);
    rewrite(rt);
    expect(readFileSync(file, 'utf8')).not.toContain('from-env');
    rt.set([['requirepass', 'changed']]);
    rewrite(rt);
    expect(readFileSync(file, 'utf8')).toContain('requirepass: changed');
  });

  it('leaves the file untouched when nothing differs from it', () => {
    const { file, rt } = started(FILE);
    rt.set([['maxmemory', '1mb']]);
    rewrite(rt);
    expect(readFileSync(file, 'utf8')).toBe(FILE);
  });

  it('writes the pubsub output limit where the file already has it, and the full setting otherwise', () => {
    const { file, rt } = started('client_output_buffer_limit_pubsub: 32mb 8mb 60\n');
    rt.set([['client-output-buffer-limit', 'pubsub 1mb 1mb 1']]);
    rewrite(rt);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('client_output_buffer_limit_pubsub: 1048576 1048576 1');
    expect(text).toContain('client_output_buffer_limit: normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 1048576 1');
    expect(() => loadConfig({ argv: ['--config', file], env: {} })).not.toThrow();
  });

  it("answers Redis's errors: no config file, and an unwritable one", () => {
    const rt = new ConfigRuntime(localConfig());
    expect(() => rewrite(rt)).toThrow(new CommandError('ERR', 'The server is running without a config file'));
    const { file, rt: rt2 } = started('port: 7000\n');
    rt2.set([['hz', '13']]);
    if (process.getuid?.() !== 0) {
      chmodSync(path.dirname(file), 0o500);
      try {
        expect(() => rewrite(rt2)).toThrow('Rewriting config file: Permission denied');
      } finally {
        chmodSync(path.dirname(file), 0o700);
      }
    }
    rmSync(file);
    expect(() => rewrite(rt2)).toThrow('Rewriting config file: No such file or directory');
  });
});
