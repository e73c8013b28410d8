// Random choice for the probe round, helpers and gossip targets, driven by an injected random() so simulations are deterministic.

/** Fisher-Yates, in place; returns `a`. */
export function shuffle<T>(a: T[], random: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const x = a[i] as T;
    a[i] = a[j] as T;
    a[j] = x;
  }
  return a;
}

/** Up to k distinct random elements. */
export function pick<T>(items: readonly T[], k: number, random: () => number): T[] {
  if (items.length <= k) return shuffle([...items], random);
  return shuffle([...items], random).slice(0, k);
}
