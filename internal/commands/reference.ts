// Renders the command table as docs/commands.md (the generated command reference).
import type { CommandSpec } from '../contracts/command.js';

function specLine(s: CommandSpec): string {
  const name = s.name.replace('|', ' ').toUpperCase();
  return s.syntax ? `${name} ${s.syntax}` : name;
}

function row(s: CommandSpec): string {
  const keys = s.firstKey === 0 ? '-' : `${s.firstKey}..${s.lastKey} step ${s.step}`;
  const esc = (t: string): string => t.replace(/\|/g, '\\|');
  const summary = s.notes === undefined ? s.summary : `${s.summary} (ringcache: ${s.notes})`;
  return `| \`${esc(specLine(s))}\` | ${esc(summary)} | ${s.arity} | ${s.flags.join(', ') || '-'} | ${keys} | ${esc(s.complexity ?? '-')} |`;
}

export function renderCommandReference(specs: readonly CommandSpec[]): string {
  const groups = new Map<string, CommandSpec[]>();
  for (const s of [...specs].sort((a, b) => a.name.localeCompare(b.name))) {
    const list = groups.get(s.group) ?? [];
    list.push(s);
    groups.set(s.group, list);
  }
  const total = specs.reduce((n, s) => n + 1 + (s.subcommands?.length ?? 0), 0);
  const out: string[] = [
    '# Command reference',
    '',
    '<!-- Generated from the command table (internal/commands/*.ts) by `npm run docs:commands`; do not edit by hand. -->',
    '',
    `${specs.length} commands (${total} including subcommands). Arity follows Redis: N means exactly N`,
    'arguments including the command name, -N means at least N. Keys are argv positions (first..last, -1 = last).',
    '',
  ];
  for (const [group, list] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`## ${group}`, '', '| Syntax | Summary | Arity | Flags | Keys | Complexity |', '|---|---|---|---|---|---|');
    for (const s of list) {
      out.push(row(s));
      for (const sub of s.subcommands ?? []) out.push(row(sub));
    }
    out.push('');
  }
  return out.join('\n');
}
