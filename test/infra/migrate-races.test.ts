import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { retryingCatalogRaces } from '../../src/infra/db/migrate.ts';

// Kysely's PostgreSQL introspector (run by every migration) evaluates has_schema_privilege() over
// all schemas, so another process dropping its schema at that moment fails our start with 3F000.
// CI met it once: a server started by a test while another test file dropped its schema.

const pgUrl = process.env.TEST_DATABASE_URL;

describe('migrations and schemas dropped by others', () => {
  it('asks again after a 3F000, and only then', async () => {
    let calls = 0;
    const raced = Object.assign(new Error('schema "cc_test_1_abcd" does not exist'), { code: '3F000' });
    assert.equal(await retryingCatalogRaces(async () => (++calls < 3 ? Promise.reject(raced) : 'migrated')), 'migrated');
    assert.equal(calls, 3);

    calls = 0;
    const other = Object.assign(new Error('syntax error'), { code: '42601' });
    await assert.rejects(retryingCatalogRaces(async () => (++calls, Promise.reject(other))), /syntax error/);
    assert.equal(calls, 1, 'other errors are not retried');

    calls = 0;
    await assert.rejects(retryingCatalogRaces(async () => (++calls, Promise.reject(raced))), /does not exist/);
    assert.equal(calls, 5, 'gives up after five tries');
  });

  it('the race is real: has_schema_privilege on a schema dropped meanwhile fails with 3F000', { skip: pgUrl ? false : 'TEST_DATABASE_URL is not set' }, async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await assert.rejects(client.query(`select has_schema_privilege('cc_test_never_there_${process.pid}', 'USAGE')`), (e: { code?: string }) => e.code === '3F000');
    } finally {
      await client.end();
    }
  });
});
