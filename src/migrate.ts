// `npm run migrate`: apply pending migrations to DATABASE_URL and exit.
import { loadConfig } from './infra/config.ts';
import { openDatabase } from './infra/db/database.ts';
import { migrateToLatest } from './infra/db/migrate.ts';

const config = loadConfig();
const database = openDatabase({ url: config.databaseUrl, schema: config.databaseSchema ?? undefined });
try {
  const applied = await migrateToLatest(database);
  process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
} finally {
  await database.close();
}
