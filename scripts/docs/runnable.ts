// The code blocks of the docs marked ```sh runnable, in document order: what scripts/docs/runnable.int.test.ts runs.
import { readFileSync } from 'node:fs';

export interface RunnableBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly script: string;
}

/** Blocks fenced as ```sh runnable (or ```bash runnable); other blocks are examples for reading only. */
export function runnableBlocks(file: string, text = readFileSync(file, 'utf8')): RunnableBlock[] {
  const out: RunnableBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash)\s+runnable\s*$/.test(lines[i] as string)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] as string).startsWith('```'); i++) body.push(lines[i] as string);
    out.push({ file, line: start + 1, script: body.join('\n') });
  }
  return out;
}
