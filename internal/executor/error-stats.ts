// INFO errorstats: error replies counted by their code (the error line's first word), as Redis's afterErrorReply does.

/** Redis's ERROR_STATS_NUMBER: distinct error codes tracked; a code first seen after that many is not added. */
export const ERROR_CODES_MAX = 128;

/** The code of an error line (`WRONGTYPE Operation...` -> WRONGTYPE): its first word within 32 bytes, else ERR. */
export function errorCode(line: string): string {
  const space = line.indexOf(' ');
  return space > 0 && space < 32 ? line.slice(0, space) : 'ERR';
}

export class ErrorStats extends Map<string, number> {
  /** Counts one error reply by its code. */
  count(line: string): void {
    const code = errorCode(line);
    const n = this.get(code);
    if (n !== undefined) this.set(code, n + 1);
    else if (this.size < ERROR_CODES_MAX) this.set(code, 1);
  }
}
