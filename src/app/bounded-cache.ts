/**
 * A least-recently-used map bounded by the total size its entries declare. Sizes can grow
 * after insertion (a compressed form added to a cached feed version).
 */
export class BoundedCache<V> {
  readonly #entries = new Map<string, { value: V; size: number }>();
  readonly #maxSize: number;
  #size = 0;

  constructor(maxSize: number) {
    this.#maxSize = maxSize;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry); // most recently used goes last
    return entry.value;
  }

  set(key: string, value: V, size: number): void {
    this.delete(key);
    this.#entries.set(key, { value, size });
    this.#size += size;
    this.#evict(key);
  }

  /** Adds `delta` to an entry's declared size (no-op when the entry is gone). */
  grow(key: string, delta: number): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.size += delta;
    this.#size += delta;
    this.#evict(key);
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#size -= entry.size;
  }

  clear(): void {
    this.#entries.clear();
    this.#size = 0;
  }

  get size(): number {
    return this.#size;
  }

  /** Drops the oldest entries until the total fits, keeping `keep` (the newest) regardless. */
  #evict(keep: string): void {
    if (this.#size <= this.#maxSize) return; // the common case: no iterator made
    for (const key of this.#entries.keys()) {
      if (this.#size <= this.#maxSize) return;
      if (key !== keep) this.delete(key);
    }
  }
}
