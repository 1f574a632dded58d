/**
 * A map whose entries live `ttlMs` and of which at most `maxEntries` are kept. Entries are kept in
 * the order they were set, so the oldest (the first to expire, the first to go when full) is
 * always first: each set drops expired entries from the front without a scan.
 */
export class ExpiringCache<V> {
  readonly #entries = new Map<string, { value: V; at: number }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;

  constructor(o: { maxEntries: number; ttlMs: number }) {
    this.#maxEntries = o.maxEntries;
    this.#ttlMs = o.ttlMs;
  }

  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (now - entry.at < this.#ttlMs) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, now: number): void {
    this.#entries.delete(key); // a new value goes last, with its own time
    this.#entries.set(key, { value, at: now });
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && now - entry.at < this.#ttlMs) break;
      this.#entries.delete(oldest);
    }
  }

  /** Drops `key` only while it still holds `value` (a failed read must not drop a newer one). */
  deleteIf(key: string, value: V): void {
    if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
  }

  deleteWhere(matches: (key: string) => boolean): void {
    for (const key of this.#entries.keys()) if (matches(key)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
