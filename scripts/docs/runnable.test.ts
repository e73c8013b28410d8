// Parsing of the docs' runnable blocks: fences, modes and the command lines of a `servers` block.
import { describe, expect, it } from 'vitest';
import { commandLines, runnableBlocks } from './runnable.js';

describe('runnableBlocks', () => {
  const doc = ['# t', '```sh runnable', 'a', 'b', '```', '```sh', 'not run', '```', '```bash runnable servers', 'node x  # c', '', '# only a comment', 'y', '```', '```sh runnable extra', 'z', '```'].join('\n');

  it('finds runnable fences with their mode and 1-based line, and skips the others', () => {
    const blocks = runnableBlocks('f.md', doc);
    expect(blocks.map((b) => [b.line, b.mode, b.script])).toEqual([
      [2, 'script', 'a\nb'],
      [9, 'servers', 'node x  # c\n\n# only a comment\ny'],
    ]);
  });

  it('splits a servers block into its command lines, without blanks and comment-only lines', () => {
    expect(commandLines('node x  # c\n\n  # only a comment\ny\n')).toEqual(['node x  # c', 'y']);
  });
});
