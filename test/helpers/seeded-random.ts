// A tiny seeded generator for randomized tests: the same seed gives the same numbers on every
// machine, so a failing run can be replayed from the seed it printed (Math.random cannot be).

/** mulberry32: 32 bits of state, good enough spread for test scripts, numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeededRandom {
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /**
   * An independent stream for one consumer (e.g. one emulator's faults): how many numbers that
   * consumer takes then cannot shift what every other stream draws.
   */
  fork(label: string): SeededRandom;
}

export function seededRandom(seed: number): SeededRandom {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    between: (min, max) => min + int(max - min + 1),
    chance: (p) => next() < p,
    pick: (items) => items[int(items.length)]!,
    fork(label) {
      // FNV-1a of the label, mixed with the seed.
      let h = 0x811c9dc5 ^ seed;
      for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
      return seededRandom(h >>> 0);
    },
  };
}

/** The seed from `variable` (decimal or 0x-hex), else `fallback`. */
export function seedFromEnv(variable: string, fallback: number): number {
  const text = process.env[variable]?.trim();
  if (!text) return fallback;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`${variable} must be a non-negative integer, got "${text}"`);
  return seed >>> 0;
}
