import { sql, type Kysely, type Selectable } from 'kysely';
import type { Connection } from '../../core/sync/connection.ts';
import type { PushedCopy } from '../../core/sync/copy.ts';
import { toConnection } from './connection-repository.ts';
import { toCopy } from './copy-repository.ts';
import type { ConnectionsTable, Database, PushedCopiesTable } from './schema.ts';

// What a push job needs to know besides the event, in one round trip: the connection, our copy
// of the event there, and whether the connection's person still has the event saved. Three
// separate reads were a third of a job's queries (issue 14, the drain).

export interface PushFacts {
  connection: Connection | null;
  copy: PushedCopy | null;
  /** Whether the connection's visitor has `eventId` saved (false without a connection). */
  saved: boolean;
}

export type PushFactsReader = (connectionId: string, eventId: string) => Promise<PushFacts>;

const COPY_COLUMNS = ['calendar_id', 'remote_id', 'etag', 'sequence', 'pushed_version', 'state', 'last_error', 'updated_at', 'generation', 'requested_again'] as const;

export function createPushFactsReader(db: Kysely<Database>): PushFactsReader {
  return async (connectionId, eventId) => {
    const row = await db
      .selectFrom('connections as c')
      .leftJoin('pushed_copies as p', (join) => join.onRef('p.connection_id', '=', 'c.id').on('p.event_id', '=', eventId))
      .selectAll('c')
      // The copy's columns under a prefix: several share a name with the connection's.
      .select(COPY_COLUMNS.map((column) => sql.ref(`p.${column}`).as(`copy_${column}`)))
      .select(sql.ref('p.connection_id').as('copy_connection_id'))
      .select((eb) => eb.exists(eb.selectFrom('saved_events as s').select('s.event_id').whereRef('s.visitor_id', '=', 'c.visitor_id').where('s.event_id', '=', eventId)).as('saved'))
      .where('c.id', '=', connectionId)
      .executeTakeFirst();
    if (!row) return { connection: null, copy: null, saved: false };
    const r = row as unknown as Record<string, unknown>;
    const copy =
      r.copy_connection_id == null
        ? null
        : toCopy({ connection_id: connectionId, event_id: eventId, ...Object.fromEntries(COPY_COLUMNS.map((c) => [c, r[`copy_${c}`]])) } as Selectable<PushedCopiesTable>);
    // PostgreSQL answers `exists` with a boolean, SQLite with 0/1.
    const saved = r.saved === true || Number(r.saved) === 1;
    return { connection: toConnection(row as unknown as Selectable<ConnectionsTable>), copy, saved };
  };
}
