import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Engine } from './database.ts';
import type { Database } from './schema.ts';

// A gate in front of one connected account's provider requests, shared through the database by
// every process: at most `concurrent` requests in flight (leased slots) and requests started at
// least `minIntervalMs` apart (a reserved start time per account). Waiting happens here; a wait
// longer than `maxWaitMs` gives up with GateBusyError so the caller can reschedule instead.

export interface RequestLimits {
  /** Requests in flight at once for one account; 0 = no limit. */
  concurrent: number;
  /** Minimum spacing between request starts for one account; 0 = no spacing. */
  minIntervalMs: number;
}

export class GateBusyError extends Error {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

export interface RequestGateOptions {
  /** How long a slot stays taken if its process dies mid-request (longer than any request). */
  slotLeaseMs: number;
  maxWaitMs?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type RequestGate = ReturnType<typeof createRequestGate>;

export function createRequestGate(db: Kysely<Database>, engine: Engine, o: RequestGateOptions) {
  const clock = o.clock ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxWaitMs = o.maxWaitMs ?? 10_000;
  const holder = randomUUID();
  const slotRowsMade = new Map<string, number>();

  async function ensureSlotRows(connectionId: string, count: number): Promise<void> {
    if ((slotRowsMade.get(connectionId) ?? 0) >= count) return;
    const rows = Array.from({ length: count }, (_, slot) => ({ connection_id: connectionId, slot, holder: null, held_until: null }));
    await db.insertInto('request_slots').values(rows).onConflict((oc) => oc.columns(['connection_id', 'slot']).doNothing()).execute();
    slotRowsMade.set(connectionId, count);
  }

  /** One free (or abandoned) slot taken for this process, or null when all are busy. */
  async function tryTakeSlot(connectionId: string, count: number, token: string): Promise<number | null> {
    const now = clock();
    const lock = engine === 'postgres' ? sql`for update skip locked` : sql``;
    // The free-slot test is repeated outside the subquery: if two processes pick the same row,
    // the second one's update then matches nothing instead of taking a held slot.
    const result = await sql<{ slot: number }>`
      update request_slots set holder = ${token}, held_until = ${now + o.slotLeaseMs}
      where connection_id = ${connectionId}
        and (holder is null or held_until < ${now})
        and slot = (
          select slot from request_slots
          where connection_id = ${connectionId} and slot < ${count} and (holder is null or held_until < ${now})
          order by slot limit 1 ${lock}
        )
      returning slot`.execute(db);
    return result.rows[0] ? Number(result.rows[0].slot) : null;
  }

  /**
   * PostgreSQL: a free slot and, only if one was free, the account's next start time, in one
   * statement (a provider request used to cost three round trips at the gate).
   */
  async function takeSlotAndStart(connectionId: string, count: number, token: string, intervalMs: number): Promise<{ slot: number | null; start: number | null }> {
    const now = clock();
    const result = await sql<{ slot: number | null; next_at: number | null }>`
      with taken as (
        update request_slots set holder = ${token}, held_until = ${now + o.slotLeaseMs}
        where connection_id = ${connectionId}
          and (holder is null or held_until < ${now})
          and slot = (
            select slot from request_slots
            where connection_id = ${connectionId} and slot < ${count} and (holder is null or held_until < ${now})
            order by slot limit 1 for update skip locked
          )
        returning slot
      ), paced as (
        insert into request_pacing (connection_id, next_at)
        select ${connectionId}, ${now + intervalMs} where exists (select 1 from taken)
        on conflict (connection_id) do update set next_at = greatest(request_pacing.next_at, ${now}) + ${intervalMs}
        returning next_at
      )
      select (select slot from taken) as slot, (select next_at from paced) as next_at`.execute(db);
    const row = result.rows[0];
    if (row?.slot == null) return { slot: null, start: null };
    return { slot: Number(row.slot), start: Number(row.next_at) - intervalMs };
  }

  /** Reserves the next start time for this account and returns it. */
  async function reserveStart(connectionId: string, intervalMs: number): Promise<number> {
    const now = clock();
    const later = engine === 'postgres' ? sql`greatest(request_pacing.next_at, ${now})` : sql`max(request_pacing.next_at, ${now})`;
    const result = await sql<{ next_at: number }>`
      insert into request_pacing (connection_id, next_at) values (${connectionId}, ${now + intervalMs})
      on conflict (connection_id) do update set next_at = ${later} + ${intervalMs}
      returning next_at`.execute(db);
    return Number(result.rows[0]!.next_at) - intervalMs;
  }

  return {
    /**
     * Waits for a slot and the account's next start time; returns the release function, which
     * the caller must call when the request is over (success or not).
     */
    async enter(connectionId: string, limits: RequestLimits): Promise<() => Promise<void>> {
      const started = clock();
      let release = async () => {};
      // The start time reserved together with the slot (PostgreSQL), else after it.
      let start: number | null = null;
      if (limits.concurrent > 0) {
        await ensureSlotRows(connectionId, limits.concurrent);
        const token = `${holder}:${randomUUID()}`;
        const take = async () => {
          if (engine !== 'postgres' || limits.minIntervalMs <= 0) return tryTakeSlot(connectionId, limits.concurrent, token);
          const taken = await takeSlotAndStart(connectionId, limits.concurrent, token, limits.minIntervalMs);
          start = taken.start;
          return taken.slot;
        };
        let slot = await take();
        for (let pause = 10; slot === null; pause = Math.min(pause * 2, 200)) {
          if (clock() - started > maxWaitMs) throw new GateBusyError(`${limits.concurrent} requests already in flight for this account`, 1000);
          await sleep(pause / 2 + Math.random() * pause);
          slot = await take();
        }
        release = async () => {
          await db.updateTable('request_slots').set({ holder: null, held_until: null }).where('connection_id', '=', connectionId).where('slot', '=', slot).where('holder', '=', token).execute();
        };
      }
      if (limits.minIntervalMs > 0) {
        try {
          const wait = (start ?? (await reserveStart(connectionId, limits.minIntervalMs))) - clock();
          if (wait > maxWaitMs) throw new GateBusyError('too many requests for this account right now', wait);
          if (wait > 0) await sleep(wait);
        } catch (error) {
          await release();
          throw error;
        }
      }
      return release;
    },
  };
}
