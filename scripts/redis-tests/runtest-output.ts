// Parses the console output of Redis's Tcl `runtest` (one unit, external-server mode) into test outcomes; never runs anything.

/** What runtest said about one test. */
export type TestOutcome = 'ok' | 'err' | 'skip' | 'ignore';

export interface TestRecord {
  readonly name: string;
  readonly outcome: TestOutcome;
  /** err: the error text runtest printed (message, then Tcl's errorInfo); ignore: the reason (`Tag: slow denied`). */
  readonly detail?: string;
}

export interface RuntestOutput {
  /** Tests in the order runtest reported them. */
  readonly tests: readonly TestRecord[];
  /**
   * `[err]` lines that name no test: with --durable, an error raised in a start_server block outside any
   * `test` (a CONFIG SET in the block's setup, say). The rest of that block did not run.
   */
  readonly blockErrors: readonly string[];
  /** Whole blocks skipped by tag or mode (`[ignore]: Tag: slow denied`); their tests are never named. */
  readonly ignoredBlocks: readonly string[];
  /** `[exception]`: the test client died (an error outside --durable's reach); runtest stops the unit there. */
  readonly exception: string | null;
  /** runtest's own no-progress timeout fired (`[TIMEOUT]`). */
  readonly timedOut: boolean;
  /** The test client's state when the timeout fired (`(IN PROGRESS) <test>`), if runtest said. */
  readonly timedOutIn: string | null;
  /** Units runtest reported done (`[1/1 done]: unit/type/list (3 seconds)`). */
  readonly doneUnits: readonly string[];
  /** runtest reached its summary (`The End`). */
  readonly finished: boolean;
}

// Colour escapes appear when TERM looks like xterm; the runner sets TERM=dumb, but be robust.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

const IGNORE_REASON = /^(?:(.*): )?(Tag: .* denied|Tag: none of the tags allowed|Not supported (?:on|in) .*|large memory flag not provided)$/s;

/** A line that starts a new record, so it ends the multi-line detail of the one before. */
function isRecordStart(line: string): boolean {
  return (
    /^\[(ok|err|exception|skip|ignore|ready|TIMEOUT)\]: /.test(line) ||
    /^\[\d+\/\d+ done\]: /.test(line) ||
    /^Testing (unit|integration)\//.test(line) ||
    line.trim() === 'The End' ||
    line.startsWith('Killing still running Redis server')
  );
}

/** Splits `[err]: <name> in tests/unit/x.tcl` into the test name, or null for a block-level error. */
export function errTestName(firstLine: string): string | null {
  const m = / in (tests\/\S+\.tcl)$/.exec(firstLine);
  return m === null ? null : firstLine.slice(0, m.index);
}

/** Parses runtest's console output (stdout and stderr interleaved as printed). */
export function parseRuntestOutput(text: string): RuntestOutput {
  const lines = text.replace(ANSI, '').replace(/\r\n/g, '\n').split('\n');
  const tests: TestRecord[] = [];
  const blockErrors: string[] = [];
  const ignoredBlocks: string[] = [];
  const doneUnits: string[] = [];
  let exception: string | null = null;
  let timedOut = false;
  let timedOutIn: string | null = null;
  let finished = false;

  // Reads the lines after index i that continue a multi-line record; returns them and the next index.
  const continuation = (i: number): [string[], number] => {
    const more: string[] = [];
    let j = i + 1;
    while (j < lines.length && !isRecordStart(lines[j] as string)) {
      more.push(lines[j] as string);
      j++;
    }
    while (more.length > 0 && (more[more.length - 1] as string).trim() === '') more.pop();
    return [more, j];
  };

  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === 'The End') {
      // Past this point runtest repeats every failure (`*** [err]: ...`) and lists unit times.
      finished = true;
      break;
    }
    let m: RegExpExecArray | null;
    if ((m = /^\[ok\]: (.*?)(?: \(\d+ ms\))?$/.exec(line)) !== null) {
      tests.push({ name: m[1] as string, outcome: 'ok' });
    } else if ((m = /^\[err\]: (.*)$/.exec(line)) !== null) {
      const [more, next] = continuation(i);
      const first = m[1] as string;
      const name = errTestName(first);
      if (name === null) blockErrors.push([first, ...more].join('\n'));
      else tests.push({ name, outcome: 'err', detail: more.join('\n') });
      i = next;
      continue;
    } else if ((m = /^\[exception\]: (.*)$/.exec(line)) !== null) {
      const [more, next] = continuation(i);
      exception = [m[1] as string, ...more].join('\n');
      i = next;
      continue;
    } else if ((m = /^\[skip\]: (.*)$/.exec(line)) !== null) {
      tests.push({ name: m[1] as string, outcome: 'skip' });
    } else if ((m = /^\[ignore\]: (.*)$/.exec(line)) !== null) {
      const r = IGNORE_REASON.exec(m[1] as string);
      if (r !== null && r[1] === undefined) ignoredBlocks.push(r[2] as string);
      else if (r !== null) tests.push({ name: r[1] as string, outcome: 'ignore', detail: r[2] as string });
      else tests.push({ name: m[1] as string, outcome: 'ignore' });
    } else if (line.startsWith('[TIMEOUT]: ')) {
      timedOut = true;
    } else if (timedOut && (m = /^\S+ => (.*)$/.exec(line)) !== null) {
      // The client's last state: `(IN PROGRESS) <test>`, `(OK) <test>` when it hung between tests, `ASSIGNED: ...`.
      timedOutIn = m[1] as string;
    } else if ((m = /^\[\d+\/\d+ done\]: (\S+)/.exec(line)) !== null) {
      doneUnits.push(m[1] as string);
    }
    i++;
  }
  return { tests, blockErrors, ignoredBlocks, exception, timedOut, timedOutIn, doneUnits, finished };
}
