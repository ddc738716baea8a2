/**
 * Totals of filtered lists ("1–50 of 100,000"), remembered for a short while. Counting every match of a filter over
 * a 100k-user directory costs more than the page itself, and the users screen asks for the total on each first
 * page; a total a few seconds old is good enough for a pager. Changes made through the tab forget the client's
 * totals at once; changes made elsewhere (a sync, the bot) show within `ttlInMs`.
 */
export class TotalCache {
  private readonly ttlInMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, { total: number; at: number }>();

  constructor(options: { ttlInMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.ttlInMs = options.ttlInMs ?? 15_000;
    this.maxEntries = options.maxEntries ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** The remembered total of this list and filter, if fresh. */
  get(client: string, list: string, filter: Readonly<Record<string, unknown>>): number | undefined {
    const key = keyOf(client, list, filter);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() - entry.at > this.ttlInMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.total;
  }

  set(client: string, list: string, filter: Readonly<Record<string, unknown>>, total: number): void {
    if (this.entries.size >= this.maxEntries) {
      // Oldest first: a Map iterates in insertion order.
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(keyOf(client, list, filter), { total, at: this.now() });
  }

  /** Forgets every total of a client (after a change made through the tab). */
  forget(client: string): void {
    const prefix = `${client.toLowerCase()}\n`;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

function keyOf(client: string, list: string, filter: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(filter)
    .filter(([name, value]) => value !== undefined && !['cursor', 'limit', 'withTotal'].includes(name))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return `${client.toLowerCase()}\n${list}\n${parts.join('&')}`;
}
