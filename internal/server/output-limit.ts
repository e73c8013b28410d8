// client-output-buffer-limit for one client class: parsing and the hard/soft decision (pure).
import { parseMemory } from '../config/load.js';

export interface OutputLimit {
  /** Bytes; 0 disables. Above this the client is closed at once. */
  hard: number;
  /** Bytes; 0 disables. Above this for `softSeconds` the client is closed. */
  soft: number;
  softSeconds: number;
}

/** Parses `<hard> <soft> <soft-seconds>` (already validated by the config schema). */
export function parseOutputLimit(v: string): OutputLimit {
  const [hard = '0', soft = '0', secs = '0'] = v.trim().split(/\s+/);
  return { hard: parseMemory(hard) ?? 0, soft: parseMemory(soft) ?? 0, softSeconds: Number(secs) };
}

/**
 * Decides whether a client over its output limit must be closed, as Redis's
 * checkClientOutputBufferLimits: `softSince` is when it first went over the soft limit (0 = not
 * over). Returns the new softSince and whether to close.
 */
export function checkOutputLimit(limit: OutputLimit, pending: number, now: number, softSince: number): { close: boolean; softSince: number } {
  if (limit.hard > 0 && pending >= limit.hard) return { close: true, softSince };
  if (limit.soft > 0 && pending >= limit.soft) {
    if (softSince === 0) return { close: false, softSince: now };
    return { close: now - softSince >= limit.softSeconds * 1000, softSince };
  }
  return { close: false, softSince: 0 };
}
