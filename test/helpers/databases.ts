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
  /** A fresh, migrated, empty database. */
  open(): Promise<TestDatabase>;
}

export interface TestDatabase extends DatabaseHandle {
  /** Close and throw the data away. */
  dispose(): Promise<void>;
}

const pgUrl = process.env.TEST_DATABASE_URL;

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
    async open() {
      const schema = `cc_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      await admin.end();
      const handle = openDatabase({ url: pgUrl!, schema });
      await migrateToLatest(handle);
      return {
        ...handle,
        async dispose() {
          await handle.close();
          const c = new pg.Client({ connectionString: pgUrl });
          await c.connect();
          await c.query(`drop schema if exists ${schema} cascade`);
          await c.end();
        },
      };
    },
  },
];
