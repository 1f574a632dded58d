import { EventEmitter } from 'node:events';
import pg from 'pg';

// "New jobs are waiting": how a sleeping worker learns it without waiting for its next poll.
// PostgreSQL: LISTEN on the schema's channel (migration 0007 sends the NOTIFY), on a connection
// of its own that is opened again when it drops. SQLite: the process that wrote the jobs is
// the only one, so an in-process signal is enough; SQLite's single connection makes a claim
// that follows it wait until the writing transaction has committed.

/** Stops listening. */
export type Unsubscribe = () => Promise<void>;
export type OutboxWakeups = (wake: () => void) => Unsubscribe;

const written = new EventEmitter();
written.setMaxListeners(0);

/** Called by the outbox writer after each insert; only in-process subscribers (SQLite) hear it. */
export function signalJobsWritten(): void {
  written.emit('jobs');
}

export function inProcessWakeups(): OutboxWakeups {
  return (wake) => {
    written.on('jobs', wake);
    return async () => void written.off('jobs', wake);
  };
}

export function postgresWakeups(url: string, schema: string | undefined, onError: (error: Error) => void = () => undefined): OutboxWakeups {
  return (wake) => {
    let client: pg.Client | null = null;
    let closed = false;
    let retry: NodeJS.Timeout | undefined;
    async function connect(): Promise<void> {
      const c = new pg.Client({ connectionString: url, options: schema ? `-c search_path=${schema}` : undefined });
      client = c;
      c.on('error', (error) => onError(error));
      c.on('end', () => {
        if (!closed) retry = setTimeout(() => void connect(), 1_000);
      });
      c.on('notification', () => wake());
      try {
        await c.connect();
        const { rows } = await c.query<{ schema: string }>('select current_schema() as schema');
        await c.query(`listen "cc_outbox_${rows[0]!.schema.replace(/"/g, '')}"`);
        // Jobs written while we were not listening: have a look now.
        wake();
      } catch (error) {
        onError(error as Error);
        await c.end().catch(() => undefined); // 'end' schedules the next try
      }
    }
    void connect();
    return async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    };
  };
}
