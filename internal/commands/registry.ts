// The command table: every family's specs in one lookup, with subcommands under their container.
import type { CommandSpec } from '../contracts/command.js';

export class CommandRegistry {
  private readonly byName = new Map<string, CommandSpec>();
  /** Also keyed by the upper-case name, so the common spellings resolve without allocating. */
  private readonly byWireName = new Map<string, CommandSpec>();
  private readonly subs = new Map<string, Map<string, CommandSpec>>();

  constructor(families: readonly (readonly CommandSpec[])[]) {
    for (const fam of families) {
      for (const spec of fam) {
        if (this.byName.has(spec.name)) throw new Error(`duplicate command ${spec.name}`);
        this.byName.set(spec.name, spec);
        this.byWireName.set(spec.name, spec);
        this.byWireName.set(spec.name.toUpperCase(), spec);
        if (spec.subcommands) {
          const m = new Map<string, CommandSpec>();
          for (const s of spec.subcommands) {
            const short = s.name.slice(s.name.indexOf('|') + 1);
            m.set(short, s);
          }
          this.subs.set(spec.name, m);
        }
      }
    }
  }

  get(name: string): CommandSpec | undefined {
    return this.byName.get(name);
  }

  /** Lookup by the name as a client sent it, in any case. */
  getAnyCase(name: string): CommandSpec | undefined {
    return this.byWireName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  sub(container: string, sub: string): CommandSpec | undefined {
    return this.subs.get(container)?.get(sub);
  }

  /** Lookup by `name` or `container|sub`. */
  lookup(fullName: string): CommandSpec | undefined {
    const bar = fullName.indexOf('|');
    if (bar < 0) return this.get(fullName);
    return this.sub(fullName.slice(0, bar), fullName.slice(bar + 1));
  }

  all(): CommandSpec[] {
    return [...this.byName.values()];
  }
}
