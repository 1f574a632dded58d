import type { Kysely } from 'kysely';
import type { Database } from '../infra/db/schema.ts';
import type { OAuthStateRepository } from '../infra/db/oauth-state-repository.ts';
import { removeIdleVisitors } from '../infra/db/idle-visitors.ts';
import { removeEndedWindows } from '../infra/db/rate-limit-store.ts';

// Rows that nothing needs any more (issue 12): visitors idle and holding nothing, OAuth states
// no callback may use, rate-limit counters whose window ended. Runs with the worker (in the
// server process by default); several processes running it at once only repeat deletes.

const DAY = 86_400_000;

export interface HousekeepingDeps {
  db: Kysely<Database>;
  states: Pick<OAuthStateRepository, 'deleteExpired'>;
  /** The app's clock (visitors, states); rate-limit windows are on real time like the plugin's. */
  clock: () => number;
  /** A visitor holding nothing is removed after this many days without a write. */
  idleVisitorDays?: number;
  everyMs?: number;
  log?: { warn(details: object, message: string): void };
}

export interface HousekeepingRun {
  visitors: number;
  oauthStates: number;
  rateLimits: number;
}

export function createHousekeeping(d: HousekeepingDeps) {
  const idleMs = (d.idleVisitorDays ?? 30) * DAY;
  const everyMs = d.everyMs ?? 60 * 60_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();

  async function runOnce(): Promise<HousekeepingRun> {
    const now = d.clock();
    return {
      visitors: await removeIdleVisitors(d.db, now - idleMs),
      oauthStates: await d.states.deleteExpired(now),
      rateLimits: await removeEndedWindows(d.db, Date.now()),
    };
  }

  function schedule(delayMs: number) {
    timer = setTimeout(() => {
      running = runOnce()
        .catch((err: unknown) => d.log?.warn({ err }, 'housekeeping failed; it runs again later'))
        .finally(() => timer && schedule(everyMs));
    }, delayMs);
    timer.unref(); // never what keeps a process alive
  }

  return {
    runOnce,
    /** First run a minute after start (not in the way of booting), then every `everyMs`. */
    start(): void {
      if (!timer) schedule(Math.min(everyMs, 60_000));
    },
    async stop(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
