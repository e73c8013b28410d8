// The code blocks of the docs marked ```sh runnable, in document order: what scripts/docs/runnable.int.test.ts runs.
import { readFileSync } from 'node:fs';

/**
 * `script`: the block runs as one bash script against the local cluster.
 * `servers`: each line runs on its own in a fresh copy of the checkout; a line that starts a node in the
 * foreground counts once the node logs that it is ready, and must then stop cleanly on SIGTERM.
 */
export type RunnableMode = 'script' | 'servers';

export interface RunnableBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly mode: RunnableMode;
  readonly script: string;
}

/** Blocks fenced as ```sh runnable or ```sh runnable servers (bash too); other blocks are examples for reading only. */
export function runnableBlocks(file: string, text = readFileSync(file, 'utf8')): RunnableBlock[] {
  const out: RunnableBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(?:sh|bash)\s+runnable(?:\s+(servers))?\s*$/.exec(lines[i] as string);
    if (fence === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] as string).startsWith('```'); i++) body.push(lines[i] as string);
    out.push({ file, line: start + 1, mode: fence[1] === 'servers' ? 'servers' : 'script', script: body.join('\n') });
  }
  return out;
}

/** The commands of a `servers` block: one per non-blank line that is not only a comment. */
export function commandLines(script: string): string[] {
  return script.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}
