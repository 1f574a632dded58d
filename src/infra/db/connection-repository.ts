import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Connection, ConnectionMode, ConnectionStatus, ProviderKind } from '../../core/sync/connection.ts';
import type { TokenVault } from '../crypto/token-vault.ts';
import type { ConnectionsTable, Database } from './schema.ts';
import { connectionJobPrefix, enqueuePushJobs, jobKeyStartsWith, pushTargetsForConnection } from './push-jobs.ts';

export type { Connection, ConnectionStatus } from '../../core/sync/connection.ts';

/** Everything secret about a connection; only ever stored sealed. */
export interface ConnectionSecrets {
  accessToken?: string;
  refreshToken?: string | null;
  password?: string;
}

export function toConnection(r: Selectable<ConnectionsTable>): Connection {
  return {
    id: r.id,
    visitorId: r.visitor_id,
    kind: r.kind as ProviderKind,
    mode: r.mode as ConnectionMode,
    status: r.status as ConnectionStatus,
    statusReason: r.status_reason,
    account: r.account,
    serverUrl: r.server_url,
    targetCalendarId: r.target_calendar_id,
    targetCalendarName: r.target_calendar_name,
    scope: r.scope,
    accessExpiresAt: r.access_expires_at === null ? null : Number(r.access_expires_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

// The associated data ties a ciphertext to its row: moved to another connection, it won't open.
const aad = (connectionId: string) => `connection:${connectionId}`;

export type ConnectionRepository = ReturnType<typeof createConnectionRepository>;

export function createConnectionRepository(db: Kysely<Database>, vault: TokenVault) {
  const seal = (id: string, secrets: ConnectionSecrets) => vault.seal(JSON.stringify(secrets), aad(id));

  return {
    /** Stores a new connection; a push connection gets its owner's saved events queued at once. */
    async create(c: Connection, secrets: ConnectionSecrets): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await insertConnection(trx, c, seal(c.id, secrets));
        await enqueuePushJobs(trx, await pushTargetsForConnection(trx, c.id), c.createdAt);
      });
    },

    /** After a reconnect: parked jobs run again and everything saved is checked once more. */
    async resumeWork(id: string, now: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('outbox_jobs')
          .set({ state: 'ready', run_at: now, attempts: 0, updated_at: now })
          .where(jobKeyStartsWith(connectionJobPrefix(id)))
          .where('state', '=', 'parked')
          .execute();
        await enqueuePushJobs(trx, await pushTargetsForConnection(trx, id), now);
      });
    },


    async get(id: string): Promise<Connection | null> {
      const row = await db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toConnection(row) : null;
    },

    /** Every visitor's connections to one account (the same person on several devices). */
    async findByAccount(kind: ProviderKind, account: string, serverUrl: string | null = null): Promise<Connection[]> {
      let q = db.selectFrom('connections').selectAll().where('kind', '=', kind).where((eb) => eb(eb.fn('lower', ['account']), '=', account.toLowerCase()));
      if (kind === 'caldav') q = q.where('server_url', '=', serverUrl ?? '');
      return (await q.orderBy('created_at').execute()).map(toConnection);
    },

    async listForVisitor(visitorId: string): Promise<Connection[]> {
      const rows = await db.selectFrom('connections').selectAll().where('visitor_id', '=', visitorId).orderBy('created_at').execute();
      return rows.map(toConnection);
    },

    /** The connection and its opened secrets from one read (token-lifecycle.ts, every request). */
    async withSecrets(id: string): Promise<{ connection: Connection; secrets: ConnectionSecrets } | null> {
      const row = await db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return null;
      const secrets = row.secrets_sealed ? (JSON.parse(vault.open(row.secrets_sealed, aad(id))) as ConnectionSecrets) : {};
      return { connection: toConnection(row), secrets };
    },

    async secrets(id: string): Promise<ConnectionSecrets> {
      const row = await db.selectFrom('connections').select('secrets_sealed').where('id', '=', id).executeTakeFirst();
      if (!row?.secrets_sealed) return {};
      return JSON.parse(vault.open(row.secrets_sealed, aad(id))) as ConnectionSecrets;
    },

    /** New secrets (after a refresh or reconnect): the connection is active again, the lease released. */
    async saveSecrets(id: string, secrets: ConnectionSecrets, accessExpiresAt: number | null, now: number, scope?: string): Promise<void> {
      await db
        .updateTable('connections')
        .set({
          secrets_sealed: seal(id, secrets),
          access_expires_at: accessExpiresAt,
          status: 'active',
          status_reason: null,
          refresh_lease_owner: null,
          refresh_lease_until: null,
          updated_at: now,
          ...(scope !== undefined ? { scope } : {}),
        })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Takes the refresh lease if nobody holds a live one. A conditional UPDATE is atomic on
     * both engines, so across processes exactly one caller gets `true` until the lease ends.
     */
    async tryLease(id: string, owner: string, now: number, until: number): Promise<boolean> {
      const result = await db
        .updateTable('connections')
        .set({ refresh_lease_owner: owner, refresh_lease_until: until })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('refresh_lease_until', 'is', null), eb('refresh_lease_until', '<', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async releaseLease(id: string, owner: string): Promise<void> {
      await db
        .updateTable('connections')
        .set({ refresh_lease_owner: null, refresh_lease_until: null })
        .where('id', '=', id)
        .where('refresh_lease_owner', '=', owner)
        .execute();
    },

    async setStatus(id: string, status: ConnectionStatus, reason: string | null, now: number): Promise<void> {
      await db.updateTable('connections').set({ status, status_reason: reason, updated_at: now }).where('id', '=', id).execute();
    },

    /**
     * The calendar `goneCalendarId` was deleted and `calendar` made in its place: copies that were
     * in it are forgotten and everything saved is pushed again, in one transaction. False when
     * the connection no longer writes into the gone calendar (someone already did this).
     */
    async replaceLostCalendar(id: string, goneCalendarId: string, calendar: { id: string; name: string }, now: number): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('connections')
          .set({ target_calendar_id: calendar.id, target_calendar_name: calendar.name, updated_at: now })
          .where('id', '=', id)
          .where('target_calendar_id', '=', goneCalendarId)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return false;
        await trx
          .updateTable('pushed_copies')
          .set((eb) => ({ calendar_id: null, remote_id: null, etag: null, pushed_version: null, state: 'pending', last_error: 'the calendar was deleted; making it again', updated_at: now, generation: eb('generation', '+', 1) }))
          .where('connection_id', '=', id)
          .where('calendar_id', '=', goneCalendarId)
          .where('state', 'in', ['synced', 'pending', 'failed'])
          .execute();
        await enqueuePushJobs(trx, await pushTargetsForConnection(trx, id), now);
        return true;
      });
    },

    async setTargetCalendar(id: string, calendarId: string, name: string, now: number): Promise<void> {
      await db
        .updateTable('connections')
        .set({ target_calendar_id: calendarId, target_calendar_name: name, updated_at: now })
        .where('id', '=', id)
        .execute();
    },

    /** The calendar ids the person chose to count for busy times; null: the default (all they own). */
    async busyCalendarIds(id: string): Promise<string[] | null> {
      const row = await db.selectFrom('connections').select('busy_calendar_ids').where('id', '=', id).executeTakeFirst();
      return row?.busy_calendar_ids ? (JSON.parse(row.busy_calendar_ids) as string[]) : null;
    },

    async setBusyCalendarIds(id: string, calendarIds: string[] | null, now: number): Promise<void> {
      await db
        .updateTable('connections')
        .set({ busy_calendar_ids: calendarIds === null ? null : JSON.stringify(calendarIds), updated_at: now })
        .where('id', '=', id)
        .execute();
    },

    async setAccount(id: string, account: string, now: number): Promise<void> {
      await db.updateTable('connections').set({ account, updated_at: now }).where('id', '=', id).execute();
    },

    /** Deleting the row deletes every secret with it. */
    async delete(id: string): Promise<void> {
      await db.deleteFrom('connections').where('id', '=', id).execute();
    },

    /** Re-seals every secret still under an older key; returns how many were re-sealed. */
    async resealAll(): Promise<number> {
      const rows = await db.selectFrom('connections').select(['id', 'secrets_sealed']).where('secrets_sealed', 'is not', null).execute();
      let count = 0;
      for (const row of rows) {
        if (!row.secrets_sealed || !vault.needsReseal(row.secrets_sealed)) continue;
        const resealed = vault.seal(vault.open(row.secrets_sealed, aad(row.id)), aad(row.id));
        // Only if unchanged meanwhile: a concurrent refresh already wrote under the new key.
        await db
          .updateTable('connections')
          .set({ secrets_sealed: resealed })
          .where('id', '=', row.id)
          .where('secrets_sealed', '=', row.secrets_sealed)
          .execute();
        count++;
      }
      return count;
    },
  };
}

async function insertConnection(trx: Transaction<Database>, c: Connection, sealed: string): Promise<void> {
  await trx
    .insertInto('connections')
    .values({
      id: c.id,
      visitor_id: c.visitorId,
      kind: c.kind,
      mode: c.mode,
      status: c.status,
      status_reason: c.statusReason,
      account: c.account,
      server_url: c.serverUrl,
      target_calendar_id: c.targetCalendarId,
      target_calendar_name: c.targetCalendarName,
      scope: c.scope,
      secrets_sealed: sealed,
      access_expires_at: c.accessExpiresAt,
      refresh_lease_owner: null,
      refresh_lease_until: null,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
    })
    .execute();
}
