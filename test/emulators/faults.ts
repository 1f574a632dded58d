import type http from 'node:http';

// Faults the emulators inject (reference/providers.md §6, items 9–11): scripted answers for the
// next calls, a share of calls failing at random, slow answers, and answers that never arrive.
//
// Kinds: '400' (a request the provider will never accept), '429' and '403' (rate limits), '500' and '503', 'timeout' (nothing is done and nothing
// comes back before the client gives up) and 'timeout-after-write' (the change is made, then
// the answer is held past the client's deadline: the classic cause of duplicates).

export type FaultKind = '400' | '429' | '403' | '500' | '503' | 'timeout' | 'timeout-after-write';

export interface Faults {
  /** Answers for the next calls, in order; they come before any random fault. */
  queue: FaultKind[];
  /** Every call waits this long first (keeps requests in flight). */
  delayMs: number;
  /** The share of calls (0–1) that fail with one of `randomKinds`. */
  randomShare: number;
  randomKinds: FaultKind[];
  /** How long a 'timeout' answer is held (longer than the client's deadline). */
  hangMs: number;
  /** Decides the random faults; a seeded generator makes a run's faults replayable. */
  random: () => number;
}

export function createFaults(): Faults {
  return { queue: [], delayMs: 0, randomShare: 0, randomKinds: [], hangMs: 2_000, random: Math.random };
}

/** The fault this call suffers, if any. */
export function nextFault(f: Faults): FaultKind | undefined {
  const scripted = f.queue.shift();
  if (scripted) return scripted;
  if (f.randomShare > 0 && f.randomKinds.length > 0 && f.random() < f.randomShare) {
    return f.randomKinds[Math.floor(f.random() * f.randomKinds.length)];
  }
  return undefined;
}

/** 'timeout': hold the request, then drop the connection without an answer. */
export async function dropAfterHang(f: Faults, req: http.IncomingMessage): Promise<void> {
  await new Promise((r) => setTimeout(r, f.hangMs));
  req.socket.destroy();
}

/** 'timeout-after-write': let the call do its work, but hold its answer, then drop it. */
export function withholdAnswer(f: Faults, req: http.IncomingMessage, res: http.ServerResponse): void {
  res.end = ((..._args: unknown[]) => {
    setTimeout(() => req.socket.destroy(), f.hangMs);
    return res;
  }) as typeof res.end;
}
