// INFO commandstats: per-command call counts, time and latency buckets, with a generation the executor's cache checks.
import type { CommandStat } from '../contracts/figures.js';
import { BucketCounts, COMMAND_LATENCY_BOUNDS_US } from '../observability/buckets.js';

/**
 * INFO commandstats by command name. Others clear and refill it (CONFIG RESETSTAT, AOF loading
 * puts the stats back), so every change bumps `generation`, which the executor's one-entry cache
 * of the last command's stats checks instead of a lookup by name per command.
 */
export class CommandStats extends Map<string, CommandStat> {
  generation = 0;

  override set(name: string, st: CommandStat): this {
    this.generation++;
    return super.set(name, st);
  }

  override delete(name: string): boolean {
    this.generation++;
    return super.delete(name);
  }

  override clear(): void {
    this.generation++;
    super.clear();
  }
}

export function newCommandStat(): CommandStat {
  return { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0, latency: new BucketCounts(COMMAND_LATENCY_BOUNDS_US) };
}