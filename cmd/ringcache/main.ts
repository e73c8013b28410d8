#!/usr/bin/env node
// ringcache CLI: flags/env -> loadConfig -> createNode(cfg).start(); SIGTERM/SIGINT -> stop().
// First: its body runs before the other modules evaluate; the node's own modules load later (see main).
import { startupHeapDone } from '../../internal/node/startup-heap.js';
import { ConfigError, envName, flagName, loadConfig } from '../../internal/config/load.js';
import { PARAMS } from '../../internal/config/schema.js';
import { checkAof, checkSnapshot } from '../../internal/persistence/check.js';
import { RINGCACHE_VERSION } from '../../internal/version.js';

function usage(): string {
  const lines = PARAMS.map((p) => `  --${flagName(p).padEnd(28)} ${p.doc} (default ${JSON.stringify(p.default)}; env ${envName(p)})`);
  return [
    'Usage: ringcache [--config FILE.yaml] [--flag value ...]',
    '       ringcache check-aof [--fix] FILE.aof|FILE.manifest',
    '       ringcache check-snapshot FILE',
    '',
    'Flags:',
    '  --config FILE                YAML config file',
    ...lines,
  ].join('\n');
}

function fail(message: string): never {
  process.stderr.write(`ringcache: ${message}\n`);
  process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  // Offline file checks run before flag parsing: they take a file, not node flags.
  if (argv[0] === 'check-aof' || argv[0] === 'check-snapshot') {
    const out = argv[0] === 'check-aof' ? checkAof(argv.slice(1)) : checkSnapshot(argv.slice(1));
    process.stdout.write(out.lines.join('\n') + '\n');
    process.exit(out.code);
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage() + '\n');
    return;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`ringcache ${RINGCACHE_VERSION}\n`);
    return;
  }
  let config;
  try {
    config = loadConfig({ argv, env: process.env });
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  // Loaded only now: parsing the node's module graph is most of start-up's allocation, and it
  // happens after startup-heap.ts has limited the young generation's growth.
  const { createNode } = await import('../../internal/node/node.js');
  let exiting = false;
  const node = createNode(config, {
    onShutdown: () => {
      exiting = true;
      process.exit(0);
    },
  });
  // Handlers go in before the listeners open, so a SIGTERM right after the port opens still stops cleanly.
  const onSignal = (sig: string): void => {
    if (exiting) return;
    exiting = true;
    node.log.info({ component: 'node', signal: sig }, 'received signal, stopping');
    node.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  try {
    await node.start();
    startupHeapDone();
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { port?: number; address?: string };
    if (err.code === 'EADDRINUSE') fail(`address ${err.address ?? ''}:${err.port ?? ''} is already in use`);
    if (err.code === 'EACCES') fail(`permission denied binding ${err.address ?? ''}:${err.port ?? ''}`);
    if (err.code === 'EADDRNOTAVAIL') fail(`cannot bind ${err.address ?? ''}: address not available`);
    fail(`failed to start: ${err.message}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
