// Piggyback queue: membership updates waiting to ride on outgoing packets, each sent a bounded number of times.
//
// Updates are keyed by member id: a newer update about a member replaces the queued older one
// (an alive that refutes a suspect must not be followed by the stale suspect). take() prefers the
// least-transmitted, then newest, updates that fit the byte budget, so fresh news spreads first.

interface Item {
  readonly key: string;
  readonly msg: Buffer;
  readonly order: number;
  transmits: number;
}

export class BroadcastQueue {
  private readonly items = new Map<string, Item>();
  private order = 0;

  /** @param limit current retransmit limit (retransmitMult * ceil(log10(n+1))), read per take. */
  constructor(private readonly limit: () => number) {}

  enqueue(key: string, msg: Buffer): void {
    this.items.set(key, { key, msg, order: this.order++, transmits: 0 });
  }

  /** Encoded messages totalling at most budget bytes (and maxCount of them); counts a transmit for each. */
  take(budget: number, maxCount: number): Buffer[] {
    if (this.items.size === 0 || budget <= 0 || maxCount <= 0) return [];
    const sorted = [...this.items.values()].sort((a, b) => a.transmits - b.transmits || b.order - a.order);
    const limit = this.limit();
    const out: Buffer[] = [];
    let used = 0;
    for (const it of sorted) {
      if (out.length >= maxCount) break;
      if (used + it.msg.length > budget) continue;
      used += it.msg.length;
      out.push(it.msg);
      it.transmits++;
      if (it.transmits >= limit) this.items.delete(it.key);
    }
    return out;
  }

  get size(): number {
    return this.items.size;
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  clear(): void {
    this.items.clear();
  }
}
