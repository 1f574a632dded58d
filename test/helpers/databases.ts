import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Engine } from '../../src/infra/db/database.ts';
import { migrateToLatest } from '../../src/infra/db/migrate.ts';

// Every repository and feed suite runs on both engines: SQLite always, PostgreSQL when
// TEST_DATABASE_URL is set (each database opened here lives in its own schema, dropped after).

export interface TestEngine {
  name: Engine;
  /** Set when the engine is not available here; pass to describe/it as `skip`. */
  skip: string | false;
  /** A fresh, migrated, empty database; PostgreSQL through `url` when given (e.g. a proxy). */
  open(options?: { url?: string }): Promise<TestDatabase>;
}

export interface TestDatabase extends DatabaseHandle {
  /** Close and throw the data away. */
  dispose(): Promise<void>;
}

const pgUrl = process.env.TEST_DATABASE_URL;

/**
 * Kysely's migrator inspects the tables of every schema; a schema dropped by a parallel test
 * file in the middle of that fails it. Creating, migrating and dropping test schemas under one
 * advisory lock keeps parallel test files (and a benchmark on the same database) out of each
 * other's way.
 */
export async function withSchemaLock<T>(work: (admin: pg.Client) => Promise<T>, url = pgUrl): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock(727272)');
    return await work(admin);
  } finally {
    await admin.query('select pg_advisory_unlock(727272)').catch(() => undefined);
    await admin.end();
  }
}

export const testEngines: TestEngine[] = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const handle = openDatabase({ url: 'file::memory:' });
      await migrateToLatest(handle);
      return { ...handle, dispose: () => handle.close() };
    },
  },
  {
    name: 'postgres',
    skip: pgUrl ? false : 'TEST_DATABASE_URL is not set',
    async open(options = {}) {
      const schema = `cc_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const handle = openDatabase({ url: options.url ?? pgUrl!, schema });
      await withSchemaLock(async (admin) => {
        await admin.query(`create schema ${schema}`);
        await migrateToLatest(handle);
      });
      return {
        ...handle,
        async dispose() {
          await handle.close();
          await withSchemaLock((admin) => admin.query(`drop schema if exists ${schema} cascade`));
        },
      };
    },
  },
];
