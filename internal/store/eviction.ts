// Pure eviction math: Redis's LFU logarithmic counter, its decay, and the policy table.

export const EVICTION_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

export const LFU_INIT_VAL = 5;

/** Probabilistic logarithmic increment: the higher the counter, the less likely it grows. */
export function lfuIncrement(counter: number, logFactor: number, rand: number): number {
  if (counter >= 255) return 255;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  const p = 1 / (base * logFactor + 1);
  return rand < p ? counter + 1 : counter;
}

/** Decrement by one per `decayMinutes` elapsed since the last access. */
export function lfuDecay(counter: number, elapsedMs: number, decayMinutes: number): number {
  if (decayMinutes <= 0) return counter;
  const periods = Math.floor(elapsedMs / 60_000 / decayMinutes);
  return periods > counter ? 0 : counter - periods;
}

export function isVolatilePolicy(p: EvictionPolicy): boolean {
  return p.startsWith('volatile-');
}
export function isLfuPolicy(p: EvictionPolicy): boolean {
  return p.endsWith('-lfu');
}
