// A Dockerfile read into stages and instructions, and replayed without an engine: each stage's file system is a directory, its RUN steps run there with sh.
//
// No Docker engine runs on the CI machines, so the image is checked by doing what the engine would:
// COPY copies from the build context (or an earlier stage's directory), WORKDIR and ENV carry
// over, RUN runs the same command with the stage's working directory mapped into the stage's
// directory. RUN steps must therefore use relative paths (or /tmp), which the Dockerfile keeps to.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Instruction {
  readonly op: string;
  /** The arguments as written, continuation lines joined. */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  readonly base: string;
  readonly instructions: Instruction[];
}

/** Stages of a Dockerfile: comments dropped, `\` continuations joined, one instruction per logical line. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let logical = (lines[i] as string).trim();
    if (logical === '' || logical.startsWith('#')) continue;
    while (logical.endsWith('\\') && i + 1 < lines.length) logical = logical.slice(0, -1).trimEnd() + ' ' + (lines[++i] as string).trim();
    const m = /^(\S+)\s*(.*)$/.exec(logical) as RegExpExecArray;
    const op = (m[1] as string).toUpperCase();
    const args = m[2] as string;
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (f === null) throw new Error(`line ${start + 1}: cannot read FROM ${args}`);
      stages.push({ base: f[1] as string, name: f[2] ?? String(stages.length), instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (stage === undefined) throw new Error(`line ${start + 1}: ${op} before FROM`);
    stage.instructions.push({ op, args, line: start + 1 });
  }
  return stages;
}

/** Flags (`--from=build`) and the remaining words of a COPY. */
function copyArgs(args: string): { from: string | null; words: string[] } {
  let from: string | null = null;
  const words: string[] = [];
  for (const w of args.split(/\s+/)) {
    if (w.startsWith('--from=')) from = w.slice('--from='.length);
    else if (!w.startsWith('--')) words.push(w);
  }
  return { from, words };
}

export interface ReplayResult {
  /** Each stage's directory (its "/"). */
  readonly roots: ReadonlyMap<string, string>;
  /** The last stage's working directory, mapped. */
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  /** What each RUN took, in order, for the record. */
  readonly runs: readonly { stage: string; command: string; ms: number }[];
}

/**
 * Replays every stage into `out`/<stage>/. `env` is added to each RUN's environment (the caller's
 * PATH and npm cache); ENV lines of the Dockerfile override it as they do in the image.
 */
export function replayDockerfile(stages: readonly Stage[], context: string, out: string, env: NodeJS.ProcessEnv): ReplayResult {
  const roots = new Map<string, string>();
  const runs: { stage: string; command: string; ms: number }[] = [];
  let workdir = '/';
  let stageEnv: Record<string, string> = {};
  for (const stage of stages) {
    const root = path.join(out, stage.name);
    mkdirSync(root, { recursive: true });
    roots.set(stage.name, root);
    workdir = '/';
    stageEnv = {};
    const inRoot = (p: string): string => path.join(root, path.posix.resolve(workdir, p));
    for (const ins of stage.instructions) {
      if (ins.op === 'WORKDIR') {
        workdir = path.posix.resolve(workdir, ins.args);
        mkdirSync(inRoot('.'), { recursive: true });
      } else if (ins.op === 'ENV') {
        for (const m of ins.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) stageEnv[m[1] as string] = (m[2] as string).replace(/^"|"$/g, '');
      } else if (ins.op === 'COPY') {
        const { from, words } = copyArgs(ins.args);
        const dest = words.pop() as string;
        const fromRoot = from === null ? null : roots.get(from);
        if (from !== null && fromRoot === undefined) throw new Error(`line ${ins.line}: no stage ${from}`);
        for (const src of words) {
          const source = fromRoot === null || fromRoot === undefined ? path.join(context, src) : path.join(fromRoot, src);
          const isDir = statSync(source).isDirectory();
          // A file copied into a directory (`./`) keeps its name; a directory copies its contents.
          const target = !isDir && dest.endsWith('/') ? path.join(inRoot(dest), path.basename(src)) : inRoot(dest);
          mkdirSync(isDir ? target : path.dirname(target), { recursive: true });
          cpSync(source, target, { recursive: true });
        }
      } else if (ins.op === 'RUN') {
        const t0 = Date.now();
        execFileSync('sh', ['-c', ins.args], { cwd: inRoot('.'), env: { ...env, ...stageEnv }, stdio: 'pipe', maxBuffer: 64 << 20 });
        runs.push({ stage: stage.name, command: ins.args, ms: Date.now() - t0 });
      }
      // USER, VOLUME, EXPOSE, HEALTHCHECK, STOPSIGNAL, ENTRYPOINT, CMD configure the container, not its files.
    }
  }
  const last = stages[stages.length - 1];
  const lastRoot = last === undefined ? out : (roots.get(last.name) as string);
  return { roots, workdir: path.join(lastRoot, workdir), env: stageEnv, runs };
}

/** The exec-form JSON array of an instruction (`ENTRYPOINT ["node", ...]`, `HEALTHCHECK ... CMD [...]`). */
export function execForm(args: string): string[] {
  const i = args.indexOf('[');
  if (i < 0) throw new Error(`not in exec form: ${args}`);
  const parsed: unknown = JSON.parse(args.slice(i));
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) throw new Error(`not a string array: ${args}`);
  return parsed;
}
